"""Shared by bench/bench_http.py and bench/load_test.py: start uvicorn on a free loopback port, read RSS,
and write one section of bench/RESULTS-http.md without touching the other script's section.
"""

from __future__ import annotations

import os
import platform
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "RESULTS-http.md"

# The same settings for the real app and the reference app, in every run.
UVICORN_FLAGS = ["--no-server-header", "--log-level", "warning", "--http", "httptools", "--loop", "uvloop"]
SERVER_ENV = {
    "OPENBLAS_NUM_THREADS": "1",  # one BLAS thread per worker (see README, "Running it for a class")
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "ATTENTION_COURSE_SECRET": "bench-secret",  # workers must share one quiz-signing secret
    "PYTHONDONTWRITEBYTECODE": "1",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`uvicorn <spec>` in a child process on a free loopback port; a context manager that stops it again."""

    def __init__(self, spec: str, workers: int = 1, app_dir: Path | None = None, ready_path: str = "/healthz"):
        self.spec, self.workers, self.app_dir, self.ready_path = spec, workers, app_dir, ready_path
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    @property
    def command(self) -> list[str]:
        cmd = [sys.executable, "-m", "uvicorn", self.spec, "--host", "127.0.0.1", "--port", str(self.port),
               "--workers", str(self.workers), *UVICORN_FLAGS]
        if self.app_dir is not None:
            cmd += ["--app-dir", str(self.app_dir)]
        return cmd

    def __enter__(self) -> "Server":
        env = {**os.environ, **SERVER_ENV}
        self.proc = subprocess.Popen(self.command, cwd=ROOT, env=env)
        deadline = time.monotonic() + 60
        ok_in_a_row = 0
        while ok_in_a_row < 3 * self.workers:  # with several workers, let every one of them come up
            try:
                with urllib.request.urlopen(self.base + self.ready_path, timeout=2) as response:
                    ok_in_a_row += response.status == 200
            except OSError:
                ok_in_a_row = 0
                if self.proc.poll() is not None:
                    raise RuntimeError(f"uvicorn exited with {self.proc.returncode}: {' '.join(self.command)}")
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"uvicorn did not answer on {self.base} within 60 s")
                time.sleep(0.2)
        if self.workers > 1:
            time.sleep(1.0)
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def worker_pids(self) -> list[int]:
        """The processes that serve requests: uvicorn itself with one worker, its children with several."""
        assert self.proc is not None
        if self.workers == 1:
            return [self.proc.pid]
        return [pid for pid in children(self.proc.pid) if b"spawn_main" in _cmdline(pid) or
                b"uvicorn" in _cmdline(pid)]


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
        return found


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def memory_mb(pid: int) -> dict[str, float]:
    """VmRSS (now) and VmHWM (peak resident) of a process, in MB (10^6 bytes)."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0]) * 1024 / 1e6
    return out


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes have used so far (from /proc/<pid>/stat), in seconds."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / os.sysconf("SC_CLK_TCK")


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def machine_summary() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = []
    for name in ("fastapi", "starlette", "uvicorn", "numpy", "orjson", "httptools", "uvloop"):
        try:
            from importlib.metadata import version

            versions.append(f"{name} {version(name)}")
        except Exception:  # noqa: BLE001 - a missing package is reported as such
            versions.append(f"{name} (not installed)")
    return (f"{os.cpu_count()} cores ({cpu}), Linux {platform.release()}, Python {platform.python_version()}; "
            + ", ".join(versions))


def write_section(name: str, body: str) -> None:
    """Replace this script's section of RESULTS-http.md (between its markers), keeping everything else."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = RESULTS.read_text() if RESULTS.exists() else (
        "# HTTP benchmarks and load test\n\nWritten by `bench/bench_http.py` and `bench/load_test.py`; each "
        "replaces only its own section. Numbers are from the machine named in each section.\n\n")
    block = f"{start}\n{body.rstrip()}\n{end}"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        text = before + block + after
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(text)
