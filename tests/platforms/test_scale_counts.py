"""Member counts kept on the platform row (issue 13): the directory and a council's page read
the column instead of counting memberships per request, and the membership services keep it
right in the same transaction; `recount_members` repairs any drift."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from platforms import services, views
from platforms.models import Membership, Party, Platform, Role
from platforms.tasks import recount_members
from tests.factories import MembershipFactory, PlatformFactory, UserFactory

pytestmark = pytest.mark.django_db


def _count(platform) -> int:
    return Platform.objects.values_list("member_count", flat=True).get(pk=platform.pk)


def _grant(platform, user, role=Role.MEMBER, **kwargs):
    if role == Role.SECRETARIAT:
        today = timezone.localdate()
        kwargs.setdefault("term_start", today - timedelta(days=10))
        kwargs.setdefault("term_end", today + timedelta(days=300))
    return services.membership_grant(
        platform=platform,
        user=user,
        party=Party.CITIZEN,
        role=role,
        actor=None,
        check=False,
        **kwargs,
    )


def test_join_and_leave_keep_the_count(forum):
    bob, carol = UserFactory(), UserFactory()
    start = _count(forum)
    first = _grant(forum, bob)
    assert _count(forum) == start + 1
    # a member elected to the secretariat holds two memberships but is one person
    second = _grant(forum, bob, role=Role.SECRETARIAT)
    assert _count(forum) == start + 1
    _grant(forum, carol)
    assert _count(forum) == start + 2
    services.membership_end(membership=first, actor=bob)
    assert _count(forum) == start + 2, "bob still serves in the secretariat"
    services.membership_end(membership=second, actor=None, check=False)
    assert _count(forum) == start + 1


def test_approved_request_counts_and_refused_one_does_not(forum, paula):
    start = _count(forum)
    cyril, dora = UserFactory(), UserFactory()
    asked = services.membership_request(platform=forum, user=cyril, party=Party.CITIZEN)
    refused = services.membership_request(platform=forum, user=dora, party=Party.CITIZEN)
    assert _count(forum) == start, "asking to join is not joining"
    services.membership_approve(membership=asked, actor=paula)
    services.membership_refuse(membership=refused, actor=paula, reason="Not from here")
    assert _count(forum) == start + 1


def test_term_end_lowers_the_count(forum):
    start = _count(forum)
    today = timezone.localdate()
    delegate = UserFactory()
    _grant(
        forum,
        delegate,
        role=Role.SECRETARIAT,
        term_start=today - timedelta(days=400),
        term_end=today - timedelta(days=1),
    )
    assert _count(forum) == start + 1
    services.terms_check(today=today)
    assert _count(forum) == start


def test_recount_command_and_task_repair_drift(forum, council, alice):
    expected = _count(forum)
    Platform.objects.filter(pk__in=[forum.pk, council.pk]).update(member_count=999)
    out = StringIO()
    call_command("recount_members", stdout=out)
    assert "2 platform member counts corrected" in out.getvalue()
    assert _count(forum) == expected
    assert (
        _count(council)
        == Membership.objects.filter(platform=council, status="active")
        .values("user")
        .distinct()
        .count()
    )
    Platform.objects.filter(pk=forum.pk).update(member_count=0)
    assert recount_members.apply().get() == 1
    assert _count(forum) == expected


def _grow(council, forums: int, members: int):
    for _ in range(forums):
        forum = PlatformFactory(parent=council)
        MembershipFactory.create_batch(members, platform=forum)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_directory_queries_do_not_grow_with_data(client, council):
    _grow(council, 2, 1)
    small = _queries(client, reverse("platforms:directory"))
    _grow(council, 8, 4)
    large = _queries(client, reverse("platforms:directory"))
    # the page's count, the territory filter, the page of platforms (counts are a column)
    assert small == large == 3
    body = client.get(reverse("platforms:directory") + "?level=community").content.decode()
    assert "4 members" in body


def test_council_page_queries_do_not_grow_with_data(client, council):
    _grow(council, 2, 1)
    small = _queries(client, council.get_absolute_url())
    _grow(council, 8, 4)
    large = _queries(client, council.get_absolute_url())
    assert small == large


def test_council_page_lists_a_bounded_number_of_forums(client, council, monkeypatch):
    monkeypatch.setattr(views, "CHILDREN_SHOWN", 3)
    _grow(council, 4, 1)
    response = client.get(council.get_absolute_url())
    assert len(response.context["children"]) == 3
    assert response.context["children_truncated"] is True
    body = response.content.decode()
    assert "See them all in the directory" in body
    assert f"territory={council.territory.code}" in body
