"""The outbox keeps mail through an outage: retries wait longer and longer for about a day, a
row is a dead letter only after that, the admin can send it again, and a relay that dies
mid-batch re-sends nothing it had already sent."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from accounts.models import OutboxMessage
from accounts.services import (
    OUTBOX_MAX_ATTEMPTS,
    OUTBOX_RETRY_DELAYS,
    OUTBOX_RUN_MAX_FAILURES,
    outbox_relay,
    outbox_retry,
)

Status = OutboxMessage.Status
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class DownBackend(LocmemBackend):
    """A mail server that refuses every connection."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("[Errno 111] Connection refused")


class KilledWorker(BaseException):
    """What the worker's death looks like from inside: nothing after it runs."""


class DiesOnThirdBackend(LocmemBackend):
    """Delivers two messages, then the worker is killed while sending the third."""

    delivered: list[str] = []

    def send_messages(self, messages):
        if len(DiesOnThirdBackend.delivered) == 2:
            raise KilledWorker
        DiesOnThirdBackend.delivered.extend(m.subject for m in messages)
        return super().send_messages(messages)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def smtp_down(settings):
    settings.EMAIL_BACKEND = "tests.accounts.test_outbox_retry.DownBackend"


def _row(subject="Hello", **kwargs):
    return OutboxMessage.objects.create(to="a@example.org", subject=subject, body="Body", **kwargs)


def _reload(row):
    row.refresh_from_db()
    return row


# --- backoff ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_repeated_runs_in_an_outage_spend_one_attempt(clock, smtp_down):
    """Every notification kicks a relay; the kicks no longer burn a row's attempts."""
    row = _row()
    for _ in range(20):
        outbox_relay()
    row = _reload(row)
    assert row.attempts == 1
    assert row.status == Status.PENDING
    assert "Connection refused" in row.last_error


@pytest.mark.django_db
def test_an_outage_of_half_a_day_fails_nothing(clock, smtp_down, settings):
    row = _row()
    # the beat runs the relay every minute; model a run every ten minutes for twelve hours
    for _ in range(72):
        outbox_relay()
        clock.shift(timedelta(minutes=10))
    row = _reload(row)
    assert row.status == Status.PENDING
    assert row.attempts < OUTBOX_MAX_ATTEMPTS

    # the server comes back: the next due run sends the row, once
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    clock.move_to(row.next_attempt_at)
    assert outbox_relay() == 1
    assert _reload(row).status == Status.SENT
    assert outbox_relay() == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_failed_row_is_due_again_only_after_its_backoff(clock, smtp_down):
    row = _row()
    outbox_relay()
    row = _reload(row)
    assert row.next_attempt_at == START + OUTBOX_RETRY_DELAYS[0]

    clock.shift(OUTBOX_RETRY_DELAYS[0] - timedelta(seconds=1))
    outbox_relay()
    assert _reload(row).attempts == 1  # not yet due

    clock.shift(timedelta(seconds=1))
    outbox_relay()
    row = _reload(row)
    assert row.attempts == 2
    assert row.next_attempt_at == START + OUTBOX_RETRY_DELAYS[0] + OUTBOX_RETRY_DELAYS[1]
    assert OUTBOX_RETRY_DELAYS[1] > OUTBOX_RETRY_DELAYS[0]


@pytest.mark.django_db
def test_a_row_is_a_dead_letter_only_after_about_a_day(clock, smtp_down, caplog):
    row = _row()
    for _ in range(OUTBOX_MAX_ATTEMPTS):
        assert _reload(row).status == Status.PENDING
        clock.move_to(row.next_attempt_at)
        outbox_relay()
    row = _reload(row)
    assert row.status == Status.FAILED
    assert row.attempts == OUTBOX_MAX_ATTEMPTS
    assert timedelta(hours=20) <= timezone.now() - START <= timedelta(hours=30)
    assert "dead letter" in caplog.text
    # a dead letter is never taken again by the relay
    clock.shift(timedelta(days=3))
    outbox_relay()
    assert _reload(row).attempts == OUTBOX_MAX_ATTEMPTS


@pytest.mark.django_db
def test_a_run_stops_after_a_few_failures_in_a_row(clock, smtp_down):
    rows = [_row(f"M{i}") for i in range(10)]
    outbox_relay()
    attempts = [_reload(r).attempts for r in rows]
    # the server is down: the rows not tried keep every attempt for the next run
    assert attempts == [1] * OUTBOX_RUN_MAX_FAILURES + [0] * (10 - OUTBOX_RUN_MAX_FAILURES)


@pytest.mark.django_db
def test_retry_service_puts_a_dead_letter_back_now(clock):
    dead = _row(status=Status.FAILED, attempts=OUTBOX_MAX_ATTEMPTS, last_error="refused")
    sent = _row(status=Status.SENT, attempts=1)
    assert outbox_retry(ids=[dead.pk, sent.pk]) == 1
    dead = _reload(dead)
    assert (dead.status, dead.attempts, dead.next_attempt_at) == (Status.PENDING, 0, START)
    assert dead.last_error == "refused"  # kept until the next attempt says otherwise
    assert _reload(sent).status == Status.SENT  # a sent row is never sent twice
    assert outbox_relay() == 1


# --- the admin ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_lists_dead_letters_with_their_error(client, sysadmin):
    _row("Dead one", status=Status.FAILED, attempts=10, last_error="SMTPRecipientsRefused: x")
    _row("Sent one", status=Status.SENT, attempts=1)
    client.force_login(sysadmin)
    url = reverse("admin:accounts_outboxmessage_changelist")
    html = client.get(url, {"status__exact": "failed"}).content.decode()
    assert "Dead one" in html
    assert "SMTPRecipientsRefused: x" in html
    assert "Sent one" not in html
    assert "retry_now" in html


@pytest.mark.django_db
def test_admin_retry_action_puts_failed_rows_back(client, sysadmin, clock):
    dead = _row("Dead one", status=Status.FAILED, attempts=10, last_error="refused")
    other = _row("Still dead", status=Status.FAILED, attempts=10)
    client.force_login(sysadmin)
    response = client.post(
        reverse("admin:accounts_outboxmessage_changelist"),
        {"action": "retry_now", "_selected_action": [dead.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "1 e-mail queued again." in response.content.decode()
    dead = _reload(dead)
    assert (dead.status, dead.attempts, dead.next_attempt_at) == (Status.PENDING, 0, START)
    assert _reload(other).status == Status.FAILED


@pytest.mark.django_db
def test_admin_cannot_add_outbox_rows(client, sysadmin):
    client.force_login(sysadmin)
    assert client.get(reverse("admin:accounts_outboxmessage_add")).status_code == 403


# --- a worker killed mid-batch ------------------------------------------------------------------


def _statuses_seen_by_another_connection(pks):
    """Read through a second connection: only what was committed is visible there."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT id, status FROM accounts_outboxmessage WHERE id = ANY(%s)", [list(pks)]
            )
            return dict(cursor.fetchall())
    finally:
        other.close()


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_re_sends_nothing_already_sent(settings):
    settings.EMAIL_BACKEND = "tests.accounts.test_outbox_retry.DiesOnThirdBackend"
    DiesOnThirdBackend.delivered = []
    rows = [_row(f"M{i}") for i in range(1, 6)]

    with pytest.raises(KilledWorker):
        outbox_relay()

    statuses = [_reload(r).status for r in rows]
    assert statuses == [Status.SENT, Status.SENT, Status.PENDING, Status.PENDING, Status.PENDING]
    if connection.vendor == "postgresql":
        committed = _statuses_seen_by_another_connection(r.pk for r in rows)
        assert [committed[r.pk] for r in rows] == statuses
    assert _reload(rows[2]).attempts == 0  # the killed attempt left no trace

    # the worker is back (redelivered task, or the beat): only the rest goes out
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox_relay() == 3
    assert DiesOnThirdBackend.delivered == ["M1", "M2"]
    # five deliveries for five rows (the bug delivered the whole batch again)
    assert [m.subject for m in mail.outbox] == ["M1", "M2", "M3", "M4", "M5"]
    assert {_reload(r).status for r in rows} == {Status.SENT}


@pytest.mark.django_db(transaction=True)
def test_parallel_relays_never_take_a_locked_row(settings):
    """A row another relay is sending is skipped, neither sent twice nor charged an attempt."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    rows = [_row(f"M{i}") for i in range(1, 4)]
    other = connections.create_connection("default")
    try:
        other.set_autocommit(False)
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM accounts_outboxmessage WHERE id = %s FOR UPDATE", [rows[0].pk]
            )
            assert outbox_relay() == 2
            assert _reload(rows[0]).attempts == 0
        other.rollback()
    finally:
        other.close()
    assert outbox_relay() == 1
    assert sorted(m.subject for m in mail.outbox) == ["M1", "M2", "M3"]
