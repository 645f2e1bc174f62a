"""A long unbroken string (a pasted link, a row of letters) never widens a page past a phone."""

import pytest

from forums import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_long_unbroken_title_and_text_fit_360_px(live_server, page, forum, alice):
    long = "ж" * 190
    proposal = services.proposal_create(
        platform=forum,
        author=alice,
        title=long,
        body="https://example.org/" + "a" * 3000,
        category="youth",
        place="Б" * 200,
        submit=True,
    )
    for url in (proposal.get_absolute_url(), "/proposals/", forum.get_absolute_url()):
        page.goto(live_server.url + url)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 360, (url, width)
