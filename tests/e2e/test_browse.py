"""A visitor on a phone browses the directory in each language, checked by axe-core."""

import pytest

from platforms.models import Territory
from tests.factories import CouncilFactory, MembershipFactory, PlatformFactory, TerritoryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _switch(page, code):
    page.select_option("#lang-select", code)
    page.click("[data-testid=lang-go]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == code


def test_visitor_switches_language_and_walks_to_a_forum(live_server, page, axe_check):
    alamudun = Territory.objects.get(code="KG-C-ALAMUDUN")
    council = CouncilFactory(name="Alamudun Public Security Council", territory=alamudun)
    forum = PlatformFactory(
        name="Lebedinovka Community Forum",
        territory=TerritoryFactory(parent=alamudun, name_en="Lebedinovka"),
        parent=council,
    )
    MembershipFactory.create_batch(3, platform=forum)

    page.goto(live_server.url + "/")
    axe_check(page)
    for code in ["ky", "ru", "uz"]:
        _switch(page, code)
        axe_check(page)
    _switch(page, "en")
    assert page.locator("h1").inner_text() == "Public security forums of Kyrgyzstan"

    page.click("text=Browse the platforms")
    page.wait_for_url("**/platforms/")
    axe_check(page)
    page.select_option("#f-level", "district")
    page.click("form.filters button")
    page.wait_for_url("**level=district**")
    page.click(f"text={council.name}")
    page.wait_for_url(f"**/{council.slug}/")
    axe_check(page)
    page.click(f"[data-testid=children] >> text={forum.name}")
    page.wait_for_url(f"**/{forum.slug}/")
    assert page.locator("h1").inner_text() == forum.name
    assert council.name in page.locator(".crumbs").inner_text()
    axe_check(page)
