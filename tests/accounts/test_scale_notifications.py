"""A long inbox (issue 13): the notifications list pages by keyset on (user, -created_at, -id)
and the unread count stops at 100, so 20,000 notifications cost what 30 do."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from accounts.selectors import UNREAD_SHOWN, unread_count
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _inbox(user, n, *, read=False, start=0):
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(
            user=user,
            verb="test",
            title=f"Note {start + i}",
            read_at=now if read else None,
        )
        for i in range(n)
    )
    # auto_now_add stamps one time for the batch: spread them so the order is by time
    for i, pk in enumerate(
        Notification.objects.filter(user=user, title__startswith="Note ")
        .order_by("pk")
        .values_list("pk", flat=True)
    ):
        Notification.objects.filter(pk=pk).update(created_at=now - timedelta(minutes=10_000 - i))


def _get(client, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("accounts:notifications"), params or {})
    assert response.status_code == 200
    return response, len(ctx.captured_queries)


def test_inbox_pages_newest_first_without_gaps(client):
    reader = UserFactory()
    _inbox(reader, 65)
    client.force_login(reader)
    titles, cursor, pages = [], "", 0
    while True:
        response, _ = _get(client, {"after": cursor} if cursor else None)
        page = response.context["page"]
        titles += [n.title for n in page]
        pages += 1
        cursor = page.next_cursor
        if not cursor:
            break
    assert pages == 3
    assert titles == [f"Note {i}" for i in range(64, -1, -1)]
    # and back: the page before the last is the second one
    back, _ = _get(client, {"before": page.previous_cursor})
    assert [n.title for n in back.context["page"]] == [f"Note {i}" for i in range(34, 4, -1)]
    assert 'rel="prev"' in back.content.decode() and 'rel="next"' in back.content.decode()


def test_inbox_queries_do_not_grow(client):
    reader = UserFactory()
    client.force_login(reader)
    _inbox(reader, 3)
    _, small = _get(client)
    _inbox(reader, 200, start=3)
    response, large = _get(client)
    _, later = _get(client, {"after": response.context["page"].next_cursor})
    assert small == large == later


def test_unread_count_stops_at_a_hundred(client):
    reader = UserFactory()
    _inbox(reader, UNREAD_SHOWN + 5)
    assert str(unread_count(reader)) == f"{UNREAD_SHOWN}+"
    assert unread_count(reader) > 0
    client.force_login(reader)
    response, _ = _get(client)
    assert f"{UNREAD_SHOWN}+" in response.content.decode()


def test_small_unread_count_is_exact(client):
    reader = UserFactory()
    _inbox(reader, 4)
    _inbox(reader, 3, read=True, start=4)
    assert str(unread_count(reader)) == "4"


def test_someone_elses_cursor_shows_only_my_notifications(client):
    me, other = UserFactory(), UserFactory()
    _inbox(other, 40)
    _inbox(me, 2)
    client.force_login(other)
    response, _ = _get(client)
    cursor = response.context["page"].next_cursor
    client.force_login(me)
    response, _ = _get(client, {"after": cursor})
    assert all(n.user_id == me.pk for n in response.context["page"])


@pytest.mark.parametrize("cursor", ["x", "²", "%00", "Zm9vHzE", "A" * 300])
def test_mangled_cursor_is_the_first_page(client, cursor):
    reader = UserFactory()
    _inbox(reader, 2)
    client.force_login(reader)
    response, _ = _get(client, {"after": cursor, "before": cursor})
    assert len(response.context["page"]) == 2
