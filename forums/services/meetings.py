"""Meetings: scheduling, agenda, attendance, minutes and their corrections."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from forums import permissions
from forums.models import (
    Meeting,
    MinutesCorrection,
    ProposalEvent,
)
from forums.services.common import (
    event_add,
)
from platforms.models import Platform

MAX_MEETING_GUESTS = 50

# Which states each manual transition starts from.


@transaction.atomic
def meeting_create(
    *,
    platform: Platform,
    actor: User,
    kind: str,
    title: str,
    starts_at,
    location: str = "",
    guests=(),
    group=None,
) -> Meeting:
    """The secretariat schedules a meeting (joint meetings invite other platforms)."""
    if not permissions.can_manage_meetings(actor, platform):
        raise PermissionDenied(_("Only the secretariat schedules meetings."))
    if not (title or "").strip():
        raise ValidationError({"title": _("Give the meeting a title.")})
    guests = list(guests)
    if kind == Meeting.Kind.JOINT and not guests:
        raise ValidationError({"guests": _("A joint meeting needs at least one other platform.")})
    if len(guests) > MAX_MEETING_GUESTS:
        raise ValidationError(
            {"guests": _("Invite at most %(n)d platforms.") % {"n": MAX_MEETING_GUESTS}}
        )
    meeting = Meeting.objects.create(
        platform=platform,
        kind=kind,
        title=title.strip(),
        starts_at=starts_at,
        location=(location or "").strip(),
        group=group,
        created_by=actor,
    )
    if guests:
        meeting.guests.set([g for g in guests if g.pk != platform.pk])
    return meeting


@transaction.atomic
def meeting_record(
    *,
    meeting: Meeting,
    actor: User,
    attendees=(),
    minutes: str = "",
    publish: bool = False,
    correction_reason: str = "",
) -> Meeting:
    """Record attendance and minutes; published minutes change only by a recorded correction."""
    if not permissions.can_manage_meetings(actor, meeting.platform):
        raise PermissionDenied(_("Only the secretariat records meetings."))
    # the row lock serialises double submits: the second one sees the minutes already published
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    meeting.attendees.set(attendees)
    minutes = (minutes or "").strip()
    if meeting.minutes_published_at:
        if minutes != meeting.minutes:
            _minutes_correct(meeting, actor=actor, minutes=minutes, reason=correction_reason)
        return meeting
    meeting.minutes = minutes
    fields = ["minutes"]
    if publish:
        if not meeting.minutes:
            raise ValidationError({"minutes": _("Write the minutes before publishing them.")})
        meeting.minutes_published_at = timezone.now()
        fields.append("minutes_published_at")
        for item in meeting.agenda.select_related("proposal").exclude(proposal=None):
            event_add(
                proposal=item.proposal,
                kind=ProposalEvent.Kind.MEETING,
                actor=actor,
                role="secretariat",
                old=item.proposal.state,
                note=meeting.title,
                platform=meeting.platform,
            )
    meeting.save(update_fields=fields)
    return meeting


def _minutes_correct(meeting: Meeting, *, actor: User, minutes: str, reason: str) -> None:
    """Published minutes: the old text and the reason stay on record, in public."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {
                "correction_reason": _(
                    "The minutes are published: give the reason for the correction."
                )
            }
        )
    if not minutes:
        raise ValidationError({"minutes": _("Published minutes cannot be emptied.")})
    MinutesCorrection.objects.create(
        meeting=meeting,
        old_minutes=meeting.minutes,
        new_minutes=minutes,
        reason=reason[:500],
        actor=actor,
    )
    meeting.minutes = minutes
    meeting.save(update_fields=["minutes"])
