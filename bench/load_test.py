"""Bounded load test: 200 concurrent clients for 20 s against the real app under uvicorn, on loopback only.

Run:  .venv/bin/python bench/load_test.py                  (2 workers, 200 clients, 20 s; about 40 s in all)
      .venv/bin/python bench/load_test.py --workers 1 --clients 50 --duration 5 --no-write

Each client is an asyncio task with its own keep-alive connection (httpx), looping until the deadline over a
mix of what a class does: page views (course, overview, slides 1-5 with and without the learner's sentence,
the quiz page, static files), attention calls (GET and POST, repeated and new sentences, 1-8 heads, both
weight sources), quiz traffic (fresh questions from the JSON API, answers to the JSON API and to the HTML form)
and bad requests (empty text, a 20 KB body → 413, broken JSON, unknown heads, control characters, unknown
pages, path traversal). Every request has an expected status; the run fails (exit 1) on any 5xx, any dropped
connection or timeout, or any status other than the expected one. Results go to bench/RESULTS-http.md.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import math
import random
import ssl
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Server, cpu_seconds, load_average, machine_summary, memory_mb, write_section  # noqa: E402

SLUG = "multi-head-attention"
SENTENCES = [
    "The big cat sat on the mat because it was tired.",
    "Tom called his sister because he missed her.",
    "The keys to the old cabinet are on the table.",
    "The quick brown fox jumps over the lazy dog.",
    "The tired cat that the children adopted happily sat on the mat.",
]
WORDS = "tired happy little old noisy clever lazy brave cat dog bird child teacher farmer doctor pilot".split()


def new_sentence(rng: random.Random) -> str:
    """A sentence nobody has sent yet (so no cache helps): 6-30 words."""
    words = [rng.choice(WORDS) for _ in range(rng.randint(5, 29))]
    return "The " + " ".join(words) + "."


@dataclass
class Request:
    action: str
    method: str
    path: str
    expect: tuple[int, ...]
    json_body: object = None
    content: bytes | None = None
    data: dict | None = None
    headers: dict = field(default_factory=dict)
    check: str | None = None  # "attention", "quiz", "grade": the body of a 200 is read and checked


def pick(rng: random.Random) -> list[Request]:
    """One step of one client: usually one request, a quiz round trip is two."""
    roll = rng.random()
    if roll < 0.30:  # page views
        n = rng.randint(1, 5)
        return [rng.choice([
            Request("page", "GET", "/", (200,)),
            Request("page", "GET", f"/lessons/{SLUG}", (200,)),
            Request("page", "GET", f"/lessons/{SLUG}/slides/{n}", (200,)),
            Request("page", "GET", f"/lessons/{SLUG}/slides/{n}?text={rng.choice(SENTENCES)}&heads=4", (200,)),
            Request("page", "GET", f"/lessons/{SLUG}/quiz", (200,)),
            Request("static", "GET", "/static/css/site.css", (200,)),
            Request("static", "GET", "/static/js/explorer.js", (200,)),
        ])]
    if roll < 0.60:  # attention calls
        sentence = rng.choice(SENTENCES) if rng.random() < 0.5 else new_sentence(rng)
        heads = rng.choice([1, 2, 4, 4, 8])
        source = rng.choice(["illustrative", "illustrative", "random"])
        if rng.random() < 0.5:
            return [Request("attention POST", "POST", "/api/attention", (200,), check="attention",
                            json_body={"text": sentence, "num_heads": heads, "source": source})]
        return [Request("attention GET", "GET", f"/api/attention?text={sentence}&heads={heads}&source={source}",
                        (200,), check="attention")]
    if roll < 0.75:  # quiz: questions, then answers (the second request is built from the first's reply)
        return [Request("quiz questions", "GET", f"/api/quiz/{SLUG}", (200,), check="quiz")]
    # bad requests: each must be refused with the right 4xx, never a 5xx
    return [rng.choice([
        Request("bad: empty text", "POST", "/api/attention", (422,), json_body={"text": ""}),
        Request("bad: 20 KB body", "POST", "/api/attention", (413,), content=b'{"text": "' + b"a" * 20_000 + b'"}',
                headers={"content-type": "application/json"}),
        Request("bad: broken JSON", "POST", "/api/attention", (422,), content=b'{"text": "The cat",',
                headers={"content-type": "application/json"}),
        Request("bad: heads=3", "POST", "/api/attention", (422,), json_body={"text": "The cat sat.", "num_heads": 3}),
        Request("bad: control char", "POST", "/api/attention", (422,), json_body={"text": "The cat\u0000 sat."}),
        Request("bad: 70 tokens", "GET", "/api/attention?text=" + "word+" * 70, (422,)),
        Request("bad: unknown page", "GET", "/lessons/no-such-lesson", (404,)),
        Request("bad: slide 99", "GET", f"/lessons/{SLUG}/slides/99", (404,)),
        Request("bad: traversal", "GET", "/static/..%2Fapp%2Fmain.py", (404,)),
        Request("bad: forged quiz id", "POST", f"/api/quiz/{SLUG}/answers", (422,),
                json_body={"answers": [{"id": "forged.id", "answer": "A"}]}),
        Request("bad: quiz form, wrong type", "POST", f"/lessons/{SLUG}/quiz", (415,), content=b"x",
                headers={"content-type": "text/plain"}),
    ])]


def answers_for(quiz: dict, rng: random.Random) -> list[tuple[str, str]]:
    out = []
    for q in quiz["questions"]:
        if q["input"] == "number":
            out.append((q["id"], str(rng.randint(1, 64))))
        else:
            out.append((q["id"], rng.choice(q["options"])["key"]))
    return out


class Stats:
    def __init__(self) -> None:
        self.statuses: dict[str, Counter] = defaultdict(Counter)
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter = Counter()  # dropped connections, timeouts, protocol errors
        self.unexpected: Counter = Counter()  # (action, status) not the expected one
        self.bad_bodies: Counter = Counter()

    @property
    def total(self) -> int:
        return sum(sum(c.values()) for c in self.statuses.values())

    @property
    def server_errors(self) -> int:
        return sum(n for c in self.statuses.values() for s, n in c.items() if s >= 500)


def body_ok(kind: str, body: dict) -> bool:
    if kind == "attention":
        return all(math.isfinite(w) and 0 <= w <= 1 for h in body["heads"] for row in h["weights"] for w in row)
    if kind == "quiz":
        return bool(body["questions"])
    if kind == "grade":
        return body["total"] >= 1 and 0 <= body["score"] <= body["total"]
    return True


async def send(client: httpx.AsyncClient, req: Request, stats: Stats) -> httpx.Response | None:
    started = time.perf_counter()
    try:
        response = await client.request(req.method, req.path, json=req.json_body, content=req.content,
                                        data=req.data, headers=req.headers)
    except httpx.HTTPError as exc:  # connection refused/reset, timeouts, protocol errors: all count as dropped
        stats.errors[f"{req.action}: {type(exc).__name__}"] += 1
        return None
    stats.latency[req.action].append(time.perf_counter() - started)
    stats.statuses[req.action][response.status_code] += 1
    if response.status_code not in req.expect:
        stats.unexpected[(req.action, response.status_code, req.path[:80])] += 1
    elif req.check and response.status_code == 200:
        try:
            if not body_ok(req.check, response.json()):
                stats.bad_bodies[req.action] += 1
        except (ValueError, KeyError, TypeError):
            stats.bad_bodies[req.action] += 1
    return response


async def client_loop(n: int, base: str, deadline: float, stats: Stats, timeout: float, tls: ssl.SSLContext) -> None:
    rng = random.Random(n)
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)  # one connection per client
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout, verify=tls) as client:
        await client_steps(rng, client, deadline, stats)


async def client_steps(rng: random.Random, client: httpx.AsyncClient, deadline: float, stats: Stats) -> None:
    while time.monotonic() < deadline:
        for req in pick(rng):
            response = await send(client, req, stats)
            if req.check == "quiz" and response is not None and response.status_code == 200:
                answers = answers_for(response.json(), rng)
                if rng.random() < 0.5:
                    await send(client, Request("quiz answers (JSON)", "POST", f"/api/quiz/{SLUG}/answers", (200,),
                                               json_body={"answers": [{"id": i, "answer": a} for i, a in answers]},
                                               check="grade"), stats)
                else:
                    form = {}
                    for k, (i, a) in enumerate(answers, start=1):
                        form[f"id-{k}"], form[f"answer-{k}"] = i, a
                    await send(client, Request("quiz answers (form)", "POST", f"/lessons/{SLUG}/quiz", (200,),
                                               data=form), stats)


async def run_load(base: str, clients: int, duration: float, timeout: float) -> tuple[Stats, float]:
    stats = Stats()
    tls = ssl.create_default_context()  # never used (plain HTTP), but built once instead of once per client
    deadline = time.monotonic() + duration
    started = time.perf_counter()
    tasks = [asyncio.create_task(client_loop(n, base, deadline, stats, timeout, tls)) for n in range(clients)]
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=duration + timeout + 30)
    return stats, time.perf_counter() - started


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def ms(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1e3


def report(stats: Stats, elapsed: float, args: argparse.Namespace, memory: list[tuple[int, dict]],
           cpu: dict[str, float]) -> str:
    lines = [
        "## Load test (`bench/load_test.py`)",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M %Z')} on {machine_summary()}; load average at the end: "
        f"{load_average()}.",
        f"{args.clients} concurrent clients (asyncio + httpx, one keep-alive connection each) for {args.duration:g} s "
        f"against uvicorn with {args.workers} worker(s) on loopback (same flags as bench_http.py), the load "
        f"generator on the same 2 cores. {stats.total:,} requests in {elapsed:.1f} s "
        f"({stats.total / elapsed:,.0f} req/s)."
        + (f" CPU used: server workers {cpu['server']:.1f} s ("
           f"{cpu['server'] * 1e3 / max(stats.total, 1):.1f} ms per request), load generator "
           f"{cpu['generator']:.1f} s, of {2 * elapsed:.0f} core-seconds." if cpu else ""),
        "",
        f"**5xx: {stats.server_errors}. Dropped connections / timeouts: {sum(stats.errors.values())}. "
        f"Unexpected statuses: {sum(stats.unexpected.values())}. Bad 200 bodies: {sum(stats.bad_bodies.values())}.**",
        "",
        "| request | count | statuses | p50 ms | p99 ms |",
        "| --- | ---: | --- | ---: | ---: |",
    ]
    for action in sorted(stats.statuses):
        counts = stats.statuses[action]
        lat = stats.latency[action]
        statuses = ", ".join(f"{s}×{n}" for s, n in sorted(counts.items()))
        lines.append(f"| {action} | {sum(counts.values()):,} | {statuses} | {ms(lat, 0.5):.0f} | {ms(lat, 0.99):.0f} |")
    everything = [x for v in stats.latency.values() for x in v]
    lines.append(f"| **all** | {stats.total:,} | | {ms(everything, 0.5):.0f} | {ms(everything, 0.99):.0f} |")
    if stats.errors:
        lines += ["", "Dropped connections / timeouts: " + ", ".join(f"{k} ×{n}" for k, n in stats.errors.items())]
    if stats.unexpected:
        lines += ["", "Unexpected statuses: " + ", ".join(f"{a} {s} ({p}) ×{n}"
                                                         for (a, s, p), n in stats.unexpected.most_common(10))]
    if memory:
        lines += ["", "Worker memory after the run (VmRSS / VmHWM peak): " + "; ".join(
            f"pid {pid}: {m['VmRSS']:.0f} / {m['VmHWM']:.0f} MB" for pid, m in memory) + "."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of load (default 20)")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers (default 2)")
    parser.add_argument("--timeout", type=float, default=30.0, help="per-request timeout in seconds")
    parser.add_argument("--url", help="an already running server on loopback instead of starting one")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS-http.md alone")
    args = parser.parse_args(argv)
    memory: list[tuple[int, dict]] = []
    cpu: dict[str, float] = {}
    if args.url:
        if not is_loopback(args.url):
            parser.error("--url must be a loopback address (127.0.0.0/8, ::1 or localhost)")
        stats, elapsed = asyncio.run(run_load(args.url.rstrip("/"), args.clients, args.duration, args.timeout))
    else:
        with Server("app.main:app", workers=args.workers) as server:
            pids = server.worker_pids()
            cpu_before, own_before = cpu_seconds(pids), time.process_time()
            stats, elapsed = asyncio.run(run_load(server.base, args.clients, args.duration, args.timeout))
            cpu = {"server": cpu_seconds(pids) - cpu_before, "generator": time.process_time() - own_before}
            memory = [(pid, memory_mb(pid)) for pid in pids]
            if server.proc.poll() is not None:
                print("the server exited during the run", file=sys.stderr)
                return 1
    text = report(stats, elapsed, args, memory, cpu)
    print(text)
    if not args.no_write:
        write_section("load_test", text)
    failed = stats.server_errors or stats.errors or stats.unexpected or stats.bad_bodies
    print("\nFAILED" if failed else "\nOK: no 5xx, no dropped connection, every status as expected")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
