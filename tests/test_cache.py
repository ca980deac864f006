"""The shared LRU cache: bounded by entries and by a size budget, newest kept, oldest evicted first."""

from app.cache import LRUCache


def test_entries_bound_evicts_least_recently_used():
    cache = LRUCache(max_entries=2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "a" is now the most recent
    cache.put("c", 3)
    assert cache.get("b") is None and cache.get("a") == 1 and cache.get("c") == 3
    assert len(cache) == 2


def test_size_budget_and_accounting():
    cache = LRUCache(max_entries=10, max_size=10, size_of=len)
    cache.put("x", "aaaa")
    cache.put("y", "bbbb")
    cache.put("z", "cccc")  # 12 > 10: "x" goes
    assert cache.get("x") is None
    assert cache.size == 8 == sum(len(v) for v in cache.values())
    cache.put("y", "b")  # replacing a value re-counts its size
    assert cache.size == 5
    cache.pop("z")
    assert cache.size == 1 and len(cache) == 1


def test_newest_value_is_kept_even_over_budget():
    cache = LRUCache(max_entries=5, max_size=3, size_of=len)
    cache.put("big", "abcdef")
    assert cache.get("big") == "abcdef"
