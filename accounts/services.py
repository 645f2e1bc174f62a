import logging
import re
from collections.abc import Iterable, Mapping
from datetime import timedelta
from itertools import groupby

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
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

# The wait before each retry of an e-mail that could not be sent: about 24 hours in all, so a
# mail server down for a night loses nothing. After the last retry fails the row is FAILED, a
# dead letter for the admin's "retry" action.
OUTBOX_RETRY_DELAYS = tuple(timedelta(minutes=m) for m in (1, 5, 15, 60, 120, 180, 360, 360, 360))
OUTBOX_MAX_ATTEMPTS = len(OUTBOX_RETRY_DELAYS) + 1
# A run stops after this many failures in a row: the server is down, and every further row it
# tried would only spend an attempt (and up to EMAIL_TIMEOUT seconds).
OUTBOX_RUN_MAX_FAILURES = 3
logger = logging.getLogger(__name__)

# Newlines in a header raise BadHeaderError; other control characters are as unwelcome.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")

# The part of a verb before the first "." names its category; verbs with any other prefix get
# a blank category, which no preference covers, so they are always e-mailed at once.
CATEGORY_BY_VERB_PREFIX = {
    "registration": NotificationCategory.REGISTRATION,
    "membership": NotificationCategory.MEMBERSHIP,
    "decision": NotificationCategory.DECISION,
    "proposal": NotificationCategory.PROPOSAL,
    "meeting": NotificationCategory.MEETING,
    "problem": NotificationCategory.PROBLEM,
    "assessment": NotificationCategory.ASSESSMENT,
    "plan": NotificationCategory.REPORT,
    "report": NotificationCategory.REPORT,
}
DIGEST_FREQUENCIES = (NotificationFrequency.DAILY, NotificationFrequency.WEEKLY)


def one_line(text: str) -> str:
    """The text on one line: control characters and runs of spaces become one space."""
    return " ".join(_CONTROL_CHARACTERS.sub(" ", str(text)).split())


def truncate(text: str, max_length: int) -> str:
    """The text cut to max_length characters, an ellipsis marking the cut."""
    if len(text) <= max_length:
        return text
    return text[: max_length - 1].rstrip() + "\u2026"


def _field_max_length(model, field: str) -> int:
    return model._meta.get_field(field).max_length


def _outbox_email(*, to: str, subject: str, body: str, html_body: str = "") -> OutboxMessage:
    """An unsaved e-mail row whose subject is one line that fits the column."""
    subject = truncate(one_line(subject), _field_max_length(OutboxMessage, "subject"))
    return OutboxMessage(to=to, subject=subject, body=body, html_body=html_body)


def outbox_email_queue(*, to: str, subject: str, body: str, html_body: str = "") -> OutboxMessage:
    """Queue one e-mail in the caller's transaction; the relay sends it after the commit."""
    message = _outbox_email(to=to, subject=subject, body=body, html_body=html_body)
    message.save()
    transaction.on_commit(_kick_relay)
    return message


def notification_category(verb: str) -> str:
    """The category of a verb such as "membership.approved"; blank when the prefix is unknown."""
    return CATEGORY_BY_VERB_PREFIX.get(verb.partition(".")[0], "")


def recipient_language(user: User) -> str:
    """The language a user reads messages in: their choice, else the site's default."""
    lang = user.preferred_language
    return lang if lang in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _notification_texts(
    *, title, body, url: str, language: str, email: bool
) -> tuple[str, str, str, str]:
    """The title, body and e-mail bodies (plain text, HTML) of a notification in one language."""
    with translation.override(language):
        # Titles are often derived ("New proposal: <title>"), and a translation can push a long
        # title past the column; one line also keeps the e-mail subject a valid header.
        title_text = truncate(one_line(str(title)), _field_max_length(Notification, "title"))
        body_text = str(body or "")
        text = html = ""
        if email:
            context = {
                "title": title_text,
                "body": body_text,
                "link": _absolute_url(url),
                "settings_url": _absolute_url(reverse("accounts:notification_settings")),
                "LANGUAGE_CODE": language,
            }
            text = render_to_string("accounts/email/notification.txt", context).strip() + "\n"
            html = render_to_string("accounts/email/notification.html", context)
    return title_text, body_text, text, html


def notify(
    *,
    users: Iterable[User],
    verb: str,
    title,
    body="",
    url: str = "",
    category: str | None = None,
) -> int:
    """Write in-app notifications and the e-mails each user wants, in the caller's transaction.

    title and body are text or, for anything the portal words, accounts.text.Message (or a lazy
    string): each recipient gets them in their own language (recipient_language), stored as
    worded on their row; the e-mail has a plain-text and an HTML body with an absolute link
    (SITE_URL). Three queries whatever the number of users and languages: the preferences, the
    notifications, the outbox.
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
    # Worded once per language (and the e-mail only where someone wants it at once), not once
    # per recipient: a national council's meeting reaches thousands.
    texts: dict[tuple[str, bool], tuple[str, str, str, str]] = {}
    notifications, messages = [], []
    for user in users:
        frequency = frequencies.get(user.pk, NotificationFrequency.IMMEDIATE)
        if not user.email or frequency == NotificationFrequency.OFF:
            state = Notification.EmailState.NONE
        elif frequency == NotificationFrequency.IMMEDIATE:
            state = Notification.EmailState.QUEUED
        else:
            state = Notification.EmailState.DIGEST
        email = state == Notification.EmailState.QUEUED
        key = (recipient_language(user), email)
        if key not in texts:
            texts[key] = _notification_texts(
                title=title, body=body, url=url, language=key[0], email=email
            )
        title_text, body_text, text, html = texts[key]
        if email:
            messages.append(
                _outbox_email(to=user.email, subject=title_text, body=text, html_body=html)
            )
        notifications.append(
            Notification(
                user=user,
                verb=verb,
                category=category,
                title=title_text,
                body=body_text,
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
    """Send the outbox rows whose next attempt has come, one row per transaction.

    Each row is locked (SKIP LOCKED), sent, marked and committed before the next is taken: a
    worker killed mid-batch re-sends at most the row it was sending, and relays running in
    parallel never take the same row, so parallel kicks never spend a row's attempts twice.
    """
    sent = failures = 0
    connection = get_connection()
    try:
        for _ in range(batch):
            outcome = _outbox_send_next(connection=connection)
            if outcome is None:
                break
            if outcome:
                sent += 1
                failures = 0
            else:
                failures += 1
                if failures >= OUTBOX_RUN_MAX_FAILURES:
                    logger.warning("outbox relay stopped after %d failures in a row", failures)
                    break
    finally:
        connection.close()
    return sent


@transaction.atomic
def _outbox_send_next(*, connection) -> bool | None:
    """Send the next due row: True if sent, False if it failed, None if nothing is due."""
    now = timezone.now()
    row = (
        OutboxMessage.objects.select_for_update(skip_locked=True)
        .filter(status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .first()
    )
    if row is None:
        return None
    row.attempts += 1
    message = EmailMultiAlternatives(
        one_line(row.subject), row.body, None, [row.to], connection=connection
    )
    if row.html_body:
        message.attach_alternative(row.html_body, "text/html")
    try:
        message.send()
    except Exception as exc:  # noqa: BLE001 - recorded on the row, retried after a delay
        row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if row.attempts >= OUTBOX_MAX_ATTEMPTS:
            row.status = OutboxMessage.Status.FAILED
            logger.error("outbox row %s to %s is a dead letter: %s", row.pk, row.to, exc)
        else:
            row.next_attempt_at = timezone.now() + OUTBOX_RETRY_DELAYS[row.attempts - 1]
        row.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
        return False
    row.status = OutboxMessage.Status.SENT
    row.sent_at = timezone.now()
    row.save(update_fields=["attempts", "status", "sent_at"])
    return True


@transaction.atomic
def outbox_retry(*, ids: Iterable[int]) -> int:
    """Put unsent rows (dead letters included) back in the queue, due now, with every attempt."""
    count = (
        OutboxMessage.objects.filter(pk__in=list(ids))
        .exclude(status=OutboxMessage.Status.SENT)
        .update(status=OutboxMessage.Status.PENDING, attempts=0, next_attempt_at=timezone.now())
    )
    if count:
        transaction.on_commit(_kick_relay)
    return count


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
    return _outbox_email(to=user.email, subject=subject, body=body)


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
