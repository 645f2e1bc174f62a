"""The public membership history names members, never people whose requests were refused."""

import pytest
from django.urls import reverse

from platforms import selectors, services
from platforms.models import Party
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def refused(forum, sam):
    """Someone whose request to join the forum the secretariat refused."""
    user = UserFactory(display_name="Refused Applicant")
    membership = services.membership_request(platform=forum, user=user, party=Party.CITIZEN)
    services.membership_refuse(membership=membership, actor=sam, reason="Not a resident")
    return user


@pytest.fixture
def approved(forum, sam):
    user = UserFactory(display_name="Approved Applicant")
    membership = services.membership_request(platform=forum, user=user, party=Party.NGO)
    services.membership_approve(membership=membership, actor=sam)
    return user


def _history(client, forum) -> str:
    response = client.get(reverse("platforms:history", args=[forum.slug]))
    assert response.status_code == 200
    return response.content.decode()


def test_refused_request_is_unnamed_for_visitors_and_other_members(
    client, forum, refused, approved, alice
):
    body = _history(client, forum)
    assert "Refused Applicant" not in body
    assert "Approved Applicant" in body
    assert "request refused" in body  # the change itself stays on the public record
    client.force_login(alice)
    assert "Refused Applicant" not in _history(client, forum)


def test_pending_request_is_unnamed_in_public(client, forum):
    user = UserFactory(display_name="Waiting Applicant")
    services.membership_request(platform=forum, user=user, party=Party.CITIZEN)
    assert "Waiting Applicant" not in _history(client, forum)


def test_applicant_sees_their_own_refused_request(client, forum, refused):
    client.force_login(refused)
    assert "Refused Applicant" in _history(client, forum)


def test_secretariat_and_admins_see_refused_requests(client, forum, refused, sam, paula):
    for decider in (sam, paula):
        client.force_login(decider)
        assert "Refused Applicant" in _history(client, forum)


def test_selector_marks_refused_rows_hidden(forum, refused, approved):
    rows = list(selectors.membership_history(forum))
    hidden = {e.membership.user_id for e in rows if e.name_hidden}
    shown = {e.membership.user_id for e in rows if not e.name_hidden}
    assert refused.pk in hidden and refused.pk not in shown
    assert approved.pk in shown


def test_history_query_count_does_not_grow_with_hidden_rows(
    client, forum, sam, django_assert_num_queries
):
    for n in range(5):
        user = UserFactory()
        m = services.membership_request(platform=forum, user=user, party=Party.CITIZEN)
        if n % 2:
            services.membership_refuse(membership=m, actor=sam, reason="No")
    # session-less visitor: the platform, the page of events with users (keyset: no count)
    with django_assert_num_queries(2):
        client.get(reverse("platforms:history", args=[forum.slug]))
