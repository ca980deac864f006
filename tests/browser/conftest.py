"""Real-browser fixtures: the app under uvicorn on a free port, and Debian's Chromium driven by Playwright.

Tests here skip with a printed reason where Chromium is missing, unless REQUIRE_BROWSER=1 (set by .ci/run),
which turns that skip into a failure. Every page fails its test on a console error or a request to another host.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--no-first-run",
    "--disable-quic",
]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but the browser tests cannot run: {reason}")
    print(f"\nSKIP browser tests: {reason}", file=sys.stderr)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server() -> str:
    """The real app under uvicorn in a child process; yields its base URL."""
    port = free_port()
    env = {**os.environ, "ATTENTION_COURSE_SECRET": "browser-tests", "OPENBLAS_NUM_THREADS": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", str(port),
         "--no-server-header", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1) as response:
                if response.status == 200:
                    break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("the app did not start under uvicorn")
            time.sleep(0.2)
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        _skip_or_fail("no Chromium found at /usr/bin/chromium (install it: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip_or_fail("the playwright package is not installed")
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


class PageWatch:
    """What a page did that a test must not allow: console errors, page errors, requests to other hosts."""

    def __init__(self, base: str) -> None:
        self.host = urlparse(base).netloc
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.foreign_requests: list[str] = []
        self.dialogs: list[str] = []

    def on_request(self, request) -> None:
        url = urlparse(request.url)
        if url.scheme in ("data", "blob", "about"):
            return
        if url.netloc != self.host:
            self.foreign_requests.append(request.url)

    def assert_clean(self) -> None:
        assert self.foreign_requests == [], f"requests to other hosts: {self.foreign_requests}"
        assert self.page_errors == [], f"uncaught page errors: {self.page_errors}"
        assert self.console_errors == [], f"console errors: {self.console_errors}"
        assert self.dialogs == [], f"dialogs opened (a script ran?): {self.dialogs}"


def _new_page(browser, live_server, **context_args):
    context = browser.new_context(base_url=live_server, **context_args)
    page = context.new_page()
    watch = PageWatch(live_server)
    page.on("console", lambda msg: watch.console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: watch.page_errors.append(str(exc)))
    page.on("request", watch.on_request)

    def on_dialog(dialog) -> None:
        watch.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    # Nothing may leave the machine: any other host is aborted (and recorded above).
    page.route(lambda url: urlparse(url).netloc not in ("", watch.host), lambda route: route.abort())
    return context, page, watch


@pytest.fixture
def page_and_watch(browser, live_server):
    context, page, watch = _new_page(browser, live_server, viewport={"width": 1280, "height": 900})
    yield page, watch
    context.close()


@pytest.fixture
def page(page_and_watch):
    page, watch = page_and_watch
    yield page
    watch.assert_clean()


@pytest.fixture
def new_page(browser, live_server):
    """Factory for pages with other context options (viewport, JavaScript off); each is checked when closed."""
    made = []

    def make(**context_args):
        context, page, watch = _new_page(browser, live_server, **context_args)
        made.append((context, watch))
        return page

    yield make
    for context, watch in made:
        context.close()
        watch.assert_clean()


@pytest.fixture
def screenshot():
    """Saves a full-page PNG under test-artifacts/ (not committed) and returns its path."""

    def shoot(page, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return shoot
