"""Loading a page in headless Chromium (Debian's /usr/bin/chromium through Playwright; never a downloaded
browser) and collecting what it showed: console and page errors, every request, and what each section
drew.

Playwright's sync API refuses to run on a thread where an asyncio loop is running (other test modules,
Prefect's for one, can leave one registered on the main thread), so each page load runs on its own
worker thread and returns plain data.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOAD_TIMEOUT_SECONDS = 120

# Per section: its state, the rendered size of each chart, its notice and its answer.
SECTIONS_JS = """
() => [...document.querySelectorAll('section.question')].map(s => ({
  id: s.id,
  state: s.dataset.state,
  svgs: [...s.querySelectorAll('svg.chart')].map(svg => {
    const box = svg.getBoundingClientRect();
    return [box.width, box.height];
  }),
  notice: (s.querySelector('.notice') || {}).textContent || '',
  answer: (s.querySelector('.answer') || {}).textContent || '',
}))
"""
BROKEN_ANCHORS_JS = """
() => [...document.querySelectorAll('a[href^="#"]')]
  .map(a => a.getAttribute('href').slice(1))
  .filter(id => !document.getElementById(id))
"""
LINEAGE_JS = """
() => [...document.querySelectorAll('#lineage g.node')].map(g => {
  const b = g.getBoundingClientRect(); return [g.dataset.name, b.width, b.height]; })
"""


@dataclass
class PageView:
    """What Chromium saw and drew for one page."""

    title: str = ""
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    sections: list[dict[str, Any]] = field(default_factory=list)
    broken_anchors: list[str] = field(default_factory=list)
    lineage_nodes: list[list[Any]] = field(default_factory=list)
    scripts: int = 0  # <script> elements in the document
    dialogs: list[str] = field(default_factory=list)  # alert() and the like, had any script run
    text: str = ""  # the body's rendered text


def view_in_chromium(path: Path) -> PageView:
    """Open ``path`` in headless Chromium on a worker thread and report what happened."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="chromium") as pool:
        return pool.submit(_view, path).result(timeout=LOAD_TIMEOUT_SECONDS)


def _view(path: Path) -> PageView:
    from playwright.sync_api import sync_playwright

    seen = PageView()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on(
                "console",
                lambda m: seen.console_errors.append(m.text) if m.type in ("error", "warning") else None,
            )
            page.on("pageerror", lambda e: seen.page_errors.append(str(e)))
            page.on("request", lambda r: seen.requests.append(r.url))
            page.on("dialog", lambda d: (seen.dialogs.append(d.message), d.dismiss()))
            page.goto(path.as_uri(), wait_until="load")
            seen.title = page.title()
            seen.sections = page.evaluate(SECTIONS_JS)
            seen.broken_anchors = page.evaluate(BROKEN_ANCHORS_JS)
            seen.lineage_nodes = page.evaluate(LINEAGE_JS)
            seen.scripts = page.evaluate("() => document.querySelectorAll('script').length")
            seen.text = page.inner_text("body")
        finally:
            browser.close()
    return seen
