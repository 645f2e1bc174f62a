import logging
from collections.abc import Iterable, Mapping
from itertools import groupby

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from accounts.models import (
    Notification,
    NotificationCategory,
    NotificationFrequency,
    NotificationPreference,
    OutboxMessage,
    User,
)

OUTBOX_MAX_ATTEMPTS = 5
logger = logging.getLogger(__name__)

# The part of a verb before the first "." names its category; verbs with any other prefix get
# a blank category, which no preference covers, so they are always e-mailed at once.
CATEGORY_BY_VERB_PREFIX = {
    "registration": NotificationCategory.REGISTRATION,
    "membership": NotificationCategory.MEMBERSHIP,
    "decision": NotificationCategory.DECISION,
    "proposal": NotificationCategory.PROPOSAL,
    "meeting": NotificationCategory.MEETING,
}
DIGEST_FREQUENCIES = (NotificationFrequency.DAILY, NotificationFrequency.WEEKLY)


def notification_category(verb: str) -> str:
    """The category of a verb such as "membership.approved"; blank when the prefix is unknown."""
    return CATEGORY_BY_VERB_PREFIX.get(verb.partition(".")[0], "")


def notify(
    *,
    users: Iterable[User],
    verb: str,
    title: str,
    body: str = "",
    url: str = "",
    category: str | None = None,
) -> int:
    """Write in-app notifications and the e-mails each user wants, in the caller's transaction.

    Three queries whatever the number of users: the preferences, the notifications, the outbox.
    """
    users = [u for u in users if u is not None]
    if not users:
        return 0
    if category is None:
        category = notification_category(verb)
    elif category and category not in NotificationCategory.values:
        raise ValueError(f"unknown notification category {category!r}")
    frequencies = {}
    if category:
        frequencies = dict(
            NotificationPreference.objects.filter(
                category=category, user_id__in={u.pk for u in users}
            ).values_list("user_id", "frequency")
        )
    notifications, messages = [], []
    for user in users:
        frequency = frequencies.get(user.pk, NotificationFrequency.IMMEDIATE)
        if not user.email or frequency == NotificationFrequency.OFF:
            state = Notification.EmailState.NONE
        elif frequency == NotificationFrequency.IMMEDIATE:
            state = Notification.EmailState.QUEUED
            messages.append(
                OutboxMessage(to=user.email, subject=title, body=f"{body}\n\n{url}".strip())
            )
        else:
            state = Notification.EmailState.DIGEST
        notifications.append(
            Notification(
                user=user,
                verb=verb,
                category=category,
                title=title,
                body=body,
                url=url,
                email_state=state,
            )
        )
    # No savepoint: inside the caller's transaction this adds no query, outside it keeps the
    # notifications and their e-mails together.
    with transaction.atomic(savepoint=False):
        Notification.objects.bulk_create(notifications)
        if messages:
            OutboxMessage.objects.bulk_create(messages)
    if messages:
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


def _absolute_url(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return f"{settings.SITE_URL.rstrip('/')}/{url.lstrip('/')}"


def _digest_due(frequency: str) -> Exists:
    """Waiting notifications the run for this frequency takes.

    The daily run also takes rows whose category has since been set back to immediate (or whose
    preference row is gone), so a change of mind never strands them; "off" rows are released by
    notification_preferences_set.
    """
    preference = NotificationPreference.objects.filter(
        user_id=OuterRef("user_id"), category=OuterRef("category")
    )
    if frequency == NotificationFrequency.WEEKLY:
        return Exists(preference.filter(frequency=NotificationFrequency.WEEKLY))
    return ~Exists(
        preference.filter(frequency__in=[NotificationFrequency.WEEKLY, NotificationFrequency.OFF])
    )


def _digest_message(*, user: User, frequency: str, items: list[Notification]) -> OutboxMessage:
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        count = len(items)
        if frequency == NotificationFrequency.WEEKLY:
            subject = ngettext(
                "Your weekly summary: %(count)d new notification",
                "Your weekly summary: %(count)d new notifications",
                count,
            ) % {"count": count}
        else:
            subject = ngettext(
                "Your daily summary: %(count)d new notification",
                "Your daily summary: %(count)d new notifications",
                count,
            ) % {"count": count}
        lines = []
        for item in items:
            lines.append(f"- {item.title}")
            if item.url:
                lines.append(f"  {_absolute_url(item.url)}")
        settings_url = _absolute_url(reverse("accounts:notification_settings"))
        footer = gettext("Choose how often you receive e-mail: %(url)s") % {"url": settings_url}
        body = "\n".join([*lines, "", footer])
    return OutboxMessage(to=user.email, subject=subject, body=body)


def digest_send(*, frequency: str) -> int:
    """Write one digest e-mail per user for the notifications waiting on this frequency.

    Idempotent and safe in parallel: rows are locked (SKIP LOCKED) and marked digested in the
    same transaction. Three queries: the waiting rows with their users, the outbox, the update.
    """
    if frequency not in DIGEST_FREQUENCIES:
        raise ValueError(f"no digest for frequency {frequency!r}")
    with transaction.atomic():
        pending = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(_digest_due(frequency), email_state=Notification.EmailState.DIGEST)
            .order_by("user_id", "created_at", "pk")
        )
        if not pending:
            return 0
        messages = []
        for _user_id, group in groupby(pending, key=lambda n: n.user_id):
            items = list(group)
            user = items[0].user
            if user.email:  # an address removed since: the rows are closed without e-mail
                messages.append(_digest_message(user=user, frequency=frequency, items=items))
        OutboxMessage.objects.bulk_create(messages)
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(
            email_state=Notification.EmailState.DIGESTED
        )
    return len(messages)


def notification_preferences_of(*, user: User) -> dict[str, str]:
    """The user's e-mail frequency for every category, immediate where nothing is stored."""
    stored = dict(user.notification_preferences.values_list("category", "frequency"))
    return {c: stored.get(c, NotificationFrequency.IMMEDIATE) for c in NotificationCategory.values}


@transaction.atomic
def notification_preferences_set(*, user: User, values: Mapping[str, str]) -> None:
    """Store the user's e-mail frequency per category (category -> frequency)."""
    errors = {}
    for category, frequency in values.items():
        if category not in NotificationCategory.values:
            errors[category] = gettext("Unknown category.")
        elif frequency not in NotificationFrequency.values:
            errors[category] = gettext("Choose one of the offered frequencies.")
    if errors:
        raise ValidationError(errors)
    if not values:
        return
    NotificationPreference.objects.bulk_create(
        [NotificationPreference(user=user, category=c, frequency=f) for c, f in values.items()],
        update_conflicts=True,
        unique_fields=["user", "category"],
        update_fields=["frequency"],
    )
    # Switched off: what was waiting for a digest is no longer e-mailed.
    off = [c for c, f in values.items() if f == NotificationFrequency.OFF]
    if off:
        Notification.objects.filter(
            user=user, category__in=off, email_state=Notification.EmailState.DIGEST
        ).update(email_state=Notification.EmailState.NONE)
