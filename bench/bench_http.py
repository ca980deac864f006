"""HTTP benchmark of POST /api/attention against a minimal FastAPI app, under the same uvicorn, in one run.

Run:  .venv/bin/python bench/bench_http.py            (or `make bench`; about 2 minutes; needs `wrk` on PATH)
      .venv/bin/python bench/bench_http.py --duration 5 --no-browser     (quicker, rougher)

What it does, in one run on this machine:
1. Starts bench/reference_app.py (one `async def` endpoint returning {"status": "ok"}) and the real app, each
   under `uvicorn --no-server-header --log-level warning --http httptools --loop uvloop` with
   OPENBLAS_NUM_THREADS=1, on free loopback ports, and drives each with `wrk -t2 -c32 -d10s --latency`:
   the reference's GET, then POST /api/attention with 4 heads for a 12-word sentence (the same sentence every
   time, and a different 12-word sentence on every request so no cache can help), for a 40-token text, and
   the 12-word sentence again with 2 workers. It prints and records req/s, p50, p99 and the ratio to the
   reference.
2. The 40-token response's size on the wire with `Accept-Encoding: gzip`, and every worker's RSS after load.
3. The first view of slide 4 (HTML with the embedded figure + CSS + JS + the plotly bundle) as transferred
   gzipped, and, if Chromium and Playwright are here, when the heatmaps are drawn after navigation
   (Performance API mark 'heatmaps-drawn') and what Chromium counted as transferred.
Results go to bench/RESULTS-http.md (its "bench_http" section). Timings are never asserted in the test suite.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    BENCH, ROOT, Server, cpu_seconds, load_average, machine_summary, memory_mb, write_section,
)

SENTENCE_12 = "The tired cat that the children adopted happily sat on the mat."  # 12 words, 13 tokens
TEXT_40 = ("The old man who lived by the river told his grandson that the boat, which he had built with his own "
           "hands, would carry them both safely across the dark water before the terrible storm finally arrived.")
SLIDE_4 = "/lessons/multi-head-attention/slides/4"

GOALS = {
    "ratio_12": 0.30,  # ≥ 0.30× the reference's req/s at 12 words
    "p99_ms": 50.0,  # p99 ≤ 50 ms at 32 connections
    "scale_2w": 1.6,  # 2 workers ≥ 1.6× one worker
    "gzip_40_kb": 40.0,  # a 40-token response ≤ 40 KB gzipped
    "rss_mb": 120.0,  # ≤ 120 MB per worker
    "page_kb": 800.0,  # slide 4's first view ≤ 800 KB gzipped
    "drawn_ms": 1000.0,  # heatmaps drawn within 1 s of navigation
}

# A different 12-word sentence on every request (wrk's per-request Lua hook): 8·8·8·8·8·8 = 262,144 sentences,
# so per-sentence caching cannot help and this measures the full computation.
VARIED_LUA = r"""
local adj = {"tired", "happy", "little", "old", "noisy", "clever", "lazy", "brave"}
local noun = {"cat", "dog", "bird", "child", "teacher", "farmer", "doctor", "pilot"}
local who = {"children", "neighbours", "students", "twins", "sailors", "artists", "nurses", "players"}
local verb = {"adopted", "found", "liked", "fed", "helped", "painted", "called", "met"}
local adv = {"happily", "quietly", "slowly", "finally", "proudly", "calmly", "sadly", "often"}
local place = {"mat", "bench", "roof", "floor", "chair", "wall", "boat", "step"}
local n = 0
function setup(thread) thread:set("id", n); n = n + 1 end
function init(args) math.randomseed(os.time() * 7 + id) end
local function pick(t) return t[math.random(#t)] end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
function request()
  local text = "The " .. pick(adj) .. " " .. pick(noun) .. " that the " .. pick(who) .. " " .. pick(verb) ..
    " " .. pick(adv) .. " sat on the " .. pick(place) .. "."
  return wrk.format(nil, nil, nil, '{"text": "' .. text .. '", "num_heads": 4}')
end
"""


@dataclass
class WrkResult:
    label: str
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    socket_errors: str
    cpu_ms: float = float("nan")  # server CPU time (all workers) per request: robust to other load on the box
    load: str = ""

    @property
    def clean(self) -> bool:
        return self.non_2xx == 0 and self.socket_errors == "none"


def post_lua(body: dict) -> str:
    text = json.dumps(body)
    assert "]]" not in text
    return ('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
            f"wrk.body = [[{text}]]\n")


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}[unit]


def run_wrk(label: str, url: str, duration: int, lua: str | None = None, threads: int = 2,
            connections: int = 32, server: Server | None = None) -> WrkResult:
    pids = server.worker_pids() if server else []
    cpu_before = cpu_seconds(pids) if pids else 0.0
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
    with tempfile.TemporaryDirectory() as tmp:
        if lua:
            script = Path(tmp) / "request.lua"
            script.write_text(lua)
            cmd += ["-s", str(script)]
        out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True,
                             timeout=duration + 60).stdout
    cpu_used = cpu_seconds(pids) - cpu_before if pids else float("nan")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = to_ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = to_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    non_2xx_match = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors_match = re.search(r"Socket errors:\s+(.*)", out)
    result = WrkResult(label, rps, p50, p99, requests, int(non_2xx_match.group(1)) if non_2xx_match else 0,
                       errors_match.group(1).strip() if errors_match else "none",
                       cpu_ms=cpu_used * 1e3 / max(requests, 1), load=load_average())
    print(f"  {label:<58} {rps:>7.0f} req/s  p50 {p50:6.2f} ms  p99 {p99:7.2f} ms  "
          f"cpu {result.cpu_ms:5.2f} ms/req  load {result.load}"
          f"{'' if result.clean else f'  non-2xx {result.non_2xx}, socket errors: {result.socket_errors}'}",
          flush=True)
    return result


# ------------------------------------------------------------------------------------------ sizes on the wire


def fetch_raw(base: str, path: str, method: str = "GET", body: bytes | None = None,
              headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """One request without any decoding: the body exactly as it crossed the wire (gzipped if the server did)."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request(method, path, body=body, headers={"Accept-Encoding": "gzip", **(headers or {})})
        response = conn.getresponse()
        raw = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, raw
    finally:
        conn.close()


def decoded(headers: dict[str, str], raw: bytes) -> bytes:
    return gzip.decompress(raw) if headers.get("content-encoding") == "gzip" else raw


def response_40_size(base: str) -> dict:
    body = json.dumps({"text": TEXT_40, "num_heads": 4}).encode()
    status, headers, raw = fetch_raw(base, "/api/attention", "POST", body, {"Content-Type": "application/json"})
    assert status == 200, status
    plain = decoded(headers, raw)
    payload = json.loads(plain)
    assert len(payload["tokens"]) == 40, len(payload["tokens"])
    return {"gzip_bytes": len(raw), "plain_bytes": len(plain), "encoding": headers.get("content-encoding", "none")}


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.urls.append(("script", a["src"]))
        elif tag == "link" and a.get("href") and a.get("rel") in ("stylesheet", "icon"):
            self.urls.append((a["rel"], a["href"]))


def page_weight(base: str, path: str) -> dict:
    """Everything a first view of the page fetches (HTML, stylesheet, icon, scripts), as transferred."""
    status, headers, raw = fetch_raw(base, path)
    assert status == 200, status
    html = decoded(headers, raw).decode()
    assert "data-attention-payload" in html, "slide 4 should embed the figure"
    rows = [{"what": f"HTML {path} (figure embedded)", "gzip": len(raw), "plain": len(html.encode()),
             "encoding": headers.get("content-encoding", "none")}]
    parser = _Assets()
    parser.feed(html)
    for kind, url in parser.urls:
        status, headers, raw = fetch_raw(base, url)
        assert status == 200, (url, status)
        rows.append({"what": f"{kind} {url.split('?')[0]}", "gzip": len(raw), "plain": len(decoded(headers, raw)),
                     "encoding": headers.get("content-encoding", "none")})
    return {"rows": rows, "total_gzip": sum(r["gzip"] for r in rows), "total_plain": sum(r["plain"] for r in rows)}


def browser_timing(base: str, runs: int = 5) -> dict | None:
    """Slide 4 in headless Chromium, a fresh profile each time: when 'heatmaps-drawn' is marked, what moved."""
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        return None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    drawn, transferred, loaded, fetched, dcl = [], [], [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        for _ in range(runs + 1):  # the first run only warms the server
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.goto(base + SLIDE_4)
            page.wait_for_selector("[data-plotted='4']", timeout=30_000)
            stats = page.evaluate(
                "(() => { const nav = performance.getEntriesByType('navigation')[0];"
                " const res = performance.getEntriesByType('resource');"
                " const scripts = res.filter(r => r.initiatorType === 'script');"
                " return {drawn: performance.getEntriesByName('heatmaps-drawn')[0].startTime,"
                " load: nav.loadEventEnd, dcl: nav.domContentLoadedEventStart,"
                " fetched: Math.max(nav.responseEnd, ...scripts.map(r => r.responseEnd)),"
                " bytes: nav.transferSize + res.reduce((s, r) => s + r.transferSize, 0)}; })()")
            context.close()
            drawn.append(stats["drawn"])
            loaded.append(stats["load"])
            transferred.append(stats["bytes"])
            fetched.append(stats["fetched"])
            dcl.append(stats["dcl"])
        browser.close()
    drawn, transferred, loaded, fetched, dcl = drawn[1:], transferred[1:], loaded[1:], fetched[1:], dcl[1:]
    return {"runs": runs, "drawn_median": statistics.median(drawn), "drawn_max": max(drawn),
            "load_median": statistics.median(loaded), "bytes_median": statistics.median(transferred),
            "fetched_median": statistics.median(fetched), "dcl_median": statistics.median(dcl)}


# ------------------------------------------------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (default 10)")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium timing of slide 4")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS-http.md alone")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    d = args.duration
    body_12 = post_lua({"text": SENTENCE_12, "num_heads": 4})
    body_40 = post_lua({"text": TEXT_40, "num_heads": 4})
    results: dict[str, WrkResult] = {}
    memory: list[tuple[str, int, dict]] = []
    started = time.monotonic()

    print(f"wrk -t2 -c32 -d{d}s --latency; uvicorn --no-server-header --log-level warning --http httptools "
          f"--loop uvloop; OPENBLAS_NUM_THREADS=1", flush=True)
    with Server("reference_app:app", app_dir=BENCH, ready_path="/") as ref:
        run_wrk("warm-up", ref.base + "/", 2, server=ref)
        results["ref"] = run_wrk('reference: GET / → {"status": "ok"} (1 worker)', ref.base + "/", d, server=ref)

    with Server("app.main:app") as app:
        api = app.base + "/api/attention"
        run_wrk("warm-up", api, 2, body_12, server=app)
        results["s12"] = run_wrk("POST /api/attention, 12 words, same sentence", api, d, body_12, server=app)
        results["v12"] = run_wrk("POST /api/attention, 12 words, a new sentence each", api, d, VARIED_LUA,
                                 server=app)
        results["t40"] = run_wrk("POST /api/attention, 40 tokens", api, d, body_40, server=app)
        for pid in app.worker_pids():
            memory.append(("1 worker, after load", pid, memory_mb(pid)))
        size_40 = response_40_size(app.base)
        weight = page_weight(app.base, SLIDE_4)
        timing = None if args.no_browser else browser_timing(app.base)

    with Server("app.main:app", workers=2) as app2:
        api = app2.base + "/api/attention"
        run_wrk("warm-up", api, 2, body_12, server=app2)
        results["s12_2w"] = run_wrk("POST /api/attention, 12 words, same sentence (2 workers)", api, d, body_12,
                                    server=app2)
        results["v12_2w"] = run_wrk("POST /api/attention, 12 words, new sentence (2 workers)", api, d,
                                    VARIED_LUA, server=app2)
        for pid in app2.worker_pids():
            memory.append(("2 workers, after load", pid, memory_mb(pid)))

    ref_rps = results["ref"].rps
    scale_same = results["s12_2w"].rps / results["s12"].rps
    scale_varied = results["v12_2w"].rps / results["v12"].rps
    rss_max = max(m["VmRSS"] for _, _, m in memory)
    hwm_max = max(m["VmHWM"] for _, _, m in memory)
    elapsed = time.monotonic() - started

    lines = [
        "## HTTP throughput (`bench/bench_http.py`)",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M %Z')} in {elapsed:.0f} s on {machine_summary()}.",
        f"`wrk -t2 -c32 -d{d}s --latency` on loopback (wrk shares the 2 cores with the server); each server under "
        "`uvicorn --no-server-header --log-level warning --http httptools --loop uvloop` with "
        "`OPENBLAS_NUM_THREADS=1`; no `Accept-Encoding` in the wrk runs (raw JSON). 4 heads, illustrative weights.",
        "",
        "Server CPU ms/request is the servers' user + system CPU time (all workers, from /proc) divided by the "
        "requests served: unlike req/s it hardly moves when other processes share the cores; the load average "
        "(1 min) at the end of each run shows how busy the machine was.",
        "",
        "| run | req/s | × reference | p50 ms | p99 ms | server CPU ms/req | load avg | non-2xx / socket errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in results.values():
        lines.append(f"| {r.label} | {r.rps:,.0f} | {r.rps / ref_rps:.2f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} | "
                     f"{r.cpu_ms:.2f} | {r.load.split()[0]} | {r.non_2xx} / {r.socket_errors} |")
    lines += [
        "",
        "\"Same sentence\" runs are answered from the analysis cache in app/live.py after the first request (what a "
        "class sending the default or example sentences gets); \"a new sentence each\" does the whole computation "
        "on every request (tokenize, tag, embed, the engine for the chosen heads and once more for one head, "
        "figure, JSON).",
        "",
        f"- 40-token response: {size_40['plain_bytes'] / 1000:.1f} KB of JSON, "
        f"**{size_40['gzip_bytes'] / 1000:.1f} KB gzipped** on the wire (Content-Encoding: {size_40['encoding']}).",
        "- Worker memory after load (VmRSS now / VmHWM peak): " + "; ".join(
            f"{label} pid {pid}: {m['VmRSS']:.0f} / {m['VmHWM']:.0f} MB" for label, pid, m in memory) + ".",
        f"- Slide 4, first view, as transferred with `Accept-Encoding: gzip`: **{weight['total_gzip'] / 1000:.0f} KB** "
        f"({weight['total_plain'] / 1000:.0f} KB uncompressed):",
        "",
        "  | resource | gzipped KB | uncompressed KB |",
        "  | --- | ---: | ---: |",
        *[f"  | {r['what']} | {r['gzip'] / 1000:.1f} | {r['plain'] / 1000:.1f} |" for r in weight["rows"]],
        "",
    ]
    if timing:
        lines.append(
            f"- Headless Chromium, slide 4 in a fresh profile ({timing['runs']} runs after one warm-up): heatmaps "
            f"drawn (`performance.mark('heatmaps-drawn')`) **{timing['drawn_median']:.0f} ms** after navigation "
            f"start (median; worst {timing['drawn_max']:.0f} ms), load event {timing['load_median']:.0f} ms; "
            f"Chromium counted {timing['bytes_median'] / 1000:.0f} KB transferred (with headers). Where the time "
            f"goes (medians): HTML and every script fetched by {timing['fetched_median']:.0f} ms; the deferred "
            f"scripts (almost all of it plotly.js evaluating itself) done at DOMContentLoaded, "
            f"{timing['dcl_median']:.0f} ms; the four heatmaps drawn after that.")
    else:
        lines.append("- Headless Chromium timing: not run (no Chromium/Playwright, or --no-browser).")

    def verdict(ok: bool) -> str:
        return "met" if ok else "**not met**"

    cached_runs, new_runs = ("s12", "t40", "s12_2w"), ("v12", "v12_2w")
    p99_cached = max(results[k].p99_ms for k in cached_runs)
    p99_new = max(results[k].p99_ms for k in new_runs)

    def both(ok_cached: bool, ok_new: bool) -> str:
        if ok_cached and ok_new:
            return "met"
        if ok_cached:
            return "met for a repeated sentence; **not met** when every request brings a new one"
        return "**not met**"

    goals = [
        (f"≥ {GOALS['ratio_12']:.2f}× the reference at 12 words",
         f"{results['s12'].rps / ref_rps:.2f}× (same sentence), "
         f"{results['v12'].rps / ref_rps:.2f}× (new sentence each)",
         both(results["s12"].rps / ref_rps >= GOALS["ratio_12"], results["v12"].rps / ref_rps >= GOALS["ratio_12"])),
        (f"p99 ≤ {GOALS['p99_ms']:.0f} ms at 32 connections",
         f"worst p99 {p99_cached:.1f} ms (same sentence, 12 words or 40 tokens), {p99_new:.1f} ms (new sentence each)",
         both(p99_cached <= GOALS["p99_ms"], p99_new <= GOALS["p99_ms"])),
        (f"2 workers ≥ {GOALS['scale_2w']}× one worker", f"{scale_same:.2f}× (same), {scale_varied:.2f}× (new)",
         both(scale_same >= GOALS["scale_2w"], scale_varied >= GOALS["scale_2w"])),
        (f"40-token response ≤ {GOALS['gzip_40_kb']:.0f} KB gzipped", f"{size_40['gzip_bytes'] / 1000:.1f} KB",
         verdict(size_40["gzip_bytes"] / 1000 <= GOALS["gzip_40_kb"])),
        (f"RSS ≤ {GOALS['rss_mb']:.0f} MB per worker", f"max VmRSS {rss_max:.0f} MB (peak {hwm_max:.0f} MB)",
         verdict(hwm_max <= GOALS["rss_mb"])),
        (f"slide 4 first view ≤ {GOALS['page_kb']:.0f} KB gzipped", f"{weight['total_gzip'] / 1000:.0f} KB",
         verdict(weight["total_gzip"] / 1000 <= GOALS["page_kb"])),
    ]
    if timing:
        goals.append((f"heatmaps drawn ≤ {GOALS['drawn_ms']:.0f} ms after navigation",
                      f"median {timing['drawn_median']:.0f} ms, worst {timing['drawn_max']:.0f} ms",
                      verdict(timing["drawn_max"] <= GOALS["drawn_ms"])))
    lines += ["", "| goal (issue) | measured | |", "| --- | --- | --- |"]
    lines += [f"| {goal} | {measured} | {outcome} |" for goal, measured, outcome in goals]
    report = "\n".join(lines)
    print("\n" + report)
    if not args.no_write:
        write_section("bench_http", report)
        print(f"\nwritten to {Path(BENCH / 'RESULTS-http.md').relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
