import logging
from collections.abc import Iterable

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from accounts.models import Notification, OutboxMessage, User

OUTBOX_MAX_ATTEMPTS = 5
logger = logging.getLogger(__name__)


def notify(*, users: Iterable[User], verb: str, title: str, body: str = "", url: str = "") -> int:
    """Write in-app notifications and their e-mail copies in the caller's transaction."""
    users = [u for u in users if u is not None]
    Notification.objects.bulk_create(
        Notification(user=u, verb=verb, title=title, body=body, url=url) for u in users
    )
    OutboxMessage.objects.bulk_create(
        OutboxMessage(to=u.email, subject=title, body=f"{body}\n\n{url}".strip())
        for u in users
        if u.email
    )
    if users:
        transaction.on_commit(_kick_relay)
    return len(users)


def _kick_relay():
    from accounts.tasks import relay_outbox

    try:
        relay_outbox.delay()
    except Exception:  # the beat schedule relays anything a dead broker left behind
        logger.warning("outbox relay not queued; beat will pick the rows up", exc_info=True)


def outbox_relay(*, batch: int = 100) -> int:
    """Send pending outbox rows; safe to run in parallel (SKIP LOCKED) and to repeat."""
    sent = 0
    with transaction.atomic():
        rows = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(status=OutboxMessage.Status.PENDING)
            .order_by("created_at")[:batch]
        )
        for row in rows:
            row.attempts += 1
            try:
                send_mail(row.subject, row.body, None, [row.to])
            except Exception as exc:  # noqa: BLE001 - recorded on the row, retried next run
                row.last_error = str(exc)[:2000]
                if row.attempts >= OUTBOX_MAX_ATTEMPTS:
                    row.status = OutboxMessage.Status.FAILED
                row.save(update_fields=["attempts", "last_error", "status"])
                continue
            row.status = OutboxMessage.Status.SENT
            row.sent_at = timezone.now()
            row.save(update_fields=["attempts", "status", "sent_at"])
            sent += 1
    return sent


def notifications_mark_read(*, user: User) -> int:
    """Mark every unread notification of the user as read."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
