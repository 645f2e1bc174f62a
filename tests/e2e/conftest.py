import os

import pytest

# Playwright's sync API keeps an event loop running in this thread; the ORM calls the tests
# make between page actions are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    # a small phone screen: the layout is mobile first
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def axe_check():
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page):
        results = axe.run(page)
        bad = [
            f"{v['id']} ({v['impact']}): {v['help']} @ {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not bad, f"accessibility violations on {page.url}:\n" + "\n".join(bad)

    return check


def artefacts_dir():
    """Where browser tests keep what a person should look at (screenshots, PDFs)."""
    from pathlib import Path

    path = Path(os.environ.get("ARTEFACTS_DIR", "/tmp/op-artefacts"))  # noqa: S108
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def axe_results():
    """axe-core's serious and critical violations on the page, as short lines (none is good)."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def run(page):
        results = axe.run(page)
        return [
            f"{v['id']} ({v['impact']}): {v['help']} @ {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    return run


class NoScriptBrowser:
    """The session's browser, with JavaScript off in every context it opens."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, **kwargs):
        kwargs["java_script_enabled"] = False
        context = self._browser.new_context(**kwargs)
        opened = context.new_page

        def new_page():
            # a report's PDF is drawn on the server while the click waits: give a shared, busy
            # machine a minute, whatever shorter timeout the journey sets
            page = opened()
            shorter = page.set_default_timeout
            page.set_default_timeout = lambda ms: shorter(max(ms, 60000))
            page.set_default_timeout(60000)
            return page

        context.new_page = new_page
        return context

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture
def browser_without_js(browser):
    return NoScriptBrowser(browser)


@pytest.fixture
def page_without_js(browser_without_js):
    context = browser_without_js.new_context(viewport={"width": 360, "height": 740}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()
