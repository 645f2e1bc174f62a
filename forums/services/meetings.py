"""Meetings: scheduling, agenda, attendance, minutes and their corrections."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.services import notify
from accounts.text import Message, isolate
from forums import permissions, uploads
from forums.models import (
    AgendaItem,
    Meeting,
    MeetingAttachment,
    MinutesCorrection,
    ProposalEvent,
)
from forums.selectors import invitable_platforms
from forums.services.common import (
    event_add,
)
from platforms.models import Membership, Platform

# the neighbours a joint meeting can invite; a bound keeps a forged form from listing thousands
MAX_MEETING_GUESTS = 50


def _members(platform: Platform):
    return User.objects.filter(
        memberships__in=Membership.objects.current().filter(platform=platform)
    ).distinct()


def _notify_members(meeting: Meeting, *, verb: str, title, body: str = "", actor=None) -> None:
    """Every current member of the meeting's platform, per their settings (category meetings)."""
    users = [u for u in _members(meeting.platform) if u != actor]
    notify(users=users, verb=verb, title=title, body=body, url=meeting.get_absolute_url())


def _clean_meeting(*, platform: Platform, kind: str, title: str, guests, invited: str) -> dict:
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("Give the meeting a title.")
    if kind not in Meeting.Kind.values:
        errors["kind"] = _("Choose the type of meeting.")
    guests = [g for g in guests if g.pk != platform.pk]
    allowed = set(invitable_platforms(platform).values_list("pk", flat=True)) if guests else set()
    if any(g.pk not in allowed for g in guests):
        errors["guests"] = _("Invite neighbouring forums or the council of this platform.")
    if kind == Meeting.Kind.JOINT and not guests:
        errors["guests"] = _("A joint meeting needs at least one other platform.")
    if len(guests) > MAX_MEETING_GUESTS:
        errors["guests"] = _("Invite at most %(n)d platforms.") % {"n": MAX_MEETING_GUESTS}
    invited = "\n".join(line.strip() for line in (invited or "").splitlines() if line.strip())
    if len(invited) > 2000:
        errors["invited"] = _("Keep the list of invited guests under 2,000 characters.")
    if errors:
        raise ValidationError(errors)
    return {"title": title, "guests": guests, "invited": invited}


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
    invited: str = "",
) -> Meeting:
    """The secretariat schedules a meeting (joint meetings invite other platforms)."""
    if not permissions.can_manage_meetings(actor, platform):
        raise PermissionDenied(_("Only the secretariat schedules meetings."))
    cleaned = _clean_meeting(
        platform=platform, kind=kind, title=title, guests=list(guests), invited=invited
    )
    meeting = Meeting.objects.create(
        platform=platform,
        kind=kind,
        title=cleaned["title"],
        starts_at=starts_at,
        location=(location or "").strip(),
        group=group,
        invited=cleaned["invited"],
        created_by=actor,
    )
    if cleaned["guests"]:
        meeting.guests.set(cleaned["guests"])
    _notify_members(
        meeting,
        verb="meeting.scheduled",
        # the time is written in each reader's language and format (Message)
        title=Message(
            gettext_lazy("Meeting on %(when)s: %(title)s"),
            {"when": meeting.starts_at, "title": isolate(meeting.title)},
        ),
        body=meeting.location,
        actor=actor,
    )
    return meeting


def _editable(meeting: Meeting, actor: User) -> Meeting:
    if not permissions.can_manage_meetings(actor, meeting.platform):
        raise PermissionDenied(_("Only the secretariat changes meetings."))
    meeting = Meeting.objects.select_for_update().select_related("platform").get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting was cancelled."))
    if meeting.minutes_published_at:
        raise ValidationError(_("The minutes are published: the meeting is on record."))
    return meeting


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    actor: User,
    kind: str,
    title: str,
    starts_at,
    location: str = "",
    guests=(),
    group=None,
    invited: str = "",
) -> Meeting:
    """The secretariat changes a meeting still to be held; members hear of a new time or place."""
    meeting = _editable(meeting, actor)
    cleaned = _clean_meeting(
        platform=meeting.platform, kind=kind, title=title, guests=list(guests), invited=invited
    )
    location = (location or "").strip()
    moved = meeting.starts_at != starts_at or meeting.location != location
    meeting.kind, meeting.title, meeting.starts_at = kind, cleaned["title"], starts_at
    meeting.location, meeting.group, meeting.invited = location, group, cleaned["invited"]
    meeting.save(update_fields=["kind", "title", "starts_at", "location", "group", "invited"])
    meeting.guests.set(cleaned["guests"])
    if moved:
        _notify_members(
            meeting,
            verb="meeting.changed",
            title=Message(
                gettext_lazy("Meeting changed, now on %(when)s: %(title)s"),
                {"when": meeting.starts_at, "title": isolate(meeting.title)},
            ),
            body=meeting.location,
            actor=actor,
        )
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, actor: User, reason: str) -> Meeting:
    """The secretariat cancels a meeting with a reason; its proposals can go on another agenda."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for cancelling.")})
    meeting = _editable(meeting, actor)
    meeting.status, meeting.cancel_reason = Meeting.Status.CANCELLED, reason[:500]
    meeting.save(update_fields=["status", "cancel_reason"])
    _notify_members(
        meeting,
        verb="meeting.cancelled",
        title=Message(
            gettext_lazy("Meeting cancelled: %(title)s"), {"title": isolate(meeting.title)}
        ),
        body=meeting.cancel_reason,
        actor=actor,
    )
    return meeting


@transaction.atomic
def agenda_item_add(*, meeting: Meeting, actor: User, title: str) -> AgendaItem:
    """A free agenda item (a police quarterly report, a guest's talk), not tied to a proposal."""
    meeting = _editable(meeting, actor)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Name the agenda item.")})
    return AgendaItem.objects.create(
        meeting=meeting, title=title[:200], position=agenda_next_position(meeting)
    )


def agenda_next_position(meeting: Meeting) -> int:
    """The place after the last item of the meeting's agenda."""
    last = meeting.agenda.aggregate(m=Max("position"))["m"]
    return (last or 0) + 1


@transaction.atomic
def meeting_file_add(*, meeting: Meeting, actor: User, upload) -> MeetingAttachment:
    """A file of the meeting (signed minutes, a report), stored without its metadata."""
    if not permissions.can_manage_meetings(actor, meeting.platform):
        raise PermissionDenied(_("Only the secretariat adds files to a meeting."))
    content_type = uploads.check_upload(upload)
    upload.seek(0)
    cleaned = uploads.clean_bytes(upload.read(), content_type=content_type)
    number = meeting.files.count() + 1
    name = f"meeting-{meeting.pk}-file-{number}{uploads.SUFFIXES[content_type]}"
    return MeetingAttachment.objects.create(
        meeting=meeting,
        file=ContentFile(cleaned, name=name),
        content_type=content_type,
        size=len(cleaned),
        uploaded_by=actor,
    )


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
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting was cancelled."))
    if minutes and meeting.starts_at > timezone.now():
        raise ValidationError(
            {"minutes": _("Minutes can be written once the meeting has taken place.")}
        )
    meeting.minutes = minutes
    fields = ["minutes"]
    if publish:
        if not meeting.minutes:
            raise ValidationError({"minutes": _("Write the minutes before publishing them.")})
        _notify_members(
            meeting,
            verb="meeting.minutes",
            title=Message(
                gettext_lazy("Minutes published: %(title)s"), {"title": isolate(meeting.title)}
            ),
            actor=actor,
        )
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


@transaction.atomic
def proposal_schedule(
    *,
    proposal,
    actor: User,
    meeting: Meeting | None = None,
    new_title: str = "",
    new_starts_at=None,
) -> Meeting:
    """Put a proposal on a meeting's agenda, scheduling the meeting in the same step if new."""
    from forums.services.proposals import proposal_put_on_agenda

    if meeting is None:
        meeting = meeting_create(
            platform=proposal.platform,
            actor=actor,
            kind=Meeting.Kind.GENERAL,
            title=new_title,
            starts_at=new_starts_at,
        )
    proposal_put_on_agenda(proposal=proposal, actor=actor, meeting=meeting)
    return meeting
