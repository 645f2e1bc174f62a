"""End-to-end journeys on a phone: registering a forum (issue 3) and a proposal's path (issue 4).

Each journey runs in real Chromium against the live server; every main page is checked by
axe-core, and the outcome is asserted in the database as well as on the page.
"""

import re
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from forums.models import PoliceResponse, Proposal
from platforms.decisions import vote_cast
from platforms.models import Party, Platform, Role, Territory
from platforms.services import liaison_assign, membership_grant
from tests.factories import (
    CouncilFactory,
    PlatformFactory,
    PoliceUnitFactory,
    TerritoryFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"  # what UserFactory sets
CONFIRM_LINK = re.compile(r"/accounts/confirm-email/[^\s]+")
PROPOSAL_URL = re.compile(r"/proposals/\d+/$")
DECISION_URL = re.compile(r"/decisions/\d+/$")


# --- helpers -----------------------------------------------------------------------------


def new_page(browser):
    """A fresh phone-sized context, as the `page` fixture makes: no cookies, nobody signed in."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


def submit_form_of(page, field_selector, button="button[type=submit]"):
    """Submit the form that holds the given field and wait for the next page to load."""
    form = page.locator(field_selector).locator("xpath=ancestor::form[1]")
    with page.expect_navigation():
        form.locator(button).click()
    page.wait_for_load_state()


def axe(page, axe_check):
    """axe-check the page as it stands, one-time flash messages included."""
    axe_check(page)


def click_and_wait(page, selector):
    with page.expect_navigation():
        page.click(selector)
    page.wait_for_load_state()


def signed_in(page) -> bool:
    return page.locator("header form[action$='/accounts/logout/']").count() > 0


def login(page, live_server, email, password=PASSWORD):
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    submit_form_of(page, "input[name=password]")
    assert "/accounts/login/" not in page.url, f"login of {email} failed: {page.url}"
    assert signed_in(page)


def logout(page):
    """Sign out with the header's button (allauth's logout is a POST)."""
    click_and_wait(page, "header form[action$='/accounts/logout/'] button[type=submit]")
    assert not signed_in(page)


def member_of(platform, **kwargs):
    user = UserFactory(**kwargs)
    membership_grant(platform=platform, user=user, party=Party.CITIZEN, actor=None, check=False)
    return user


def secretariat_of(platform):
    """As tests/forums/conftest.py: a secretariat within its term."""
    user = UserFactory()
    today = timezone.localdate()
    membership_grant(
        platform=platform,
        user=user,
        party=Party.NGO,
        role=Role.SECRETARIAT,
        actor=None,
        check=False,
        term_start=today - timedelta(days=5),
        term_end=today + timedelta(days=300),
    )
    return user


def letters_to(address: str, within: float = 10.0) -> list:
    """Mail to an address, waited for: the live server's thread relays the outbox after its
    transaction commits, which may be a moment after the browser has the next page."""
    deadline = time.monotonic() + within
    while True:
        letters = [m for m in mail.outbox if address in m.to]
        if letters or time.monotonic() > deadline:
            return letters
        time.sleep(0.1)


# --- issue 3: a citizen registers a community forum -----------------------------------------


def test_citizen_registers_a_forum_and_lsg_and_police_acknowledge_it(
    live_server, page, browser, axe_check
):
    alamudun = Territory.objects.get(code="KG-C-ALAMUDUN")
    council = CouncilFactory(name="Alamudun Public Security Council", territory=alamudun)
    aimak = TerritoryFactory(parent=alamudun, name_en="Kok-Jar")
    lsg = UserFactory()
    membership_grant(platform=council, user=lsg, party=Party.LSG, actor=None, check=False)
    officer = UserFactory()
    liaison_assign(user=officer, unit=PoliceUnitFactory(territory=alamudun))
    invited = [UserFactory(), UserFactory()]
    citizen_email = "aigul@example.org"
    forum_name = "Kok-Jar Community Security Forum"

    # a new citizen signs up and verifies the address
    page.goto(live_server.url + "/accounts/signup/")
    axe(page, axe_check)
    page.fill("input[name=display_name]", "Aigul Asanova")
    page.fill("input[name=email]", citizen_email)
    page.fill("input[name=password1]", "Kok-Jar-2025-safe")
    page.fill("input[name=password2]", "Kok-Jar-2025-safe")
    submit_form_of(page, "input[name=password2]")
    assert "/accounts/signup/" not in page.url, page.locator("main").inner_text()
    letters = letters_to(citizen_email)
    assert letters, "no verification e-mail was sent"
    link = CONFIRM_LINK.search(letters[-1].body)
    assert link, letters[-1].body
    page.goto(live_server.url + link.group(0))
    axe(page, axe_check)
    click_and_wait(page, "main form[action*='/accounts/confirm-email/'] button[type=submit]")
    if not signed_in(page):
        login(page, live_server, citizen_email, "Kok-Jar-2025-safe")

    # the registration wizard: basics → aims → initiative group → review → submit
    page.goto(live_server.url + "/platforms/register/")
    axe(page, axe_check)
    page.fill("#id_name", forum_name)
    # the territory list narrowed by a search, without JavaScript (issue 9.19)
    page.fill("#id_territory_q", "kok-j")
    submit_form_of(page, "#id_name", button="button[name=find]")
    assert page.locator("#id_territory option").count() < 10  # of 277: the matches only
    assert page.locator(f'#id_territory option[value="{aimak.pk}"]').count() == 1
    assert page.input_value("#id_name") == forum_name
    page.select_option("#id_territory", value=str(aimak.pk))
    submit_form_of(page, "#id_name", button="button[type=submit]:not([name=find])")
    page.wait_for_url("**/register/*/aims/")
    forum = Platform.objects.get(name=forum_name)
    assert forum.status == Platform.Status.DRAFT
    axe(page, axe_check)
    page.fill("#id_aims", "Safe streets and a lit road to the school.")
    page.fill("#id_problems", "Dark streets; racketeering near the school.")
    submit_form_of(page, "#id_aims")
    page.wait_for_url("**/register/*/group/")
    axe(page, axe_check)
    for person in invited:
        page.fill("#id_name", person.public_name)
        page.fill("#id_email", person.email)
        submit_form_of(page, "#id_email")
        assert page.url.endswith("/group/")
        assert person.public_name in page.locator("[data-testid=contacts]").inner_text()
    assert page.locator("[data-testid=contacts] li").count() == 3
    click_and_wait(page, "main a[href$='/review/']")
    page.wait_for_url("**/register/*/review/")
    axe(page, axe_check)
    click_and_wait(page, "main form[method=post] button[type=submit]")
    page.wait_for_url(f"**/platforms/{forum.slug}/")
    forum.refresh_from_db()
    assert forum.status == Platform.Status.SUBMITTED
    axe(page, axe_check)
    logout(page)

    # local self-government, then the police, acknowledge it
    for answerer in (lsg, officer):
        login(page, live_server, answerer.email)
        page.goto(live_server.url + f"/platforms/{forum.slug}/")
        click_and_wait(page, "[data-testid=answer]")
        page.wait_for_url(f"**/platforms/{forum.slug}/answer/")
        axe(page, axe_check)
        page.check("input[name=answer][value=acknowledged]")
        submit_form_of(page, "input[name=answer][value=acknowledged]")
        page.wait_for_url(f"**/platforms/{forum.slug}/")
        logout(page)

    forum.refresh_from_db()
    assert forum.status == Platform.Status.ACTIVE
    assert forum.parent == council
    assert {a.party for a in forum.acknowledgements.all()} == {Party.LSG, Party.POLICE}

    # an anonymous visitor finds it in the directory, under its council
    visitor = new_page(browser)
    try:
        visitor.goto(live_server.url + "/platforms/?level=community")
        axe(visitor, axe_check)
        click_and_wait(visitor, f"main a[href$='/platforms/{forum.slug}/']")
        visitor.wait_for_url(f"**/platforms/{forum.slug}/")
        assert visitor.locator("h1").inner_text() == forum_name
        assert council.name in visitor.locator(".crumbs").inner_text()
        part_of = visitor.locator(f"dl.facts a[href$='/platforms/{council.slug}/']")
        assert part_of.inner_text() == council.name
        assert visitor.locator("[data-testid=answer]").count() == 0
        axe(visitor, axe_check)
    finally:
        visitor.context.close()


# --- issue 4: a proposal goes from a forum member to the council and the police ---------------


def test_proposal_is_adopted_escalated_registered_and_answered(
    live_server, page, browser, axe_check
):
    forum = PlatformFactory(name="Lebedinovka Community Forum")
    council = forum.parent
    assert council.level == Platform.Level.DISTRICT and council.parent is not None
    author, voter, quiet_voter = member_of(forum), member_of(forum), member_of(forum)
    fsec = secretariat_of(forum)
    csec = secretariat_of(council)
    unit = PoliceUnitFactory(name="Alamudun district police")
    officer = UserFactory()
    liaison_assign(user=officer, unit=unit)
    title = "Lights on School Street"

    # a member writes the proposal and addresses the police
    login(page, live_server, author.email)
    page.goto(live_server.url + f"/platforms/{forum.slug}/")
    axe(page, axe_check)
    click_and_wait(page, "[data-testid=new-proposal]")
    page.wait_for_url(f"**/at/{forum.slug}/proposals/new/")
    axe(page, axe_check)
    page.fill("#id_title", title)
    page.fill("#id_body", "The street to school no. 3 is dark; pupils are harassed after classes.")
    page.select_option("#id_category", "school")
    page.select_option("#id_police_unit", value=str(unit.pk))
    page.check("input[name=save_as][value=submit]")
    submit_form_of(page, "#id_title")
    page.wait_for_url(PROPOSAL_URL)
    proposal = Proposal.objects.get(title=title)
    assert proposal.state == Proposal.State.SUBMITTED
    proposal_url = live_server.url + proposal.get_absolute_url()
    axe(page, axe_check)
    logout(page)

    # the forum's secretariat opens a decision and votes yes
    login(page, live_server, fsec.email)
    page.goto(proposal_url)
    click_and_wait(page, "[data-testid=open-vote]")
    page.wait_for_url(DECISION_URL)
    decision_url = page.url
    axe(page, axe_check)
    page.check("input[name=choice][value=yes]")
    submit_form_of(page, "input[name=choice][value=yes]")
    assert page.url == decision_url
    logout(page)

    # another member votes in the browser; the third through the service
    login(page, live_server, voter.email)
    page.goto(decision_url)
    page.check("input[name=choice][value=yes]")
    submit_form_of(page, "input[name=choice][value=yes]")
    logout(page)
    proposal.refresh_from_db()
    vote_cast(decision=proposal.decision, user=quiet_voter, choice="yes")
    assert proposal.decision.votes.filter(choice="yes").count() == 3

    # the secretariat closes the vote (adopted) and escalates to the council
    login(page, live_server, fsec.email)
    page.goto(proposal_url)
    click_and_wait(page, "[data-testid=decide]")
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.ADOPTED
    axe(page, axe_check)
    page.fill("#id_note", "Adopted unanimously by those voting; needs the district budget.")
    click_and_wait(page, "[data-testid=escalate]")
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.ESCALATED
    logout(page)

    # the council's secretariat registers it
    login(page, live_server, csec.email)
    page.goto(proposal_url)
    axe(page, axe_check)
    click_and_wait(page, "[data-testid=register]")
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.REGISTERED
    logout(page)

    # the liaison officer of the addressed unit answers
    login(page, live_server, officer.email)
    page.goto(proposal_url)
    click_and_wait(page, "[data-testid=respond]")
    page.wait_for_url(f"**/proposals/{proposal.pk}/respond/")
    axe(page, axe_check)
    page.select_option("#id_status", "accepted")
    page.fill("#id_text", "Two street lamps will be installed by the end of the month.")
    submit_form_of(page, "#id_text")
    page.wait_for_url(PROPOSAL_URL)
    logout(page)

    # an anonymous visitor reads the whole path
    visitor = new_page(browser)
    try:
        visitor.goto(proposal_url)
        axe(visitor, axe_check)
        timeline = visitor.locator("[data-testid=timeline]").inner_text().lower()
        for entry in ("submitted", "decided", "escalated", "registered", "response published"):
            assert entry in timeline, f"{entry!r} missing from the timeline:\n{timeline}"
        assert "registered" in visitor.locator("[data-testid=state]").inner_text().lower()
        assert "Two street lamps" in visitor.locator("main").inner_text()
    finally:
        visitor.context.close()

    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.REGISTERED
    assert proposal.platform == council
    assert proposal.origin == forum
    published = proposal.responses.filter(published_at__isnull=False)
    assert published.count() == 1
    assert published.get().status == PoliceResponse.Status.ACCEPTED


# --- flash messages stay accessible -------------------------------------------------------


def test_flash_messages_pass_axe(live_server, page, axe_check):
    user = UserFactory()
    login(page, live_server, user.email)  # allauth says "Successfully signed in as ..."
    if not page.locator("ul.messages li").count():
        raise RuntimeError("no flash message after signing in: this test checks nothing")
    axe_check(page)
