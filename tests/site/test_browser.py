"""Every page of the course site in Chromium, checked with axe-core.

The site is served over HTTP from a thread (as GitHub Pages serves it), every
request outside it is refused (the site must work offline; only MathJax comes
from its CDN, and pages read without it), and on each page axe-core (WCAG 2.1
A and AA rules and best practices) must find no violation of impact
"serious" or "critical".  The counts per page are printed.  Screenshots of
the home page and one lesson, at desktop and phone widths, go to
``build/site-screens/``.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import AXE, SHOTS

pytestmark = [pytest.mark.slow, pytest.mark.browser]

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
_RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,
                                      target: v.nodes[0] && v.nodes[0].target.join(" ")}));
}"""
_IMAGES = """() => Array.from(document.images).map(i => ({src: i.getAttribute("src"),
    alt: (i.getAttribute("alt") || "").trim(), loaded: i.complete && i.naturalWidth > 0}))"""


@pytest.fixture(scope="module")
def server(course_site) -> Iterator[str]:
    """The built site over HTTP on 127.0.0.1; stopped at the end."""
    handler = functools.partial(_QuietHandler, directory=str(course_site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def _page(browser, base: str, viewport: dict):
    page = browser.new_page(viewport=viewport)
    page.set_default_timeout(30_000)
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
    return page


def _pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if "_static" not in p.parts)


def test_every_page_passes_axe_and_every_image_has_alt(course_site, server, browser):
    page = _page(browser, server, VIEWPORTS["desktop"])
    failures, report = [], []
    for name in _pages(course_site):
        page.goto(f"{server}/{name}", wait_until="load")
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(_RUN_AXE)
        images = page.evaluate(_IMAGES)
        serious = [v for v in violations if v["impact"] in ("serious", "critical")]
        no_alt = [i["src"] for i in images if not i["alt"]]
        broken = [i["src"] for i in images if not i["loaded"]]
        by_impact = {impact: sum(v["nodes"] for v in violations if v["impact"] == impact)
                     for impact in ("critical", "serious", "moderate", "minor")}
        report.append(f"{name}: {len(images)} images; axe violations (nodes) {by_impact}; "
                      f"rules: {sorted({v['id'] for v in violations}) or '-'}")
        failures += [f"{name}: {v['impact']} {v['id']} x{v['nodes']} (first: {v['target']})" for v in serious]
        failures += [f"{name}: image without alt: {src}" for src in no_alt]
        failures += [f"{name}: image not loaded: {src}" for src in broken]
    page.close()
    print("\n" + "\n".join(report))
    assert len(report) >= 10, "the home page and the nine lessons at least"
    assert not failures, "\n".join(failures)


def test_search_finds_a_lesson(server, browser):
    page = _page(browser, server, VIEWPORTS["desktop"])
    page.goto(f"{server}/search.html?q=softmax", wait_until="load")
    page.wait_for_selector("#search-results li", timeout=30_000)
    hits = page.locator("#search-results li a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    page.close()
    assert any("02_softmax_cross_entropy" in href for href in hits), hits


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_screenshots(course_site, server, browser, viewport):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = _page(browser, server, VIEWPORTS[viewport])
    lesson = sorted((course_site / "notebooks").glob("05_*.html"))[0].name
    for name, url in (("home", "index.html"), ("lesson-05", f"notebooks/{lesson}")):
        page.goto(f"{server}/{url}", wait_until="load")
        assert page.locator("article h1").first.is_visible(), f"{url}: no visible title"
        page.screenshot(path=str(SHOTS / f"{name}-{viewport}.png"), full_page=name == "home")
    page.close()
