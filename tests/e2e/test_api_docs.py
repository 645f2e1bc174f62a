"""The API documentation page runs in a real browser under the Content-Security-Policy: Swagger
UI comes from this site's static files (no CDN), renders the operations of the schema, and the
browser reports no blocked script or style."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_under_the_csp(live_server, page):
    violations, failed = [], []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.goto(live_server.url + "/api/docs/")
    # the schema is built on first request (about 1 s alone, much more beside a busy suite)
    page.wait_for_function(
        "() => document.querySelectorAll('.opblock').length > 10", timeout=60_000
    )
    assert page.locator(".opblock-summary-path", has_text="/api/v1/proposals/").count() >= 1
    assert violations == [] and failed == []
    origins = page.evaluate(
        "() => performance.getEntriesByType('resource').map(e => new URL(e.name).origin)"
    )
    assert set(origins) == {live_server.url}  # nothing from a CDN
