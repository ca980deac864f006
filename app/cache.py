"""A small least-recently-used cache, bounded by entry count and optionally by a size budget (pure stdlib)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class LRUCache(Generic[V]):
    """Keeps the most recently used values; evicts the oldest past `max_entries` or past `max_size`.

    `size_of(value)` measures each value against `max_size`; the newest value is always kept, even alone over
    the budget, so a cache never refuses what it was just given. Not thread-safe: the app is asyncio.
    """

    def __init__(self, max_entries: int, max_size: int | None = None,
                 size_of: Callable[[V], int] = lambda value: 1) -> None:
        self.max_entries = max_entries
        self.max_size = max_size
        self.size_of = size_of
        self.size = 0
        self._items: OrderedDict[Hashable, V] = OrderedDict()

    def get(self, key: Hashable) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: Hashable, value: V) -> V:
        old = self._items.pop(key, None)
        if old is not None:
            self.size -= self.size_of(old)
        self._items[key] = value
        self.size += self.size_of(value)
        while len(self._items) > 1 and (
            len(self._items) > self.max_entries or (self.max_size is not None and self.size > self.max_size)
        ):
            _, evicted = self._items.popitem(last=False)
            self.size -= self.size_of(evicted)
        return value

    def pop(self, key: Hashable, default: V | None = None) -> V | None:
        old = self._items.pop(key, None)
        if old is None:
            return default
        self.size -= self.size_of(old)
        return old

    def values(self) -> list[V]:
        return list(self._items.values())

    def __len__(self) -> int:
        return len(self._items)
