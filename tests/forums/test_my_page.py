"""A personal page: my platforms, my proposals, votes due and answers received; sign-in lands
there (liaison officers on their dashboard)."""

import pytest
from django.urls import reverse

from forums import services

pytestmark = pytest.mark.django_db


def test_my_page_shows_what_concerns_me(client, forum, proposal, alice, sam, leo):
    services.response_log(proposal=proposal, actor=leo, status="accepted", text="Примем меры.")
    other = services.proposal_create(
        platform=forum, author=sam, title="Голосуем", body="b", category="youth", submit=True
    )
    decision = services.proposal_open_vote(proposal=other, actor=sam)
    client.force_login(alice)
    page = client.get(reverse("forums:my")).content.decode()
    assert forum.name in page and proposal.title in page
    assert "Примем меры." in page and decision.title in page
    assert client.get(reverse("forums:my")).context["votes_due"] == [decision]


@pytest.mark.parametrize("extra", [0, 10])
def test_my_page_query_count_is_flat(client, forum, alice, extra, django_assert_max_num_queries):
    for i in range(extra):
        services.proposal_create(
            platform=forum, author=alice, title=f"P{i}", body="b", category="youth", submit=True
        )
    client.force_login(alice)
    # session, user, memberships, proposals with answer status, votes due, answers,
    # and the header (unread count, role links)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("forums:my")).status_code == 200


def test_sign_in_lands_on_my_page_or_the_liaison_dashboard(client, alice, leo):
    client.force_login(alice)
    assert client.get(reverse("forums:after_login"))["Location"] == reverse("forums:my")
    client.force_login(leo)
    assert client.get(reverse("forums:after_login"))["Location"] == reverse("forums:liaison")


def test_my_page_needs_sign_in(client):
    response = client.get(reverse("forums:my"))
    assert response.status_code == 302 and "login" in response["Location"]
