"""Details a phone or keyboard user meets: wide tables, wizard steps, the sign-up name, the icon.

Checked in real Chromium at phone width (and desktop width for the steps), with axe-core.
"""

import pytest

from accounts.models import User
from platforms.models import Party
from platforms.services import membership_grant
from tests.factories import PlatformFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"  # what UserFactory sets


def _login(page, live_server, user):
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("input[name=password]").press("Enter")
    assert "/accounts/login/" not in page.url


def test_a_wide_table_is_a_named_focusable_region_with_a_scroll_cue(live_server, page, axe_check):
    forum = PlatformFactory(name="Lebedinovka forum")
    for name in ("Kanybek Toktogulovich Abdyrakhmanov-Sultanbekov", "Aizada Nurbekovna"):
        membership_grant(
            platform=forum,
            user=UserFactory(display_name=name),
            party=Party.LOCAL_ADMIN,
            actor=None,
            check=False,
        )
    page.goto(f"{live_server.url}/platforms/{forum.slug}/history/")
    region = page.locator(".table-wrap").first
    assert region.evaluate("el => el.scrollWidth > el.clientWidth"), "the table should overflow"
    assert region.get_attribute("role") == "region"
    assert region.get_attribute("aria-label")
    # a keyboard user reaches it with Tab and scrolls it with the arrow keys
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('table-wrap')"):
            break
    else:
        pytest.fail("Tab never reached the scrollable table")
    page.keyboard.press("ArrowRight")
    # a function, not a string: the page's CSP forbids evaluating strings
    page.wait_for_function("() => document.activeElement.scrollLeft > 0")
    # the cue: shadows drawn at the edges (background gradients), not a bare cut-off table
    assert "gradient" in region.evaluate("el => getComputedStyle(el).backgroundImage")
    axe_check(page)


def test_wizard_step_labels_do_not_overlap_on_a_desktop(live_server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ru-RU")
    page = context.new_page()
    try:
        _login(page, live_server, UserFactory(preferred_language="ru"))
        page.goto(live_server.url + "/platforms/register/")
        steps = page.locator("ol.steps > li")
        assert steps.count() >= 3
        boxes = [steps.nth(i).bounding_box() for i in range(steps.count())]
        # each step's number is inside its own box (no marker hanging over the previous label)
        styles = steps.first.evaluate(
            "el => [getComputedStyle(el).listStyleType, getComputedStyle(el).listStylePosition]"
        )
        assert styles[0] == "none" or styles[1] == "inside", styles
        numbers = steps.first.evaluate("el => getComputedStyle(el, '::before').content")
        assert "counter" in numbers or numbers.startswith('"1')
        for a, b in zip(boxes, boxes[1:], strict=False):
            same_line = abs(a["y"] - b["y"]) < 2
            if same_line:
                assert a["x"] + a["width"] <= b["x"], (a, b)
    finally:
        context.close()


def test_a_new_resident_gives_a_name_when_signing_up_on_a_phone(live_server, page, axe_check):
    page.goto(live_server.url + "/accounts/signup/")
    name = page.get_by_label("Your name")
    assert name.is_visible()
    axe_check(page)
    name.fill("Aigul Asanova")
    page.fill("input[name=email]", "aigul@example.org")
    page.fill("input[name=password1]", "Kok-Jar-2025-safe")
    page.fill("input[name=password2]", "Kok-Jar-2025-safe")
    with page.expect_navigation():
        page.locator("input[name=password2]").press("Enter")
    assert "/accounts/signup/" not in page.url
    assert User.objects.get(email="aigul@example.org").public_name == "Aigul Asanova"


def test_the_browser_finds_the_site_icon(live_server, page):
    response = page.goto(live_server.url + "/favicon.ico")
    assert response.ok
    assert response.headers["content-type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    page.goto(live_server.url + "/")
    href = page.locator("link[rel=icon]").get_attribute("href")
    assert page.request.get(live_server.url + href).ok
