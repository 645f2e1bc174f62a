"""Every core journey works with JavaScript switched off (issue 15.5).

Many phones in villages run old or stripped-down browsers, and data-saving modes drop scripts.
The browser journeys of the suite run again here in Chromium with JavaScript disabled in every
context they open: registering a forum (and its acknowledgement by local self-government and
the police), a proposal submitted, voted on, escalated and answered by the police, an
assessment round with a citizen poll read as a public scorecard, and an annual report
published and read; joining a forum is a short journey of its own. Everything they do is plain
links, forms and <details>, so they pass unchanged. axe-core needs scripts in the page, so it
runs in the journeys themselves and on every page in test_every_page.py, not here.
"""

import pytest

from platforms.models import Membership, Role
from tests.e2e.test_assessment_journey import (
    test_round_from_opening_to_the_public_scorecard as scorecard_journey,
)
from tests.e2e.test_journeys import PASSWORD, click_and_wait, login, logout, submit_form_of
from tests.e2e.test_journeys import (
    test_citizen_registers_a_forum_and_lsg_and_police_acknowledge_it as registration_journey,
)
from tests.e2e.test_journeys import (
    test_proposal_is_adopted_escalated_registered_and_answered as proposal_journey,
)
from tests.e2e.test_reporting_journey import (
    test_secretariat_publishes_and_a_visitor_downloads as report_journey,
)
from tests.factories import PlatformFactory, UserFactory
from tests.reporting.conftest import national_sec, tree  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_axe(page):
    """axe-core cannot run where scripts are off; assert instead that the page rendered its
    main content."""
    assert page.locator("main").count() == 1, page.url


def test_scripts_are_really_off(live_server, page_without_js):
    page_without_js.set_content(
        "<p id=x>off</p><script>document.getElementById('x').textContent = 'on'</script>"
    )
    assert page_without_js.inner_text("#x") == "off"


def test_register_a_forum_without_javascript(live_server, page_without_js, browser_without_js):
    registration_journey(live_server, page_without_js, browser_without_js, no_axe)


def test_submit_vote_escalate_and_answer_a_proposal_without_javascript(
    live_server, page_without_js, browser_without_js
):
    proposal_journey(live_server, page_without_js, browser_without_js, no_axe)


def test_answer_a_poll_and_read_a_scorecard_without_javascript(
    live_server, browser_without_js, tmp_path
):
    scorecard_journey(live_server, browser_without_js, no_axe, tmp_path)


def test_publish_and_read_a_report_without_javascript(
    live_server,
    browser_without_js,
    tree,  # noqa: F811
    national_sec,  # noqa: F811
):
    report_journey(live_server, browser_without_js, tree, national_sec, no_axe)


def test_join_a_forum_without_javascript(live_server, page_without_js):
    from tests.e2e.test_journeys import secretariat_of

    page = page_without_js
    forum = PlatformFactory(name="Кок-Жар коомдук коопсуздук форуму")
    secretariat = secretariat_of(forum)
    resident = UserFactory()

    login(page, live_server, resident.email, PASSWORD)
    page.goto(live_server.url + forum.get_absolute_url() + "join/")
    page.select_option("select[name=party]", index=0)
    page.fill("textarea[name=motivation]", "Жашаган көчөбүз караңгы.")
    submit_form_of(page, "textarea[name=motivation]")
    assert page.url.endswith(forum.get_absolute_url())
    request = Membership.objects.get(platform=forum, user=resident)
    assert request.status == Membership.Status.REQUESTED
    logout(page)

    login(page, live_server, secretariat.email, PASSWORD)
    page.goto(live_server.url + forum.get_absolute_url() + "requests/")
    click_and_wait(
        page,
        f"form:has(input[name=membership][value='{request.pk}']):has(input[value=approve]) button",
    )
    request.refresh_from_db()
    assert request.status == Membership.Status.ACTIVE
    assert request.role == Role.MEMBER
