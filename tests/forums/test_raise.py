"""A villager who is not a member raises a problem: the secretariat screens it first."""

import pytest
from django.urls import reverse

from accounts.models import Notification
from forums import permissions, services
from forums.models import Proposal
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
S = Proposal.State


def _raise(client, forum, **extra):
    return client.post(
        reverse("forums:proposal_new", args=[forum.slug]),
        {
            "title": "Нет освещения у остановки",
            "body": "Вечером темно, дети боятся.",
            "category": "road",
            "save_as": "submit",
            **extra,
        },
    )


def test_a_verified_resident_raises_a_problem_that_waits_for_screening(client, forum, cyril, sam):
    client.force_login(cyril)
    assert client.get(reverse("forums:proposal_new", args=[forum.slug])).status_code == 200
    response = _raise(client, forum)
    assert response.status_code == 200  # "I live here" is required
    assert not Proposal.objects.exists()
    _raise(client, forum, resident="on")
    proposal = Proposal.objects.get()
    assert proposal.state == S.SCREENING and proposal.author == cyril
    assert Notification.objects.filter(user=sam, verb="proposal.screening").exists()
    # private until screened: not in the tracker, 404 for others, visible to the secretariat
    client.logout()
    assert client.get(proposal.get_absolute_url()).status_code == 404
    assert proposal.title not in client.get(reverse("forums:tracker")).content.decode()
    client.force_login(sam)
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert 'data-testid="screening"' in page


def test_screening_in_publishes_and_starts_the_deadline(client, forum, cyril, sam, local_unit):
    proposal = services.proposal_create(
        platform=forum,
        author=cyril,
        title="T",
        body="B",
        category="youth",
        police_unit=local_unit,
        submit=True,
    )
    assert proposal.state == S.SCREENING and proposal.response_due is None
    services.proposal_screen(proposal=proposal, actor=sam, accept=True)
    proposal.refresh_from_db()
    assert proposal.state == S.SUBMITTED and proposal.response_due is not None
    assert Notification.objects.filter(user=cyril, verb="proposal.screened").exists()


def test_screening_out_needs_a_reason_and_stays_private(client, forum, cyril, sam, alice):
    from django.core.exceptions import PermissionDenied, ValidationError

    proposal = services.proposal_create(
        platform=forum, author=cyril, title="T", body="B", category="youth", submit=True
    )
    with pytest.raises(PermissionDenied):
        services.proposal_screen(proposal=proposal, actor=alice, accept=True)
    with pytest.raises(ValidationError):
        services.proposal_screen(proposal=proposal, actor=sam, accept=False)
    services.proposal_screen(proposal=proposal, actor=sam, accept=False, reason="Не наш айыл")
    proposal.refresh_from_db()
    assert proposal.state == S.SCREENED_OUT
    assert not permissions.can_view_proposal(alice, proposal)
    assert permissions.can_view_proposal(cyril, proposal)


def test_an_unverified_account_cannot_raise(client, forum):
    stranger = UserFactory(verified=False)
    client.force_login(stranger)
    assert client.get(reverse("forums:proposal_new", args=[forum.slug])).status_code == 403


def test_members_still_submit_directly(forum, alice):
    proposal = services.proposal_create(
        platform=forum, author=alice, title="T", body="B", category="youth", submit=True
    )
    assert proposal.state == S.SUBMITTED


def test_raise_a_problem_is_offered_and_finds_the_forum(client, forum):
    assert 'data-testid="raise"' in client.get("/").content.decode()
    assert 'data-testid="raise"' in client.get(reverse("forums:tracker")).content.decode()
    page = client.get(reverse("forums:raise"), {"q": forum.name.split()[0]}).content.decode()
    assert reverse("forums:proposal_new", args=[forum.slug]) in page
    assert client.get(reverse("forums:raise"), {"q": "\x00"}).status_code == 200


def test_the_platform_page_offers_forums_own_buttons(client, forum, alice, cyril, sam):
    url = forum.get_absolute_url()
    client.force_login(alice)
    assert 'data-testid="new-proposal"' in client.get(url).content.decode()
    client.force_login(cyril)
    page = client.get(url).content.decode()
    assert 'data-testid="raise-here"' in page and 'data-testid="new-proposal"' not in page
    client.force_login(sam)
    assert reverse("forums:proposal_record", args=[forum.slug]) in client.get(url).content.decode()


def test_raise_search_finds_cyrillic_in_any_case_and_by_district(client, forum):
    from platforms.models import Territory

    Territory.objects.filter(pk=forum.territory_id).update(name_ky="Көк-Жар", name_ru="Кок-Джар")
    for q in ("Көк-Жар", "көк-жар", "КОК-ДЖАР"):
        page = client.get(reverse("forums:raise"), {"q": q}).content.decode()
        assert reverse("forums:proposal_new", args=[forum.slug]) in page, q
    district = forum.territory.parent
    page = client.get(reverse("forums:raise"), {"q": district.name_en[:5]}).content.decode()
    assert reverse("forums:proposal_new", args=[forum.slug]) in page
