"""Bounded member lists (issue 13): join requests and the membership history page by keyset,
and the delegate and decision forms find members by name instead of listing every member in a
select. Query counts stay the same as a platform grows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.paging import keyset_page
from platforms import services, views
from platforms.models import Membership, Party, PlatformEvent
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _members(platform, n, prefix="Member"):
    return [
        MembershipFactory(platform=platform, user=UserFactory(display_name=f"{prefix} {i}"))
        for i in range(n)
    ]


def _queries(client, url) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_secretariat_finds_a_member_by_name(client, forum, council, sam):
    _members(forum, 5)
    wanted = MembershipFactory(platform=forum, user=UserFactory(display_name="Zarina Toktogulova"))
    client.force_login(sam)
    url = reverse("platforms:delegates", kwargs={"slug": forum.slug})
    response = client.get(url, {"member_q": "zarina"})
    assert response.status_code == 200
    offered = [value for value, _label in response.context["form"].fields["member"].widget.choices]
    assert offered == [wanted.pk]
    body = response.content.decode()
    assert "Zarina Toktogulova" in body
    assert 'name="member_q"' in body


def test_member_search_is_bounded_and_says_so(client, forum, council, sam, monkeypatch):
    monkeypatch.setattr("platforms.selectors.MEMBER_SEARCH_LIMIT", 3)
    monkeypatch.setattr("platforms.forms.DelegateForm.member_search_limit", 3)
    _members(forum, 6)
    client.force_login(sam)
    url = reverse("platforms:delegates", kwargs={"slug": forum.slug})
    from platforms import selectors

    found, more = selectors.member_search(forum, "member", limit=3)
    assert len(found) == 3 and more
    response = client.get(url, {"member_q": "Member"})
    assert 'data-testid="member-search-more"' in response.content.decode()


def test_a_member_outside_the_shown_results_can_still_be_named(client, forum, council, sam):
    """The choices shown are bounded; validation accepts any current member (one query)."""
    others = _members(forum, 4)
    client.force_login(sam)
    url = reverse("platforms:delegates", kwargs={"slug": forum.slug})
    response = client.post(
        url + "?member_q=nobody-matches",
        {"member": others[2].pk, "term_start": "2026-01-01", "term_end": "2027-12-31"},
    )
    assert response.status_code == 302
    assert Membership.objects.filter(
        platform=council, user=others[2].user, party=Party.DELEGATE, status="active"
    ).exists()


def test_member_search_is_refused_to_members_and_outsiders(client, forum, council, alice, cyril):
    url = reverse("platforms:delegates", kwargs={"slug": forum.slug})
    response = client.get(url, {"member_q": "a"})
    assert response.status_code == 302 and "login" in response["Location"]
    for person in (alice, cyril):
        client.force_login(person)
        assert client.get(url, {"member_q": "a"}).status_code == 403


def test_delegate_form_queries_do_not_grow_with_members(client, forum, council, sam):
    client.force_login(sam)
    url = reverse("platforms:delegates", kwargs={"slug": forum.slug})
    _members(forum, 2)
    small, _ = _queries(client, url)
    _members(forum, 30, prefix="Later")
    large, response = _queries(client, url)
    assert small == large
    assert len(response.context["form"].fields["member"].widget.choices) <= 20


def test_decision_form_finds_candidates_by_name(client, forum, sam):
    _members(forum, 3)
    wanted = MembershipFactory(platform=forum, user=UserFactory(display_name="Bakyt Usenov"))
    client.force_login(sam)
    url = reverse("platforms:decision_new", kwargs={"slug": forum.slug})
    response = client.get(url, {"member_q": "bakyt"})
    offered = [v for v, _ in response.context["form"].fields["candidate"].widget.choices]
    assert offered == [wanted.pk]


def test_join_requests_page_by_keyset(client, forum, paula, monkeypatch):
    monkeypatch.setattr(views, "REQUESTS_SHOWN", 2)
    asked = [
        services.membership_request(platform=forum, user=UserFactory(), party=Party.CITIZEN)
        for _ in range(5)
    ]
    client.force_login(paula)
    url = reverse("platforms:requests", kwargs={"slug": forum.slug})
    seen, cursor = [], ""
    for _ in range(3):
        response = client.get(url, {"after": cursor} if cursor else {})
        page = response.context["pending"]
        seen += [m.pk for m in page]
        cursor = page.next_cursor
    assert seen == [m.pk for m in asked], "oldest first, each once"
    assert cursor == ""
    count_first, _ = _queries(client, url)
    count_later, _ = _queries(client, url + "?after=" + page.previous_cursor)
    assert count_first == count_later


def test_history_pages_by_keyset_and_queries_stay_flat(client, forum):
    _members(forum, 2)
    url = reverse("platforms:history", kwargs={"slug": forum.slug})
    small, _ = _queries(client, url)
    for _ in range(6):
        services.membership_grant(
            platform=forum, user=UserFactory(), party=Party.CITIZEN, actor=None, check=False
        )
    large, response = _queries(client, url)
    assert small == large
    assert "Next" not in response.content.decode()


def test_keyset_page_walks_forward_and_back_without_gaps(forum):
    for _ in range(7):
        services.membership_grant(
            platform=forum, user=UserFactory(), party=Party.CITIZEN, actor=None, check=False
        )
    rows = PlatformEvent.objects.filter(platform=forum, membership__isnull=False)
    expected = list(rows.order_by("-at", "-pk").values_list("pk", flat=True))
    pages, page = [], keyset_page(rows, keys=("at", "pk"), descending=True, per_page=3)
    pages.append([e.pk for e in page])
    while page.next_cursor:
        page = keyset_page(
            rows, keys=("at", "pk"), descending=True, per_page=3, after=page.next_cursor
        )
        pages.append([e.pk for e in page])
    assert [pk for p in pages for pk in p] == expected
    assert page.previous_cursor
    back = keyset_page(
        rows, keys=("at", "pk"), descending=True, per_page=3, before=page.previous_cursor
    )
    assert [e.pk for e in back] == pages[-2]


@pytest.mark.parametrize("cursor", ["garbage", "%00", "²", "A" * 500, "MjAyNi0xMy0wMR8x"])
def test_a_mangled_cursor_gives_the_first_page(client, forum, cursor):
    url = reverse("platforms:history", kwargs={"slug": forum.slug})
    assert client.get(url, {"after": cursor}).status_code == 200
    assert client.get(url, {"before": cursor}).status_code == 200
