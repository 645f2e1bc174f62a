"""Meeting pages: the list, scheduling and changing, the agenda, minutes and files."""

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.paging import keyset_page
from accounts.web import run_service
from forums import permissions, selectors, services, uploads
from forums.forms import (
    AgendaForm,
    AgendaItemForm,
    MeetingFileForm,
    MeetingForm,
    MinutesForm,
    ReasonForm,
)
from forums.models import Meeting, MeetingAttachment
from platforms import permissions as platform_perms
from platforms.views import access_platform


def meeting_list(request, slug: str):
    platform = access_platform(request, slug)
    # hosted or joined as a guest, without a join that repeats rows (no DISTINCT over them)
    joined = Meeting.guests.through.objects.filter(platform=platform).values("meeting_id")
    meetings = Meeting.objects.filter(Q(platform=platform) | Q(pk__in=joined))
    page = keyset_page(
        meetings.select_related("platform"),
        keys=("starts_at", "pk"),
        descending=True,
        per_page=30,
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
    )
    return render(
        request,
        "forums/meeting_list.html",
        {
            "platform": platform,
            "page": page,
            "can_manage": permissions.can_manage_meetings(request.user, platform),
        },
    )


@login_required
def meeting_new(request, slug: str):
    platform = access_platform(request, slug)
    if not permissions.can_manage_meetings(request.user, platform):
        raise PermissionDenied(_("Only the secretariat schedules meetings."))
    form = MeetingForm(request.POST or None, platform=platform)
    if request.method == "POST" and form.is_valid():
        meeting = run_service(
            form,
            services.meeting_create,
            platform=platform,
            actor=request.user,
            **form.cleaned_data,
        )
        if meeting:
            return redirect(meeting.get_absolute_url())
    return render(request, "forums/meeting_form.html", {"platform": platform, "form": form})


def access_meeting(request, pk: int) -> Meeting:
    """A meeting of a platform the user may see; 404 otherwise."""
    meeting = get_object_or_404(Meeting.objects.select_related("platform"), pk=pk)
    if not platform_perms.can_view_platform(request.user, meeting.platform):
        raise Http404
    return meeting


@login_required
def meeting_edit(request, pk: int):
    meeting = access_meeting(request, pk)
    platform = meeting.platform
    if not permissions.can_manage_meetings(request.user, platform):
        raise PermissionDenied(_("Only the secretariat changes meetings."))
    initial = {
        "kind": meeting.kind,
        "title": meeting.title,
        "starts_at": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "location": meeting.location,
        "guests": list(meeting.guests.values_list("pk", flat=True)),
        "invited": meeting.invited,
    }
    form = MeetingForm(request.POST or None, platform=platform, initial=initial)
    if request.method == "POST" and form.is_valid():
        if run_service(
            form, services.meeting_update, meeting=meeting, actor=request.user, **form.cleaned_data
        ):
            messages.success(request, _("Meeting changed; members were told."))
            return redirect(meeting.get_absolute_url())
    return render(
        request,
        "forums/meeting_form.html",
        {"platform": platform, "form": form, "meeting": meeting},
    )


def _meeting_action(request, meeting: Meeting, forms: dict):
    """The secretariat's posted actions on a meeting; a form with errors is shown again."""
    action = request.POST.get("action", "")
    form = forms.get(action)
    if form is None or not form.is_valid():
        return None
    data = form.cleaned_data
    user = request.user
    if action == "agenda":
        done = run_service(
            form,
            services.proposal_put_on_agenda,
            proposal=data["proposal"],
            actor=user,
            meeting=meeting,
        )
    elif action == "item":
        done = run_service(form, services.agenda_item_add, meeting=meeting, actor=user, **data)
    elif action == "cancel":
        done = run_service(
            form, services.meeting_cancel, meeting=meeting, actor=user, reason=data["reason"]
        )
    elif action == "file":
        done = run_service(
            form, services.meeting_file_add, meeting=meeting, actor=user, upload=data["file"]
        )
    else:
        done = run_service(
            form,
            services.meeting_record,
            meeting=meeting,
            actor=user,
            attendees=data["attendees"],
            minutes=data["minutes"],
            publish=data.get("publish", False),
            correction_reason=data.get("correction_reason", ""),
        )
    if done:
        messages.success(request, _("Saved."))
        return redirect(meeting.get_absolute_url())
    return None


def meeting_detail(request, pk: int):
    meeting = access_meeting(request, pk)
    platform = meeting.platform
    can_manage = permissions.can_manage_meetings(request.user, platform)
    action = request.POST.get("action") if request.method == "POST" else None
    forms = {}
    found, find = [], ""
    if can_manage:
        members = permissions.attendance_candidates(platform)
        finding = action == "minutes" and "find_people" in request.POST
        find = (request.POST if finding else request.GET).get("find", "")[:100]
        found = selectors.find_people(members, find)
        shown = _attendance_shown(meeting, members, request.POST if action else {}, found)

        def bound(name):
            return request.POST if action == name else None

        forms = {
            "minutes": MinutesForm(
                bound("minutes"),
                members=members,
                shown=shown,
                published=bool(meeting.minutes_published_at),
                initial={
                    "minutes": meeting.minutes,
                    "attendees": list(meeting.attendees.values_list("pk", flat=True)),
                },
            ),
            "agenda": AgendaForm(bound("agenda"), platform=platform),
            "item": AgendaItemForm(bound("item")),
            "cancel": ReasonForm(bound("cancel")),
            "file": MeetingFileForm(bound("file"), request.FILES if action == "file" else None),
        }
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied(_("Only the secretariat records meetings."))
        # "Find" in the attendance form: show the names found, keep what was typed, save nothing
        response = None if finding else _meeting_action(request, meeting, forms)
        if response:
            return response
    open_for_changes = not meeting.is_cancelled and not meeting.minutes_published_at
    return render(
        request,
        "forums/meeting_detail.html",
        {
            "meeting": meeting,
            "platform": platform,
            "can_manage": can_manage,
            "open_for_changes": open_for_changes,
            "held": meeting.starts_at <= timezone.now(),
            "agenda": meeting.agenda.select_related("proposal"),
            "attendees_count": meeting.attendees.count(),
            "find": find,
            "found": found,
            "corrections": meeting.corrections.select_related("actor"),
            "guests": meeting.guests.all(),
            "files": meeting.files.all(),
            "forms": forms,
        },
    )


def _attendance_shown(meeting: Meeting, members, posted, found: list) -> list:
    """The people offered as boxes in the attendance form: those recorded present, those
    ticked in a form sent back, and those found by name; never every member (issue 13)."""
    ticked = [int(v) for v in (posted.getlist("attendees") if posted else []) if v.isdecimal()]
    ticked = [v for v in ticked if v < 2**63]
    limit = MinutesForm.base_fields["attendees"].limit
    people = {u.pk: u for u in meeting.attendees.all()[:limit]}
    if ticked:
        people.update((u.pk, u) for u in members.filter(pk__in=ticked[:limit]))
    people.update((u.pk, u) for u in found)
    return sorted(people.values(), key=lambda u: (u.public_name.casefold(), u.pk))


def meeting_file(request, pk: int):
    """A meeting's file, to whoever may see the platform, under a neutral name."""
    item = get_object_or_404(MeetingAttachment.objects.select_related("meeting__platform"), pk=pk)
    if not platform_perms.can_view_platform(request.user, item.meeting.platform):
        raise Http404(_("No such file."))
    return uploads.file_response(
        item.file, content_type=item.content_type, name=Path(item.file.name).name
    )
