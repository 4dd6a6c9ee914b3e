"""Playwright (python) driving Debian's chromium — never a downloaded browser."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: run `make test` (it installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
    # itself (setting up data) are safe here because nothing else uses the connection.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A chromium page that fails the test on any Content-Security-Policy violation, any script error,
    and any request leaving this machine (the intranet has no internet; no CDN)."""
    ctx = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    problems: list[str] = []

    def outside(route):
        problems.append(f"request to {route.request.url}")
        route.abort()

    ctx.route(re.compile(r"^https?://(?!(127\.0\.0\.1|localhost)[:/])"), outside)
    pg = ctx.new_page()
    pg.on("console", lambda m: problems.append(f"console {m.type}: {m.text} at {m.location} on {pg.url}")
          if m.type == "error" and ("Content Security Policy" in m.text or "Refused to" in m.text) else None)
    pg.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    pg.set_default_timeout(15000)
    yield pg
    ctx.close()
    assert problems == [], problems


@pytest.fixture
def shot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return take


def wait_for_js(page, expression: str, timeout: float = 15.0) -> None:
    """Wait until ``expression`` is true in the page.  Playwright's own ``wait_for_function`` evaluates
    its predicate with ``eval`` inside the page, which the site's Content-Security-Policy forbids;
    ``page.evaluate`` goes through the DevTools protocol instead."""
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(100)
