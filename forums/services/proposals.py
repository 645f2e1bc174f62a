"""Proposal services: each atomic, permission-checked, and on the timeline."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.services import notify
from accounts.text import Message, isolate
from forums import permissions, uploads
from forums.models import (
    AgendaItem,
    Attachment,
    Comment,
    Meeting,
    Proposal,
    ProposalEvent,
    Supporter,
)
from forums.selectors import addressable_lsg, addressable_units
from forums.services.common import (
    S,
    _locked,
    _require_state,
    _set_state,
    event_add,
    secretariat_users,
    unit_officers,
)
from forums.services.meetings import agenda_next_position
from platforms.models import Platform


def _clean_fields(*, title: str, body: str, category: str, place: str = "") -> dict:
    from forums.models import Category

    errors = {}
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        errors["title"] = _("Give the proposal a title.")
    elif len(title) > 200:
        errors["title"] = _("Keep the title under 200 characters.")
    if not body:
        errors["body"] = _("Describe the proposal.")
    if category not in Category.values:
        errors["category"] = _("Choose a category.")
    place = (place or "").strip()
    if len(place) > 200:
        errors["place"] = _("Keep the place under 200 characters.")
    if errors:
        raise ValidationError(errors)
    return {"title": title, "body": body, "category": category, "place": place}


def _check_group(platform: Platform, group) -> None:
    if group is not None and group.platform_id != platform.pk:
        raise ValidationError({"group": _("Choose a thematic group of this platform.")})


def _check_addressees(platform: Platform, police_unit, lsg_territory) -> None:
    """The rule the form's choices show, enforced here for every caller."""
    errors = {}
    if (
        police_unit is not None
        and not addressable_units(platform).filter(pk=police_unit.pk).exists()
    ):
        errors["police_unit"] = _("Choose a police unit of this forum's territory or above it.")
    if (
        lsg_territory is not None
        and not addressable_lsg(platform).filter(pk=lsg_territory.pk).exists()
    ):
        errors["lsg_territory"] = _("Choose the local self-government of this forum's territory.")
    if errors:
        raise ValidationError(errors)


def _submitted(proposal: Proposal) -> None:
    proposal.submitted_at = timezone.now()
    if proposal.police_unit_id or proposal.lsg_territory_id:
        proposal.response_due = timezone.localdate() + timedelta(
            days=proposal.platform.response_days
        )


def _notify_submitted(proposal: Proposal) -> None:
    # never the author's name: a protected author must not leak through a notification
    title = Message(
        gettext_lazy("New proposal on %(platform)s: %(title)s"),
        {"platform": isolate(proposal.platform.name), "title": isolate(proposal.title)},
    )
    users = (
        set(secretariat_users(proposal.platform))
        | set(unit_officers(proposal))
        | set(permissions.lsg_responders(proposal))
    )
    users.discard(proposal.author)
    notify(
        users=list(users), verb="proposal.submitted", title=title, url=proposal.get_absolute_url()
    )


@transaction.atomic
def proposal_create(
    *,
    platform: Platform,
    author: User,
    title: str,
    body: str,
    category: str,
    place: str = "",
    group=None,
    police_unit=None,
    lsg_territory=None,
    protect_author: bool = False,
    submit: bool = False,
) -> Proposal:
    """A member writes a proposal: a private draft, or submitted at once.

    A resident who is not a member may raise one with a community forum too: it waits for the
    secretariat's screening (proposal_screen) before it is public.
    """
    if not (
        permissions.can_create_proposal(author, platform)
        or permissions.can_raise_problem(author, platform)
    ):
        raise PermissionDenied(
            _("Only members, or residents with a verified e-mail, raise problems here.")
        )
    fields = _clean_fields(title=title, body=body, category=category, place=place)
    _check_group(platform, group)
    _check_addressees(platform, police_unit, lsg_territory)
    proposal = Proposal.objects.create(
        **fields,
        origin=platform,
        platform=platform,
        group=group,
        police_unit=police_unit,
        lsg_territory=lsg_territory,
        author=author,
        protect_author=protect_author,
    )
    event_add(proposal=proposal, kind=ProposalEvent.Kind.CREATED, actor=author, role="author")
    if submit:
        proposal_submit(proposal=proposal, actor=author)
        proposal.refresh_from_db()
    return proposal


@transaction.atomic
def proposal_update_draft(*, proposal: Proposal, actor: User, **fields) -> Proposal:
    """The author changes a private draft."""
    proposal = _locked(proposal)
    if not permissions.can_edit_draft(actor, proposal):
        raise PermissionDenied(_("Only the author edits a draft."))
    cleaned = _clean_fields(
        title=fields.get("title", proposal.title),
        body=fields.get("body", proposal.body),
        category=fields.get("category", proposal.category),
        place=fields.get("place", proposal.place),
    )
    _check_group(proposal.platform, fields.get("group"))
    _check_addressees(
        proposal.platform,
        fields.get("police_unit", proposal.police_unit),
        fields.get("lsg_territory", proposal.lsg_territory),
    )
    for key in ("group", "police_unit", "lsg_territory", "protect_author"):
        if key in fields:
            setattr(proposal, key, fields[key])
    for key, value in cleaned.items():
        setattr(proposal, key, value)
    proposal.save()
    return proposal


@transaction.atomic
def proposal_submit(*, proposal: Proposal, actor: User) -> Proposal:
    """The author submits a draft: it becomes public and its deadline starts (a resident's
    goes to the secretariat's screening first)."""
    proposal = _locked(proposal)
    if proposal.author_id != actor.pk:
        raise PermissionDenied(_("Only the author submits a draft."))
    _require_state(proposal, "submit")
    if not permissions.can_create_proposal(actor, proposal.platform):
        old = _set_state(proposal, S.SCREENING)
        event_add(
            proposal=proposal,
            kind=ProposalEvent.Kind.SUBMITTED,
            actor=actor,
            role="resident",
            old=old,
        )
        notify(
            users=list(secretariat_users(proposal.platform)),
            verb="proposal.screening",
            title=Message(
                gettext_lazy("To screen on %(platform)s: %(title)s"),
                {"platform": isolate(proposal.platform.name), "title": isolate(proposal.title)},
            ),
            url=proposal.get_absolute_url(),
        )
        return proposal
    _submitted(proposal)
    old = _set_state(proposal, S.SUBMITTED, fields=["submitted_at", "response_due"])
    event_add(
        proposal=proposal, kind=ProposalEvent.Kind.SUBMITTED, actor=actor, role="member", old=old
    )
    _notify_submitted(proposal)
    return proposal


@transaction.atomic
def proposal_record(
    *,
    platform: Platform,
    actor: User,
    title: str,
    body: str,
    category: str,
    place: str = "",
    on_behalf_of: str = "",
    group=None,
    police_unit=None,
    lsg_territory=None,
    protect_author: bool = False,
) -> Proposal:
    """The secretariat records a proposal made on paper or aloud (named, protected or anonymous)."""
    if not permissions.can_record_proposal(actor, platform):
        raise PermissionDenied(_("Only the secretariat records proposals for citizens."))
    fields = _clean_fields(title=title, body=body, category=category, place=place)
    _check_group(platform, group)
    _check_addressees(platform, police_unit, lsg_territory)
    proposal = Proposal(
        **fields,
        origin=platform,
        platform=platform,
        group=group,
        police_unit=police_unit,
        lsg_territory=lsg_territory,
        on_behalf_of=(on_behalf_of or "").strip()[:200],
        protect_author=protect_author,
        recorded_by=actor,
        state=S.SUBMITTED,
    )
    _submitted(proposal)
    proposal.save()
    event_add(proposal=proposal, kind=ProposalEvent.Kind.RECORDED, actor=actor, role="secretariat")
    _notify_submitted(proposal)
    return proposal


@transaction.atomic
def attachment_add(*, proposal: Proposal, actor: User, upload) -> Attachment:
    """Attach an image or PDF: extension, declared type, magic bytes and size are checked.

    The stored file has no metadata and a neutral name (see forums.uploads): the
    original name and EXIF/XMP could unmask a protected author.
    """
    if proposal.author_id != actor.pk and not permissions.can_manage_proposal(actor, proposal):
        raise PermissionDenied(_("Only the author or the secretariat adds attachments."))
    content_type = uploads.check_upload(upload, field="attachment")
    clean = uploads.clean_file(proposal=proposal, upload=upload, content_type=content_type)
    return Attachment.objects.create(
        proposal=proposal, file=clean, name=clean.name, content_type=content_type, size=clean.size
    )


@transaction.atomic
def proposal_put_on_agenda(*, proposal: Proposal, actor: User, meeting: Meeting) -> Proposal:
    """The secretariat puts a proposal on the agenda of a meeting of its platform.

    A proposal already on an agenda can be moved to another meeting (one that was cancelled,
    or a later one); its state stays.
    """
    proposal = _locked(proposal)
    if not permissions.can_manage_proposal(actor, proposal):
        raise PermissionDenied(_("Only the secretariat manages the agenda."))
    if proposal.state != S.ON_AGENDA:
        _require_state(proposal, "agenda")
    if meeting is None:
        raise ValidationError({"meeting": _("Choose the meeting, or schedule a new one.")})
    if meeting.platform_id != proposal.platform_id:
        raise ValidationError(_("Choose a meeting of the platform where the proposal is."))
    if meeting.is_cancelled or meeting.minutes_published_at:
        raise ValidationError(_("Choose a meeting that is still to be held."))
    _item, created = AgendaItem.objects.get_or_create(
        meeting=meeting,
        proposal=proposal,
        defaults={"title": proposal.title[:200], "position": agenda_next_position(meeting)},
    )
    if not created:
        return proposal
    old = proposal.state
    if proposal.state != S.ON_AGENDA:
        _set_state(proposal, S.ON_AGENDA)
    event_add(
        proposal=proposal,
        kind=ProposalEvent.Kind.AGENDA,
        actor=actor,
        role="secretariat",
        old=old,
        note=meeting.title,
    )
    return proposal


@transaction.atomic
def proposal_close(*, proposal: Proposal, actor: User, resolution: str, note: str = "") -> Proposal:
    """Close as resolved (secretariat) or withdrawn (author or secretariat)."""
    proposal = _locked(proposal)
    if resolution == S.WITHDRAWN:
        if not (
            permissions.can_withdraw(actor, proposal)
            or permissions.can_manage_proposal(actor, proposal)
        ):
            raise PermissionDenied(_("Only the author or the secretariat withdraws a proposal."))
        _require_state(proposal, "withdraw")
        role = "author" if proposal.author_id == actor.pk else "secretariat"
    elif resolution == S.RESOLVED:
        if not permissions.can_manage_proposal(actor, proposal):
            raise PermissionDenied(_("Only the secretariat closes a proposal."))
        _require_state(proposal, "close")
        role = "secretariat"
    else:
        raise ValidationError(_("Unknown resolution."))
    old = _set_state(proposal, resolution)
    event_add(
        proposal=proposal,
        kind=ProposalEvent.Kind.CLOSED,
        actor=actor,
        role=role,
        old=old,
        note=(note or "").strip(),
    )
    return proposal


@transaction.atomic
def proposal_merge(*, duplicate: Proposal, into: Proposal, actor: User) -> Proposal:
    """Mark a proposal as a duplicate of another; histories stay, supporters move over."""
    duplicate, into = _locked(duplicate), _locked(into)
    if duplicate.pk == into.pk:
        raise ValidationError(_("A proposal cannot duplicate itself."))
    if not (
        permissions.can_manage_proposal(actor, duplicate)
        and permissions.can_manage_proposal(actor, into)
    ):
        raise PermissionDenied(_("Only the secretariat of both proposals merges them."))
    _require_state(duplicate, "merge")
    if into.platform_id != duplicate.platform_id:
        raise ValidationError(_("Merge only into a proposal on the same platform."))
    # a private draft never becomes a merge target: its title would appear on a public page
    if into.state in Proposal.INACTIVE_STATES:
        raise ValidationError(_("Merge into an open proposal."))
    moved = 0
    for supporter_id in duplicate.supporters.values_list("user_id", flat=True):
        _supporter, created = Supporter.objects.get_or_create(proposal=into, user_id=supporter_id)
        moved += created
    if duplicate.author_id:
        _supporter, created = Supporter.objects.get_or_create(
            proposal=into, user_id=duplicate.author_id
        )
        moved += created
    duplicate.duplicate_of = into
    old = _set_state(duplicate, S.DUPLICATE, fields=["duplicate_of"])
    event_add(
        proposal=duplicate,
        kind=ProposalEvent.Kind.MERGED,
        actor=actor,
        role="secretariat",
        old=old,
        note=_("Duplicate of #%(pk)d %(title)s") % {"pk": into.pk, "title": isolate(into.title)},
    )
    event_add(
        proposal=into,
        kind=ProposalEvent.Kind.MERGED,
        actor=actor,
        role="secretariat",
        old=into.state,
        note=_("Merged #%(pk)d %(title)s; %(n)d supporters added")
        % {"pk": duplicate.pk, "title": isolate(duplicate.title), "n": moved},
    )
    return into


def proposal_support(*, proposal: Proposal, user: User) -> bool:
    """Support a proposal once; returns False when the user already supports it."""
    if not permissions.can_support(user, proposal):
        raise PermissionDenied(_("Sign in to support an open proposal."))
    _supporter, created = Supporter.objects.get_or_create(proposal=proposal, user=user)
    return created


@transaction.atomic
def proposal_assign(*, proposal: Proposal, actor: User, officer: User) -> Proposal:
    """The head of the unit assigns the proposal to one of its liaison officers."""
    proposal = _locked(proposal)
    if not permissions.can_assign(actor, proposal):
        raise PermissionDenied(_("Only the head of the unit assigns proposals."))
    if not permissions.assignable_officers(proposal.police_unit).filter(pk=officer.pk).exists():
        raise ValidationError({"officer": _("Choose a liaison officer of this unit.")})
    proposal.assigned_officer = officer
    proposal.save(update_fields=["assigned_officer"])
    event_add(
        proposal=proposal,
        kind=ProposalEvent.Kind.ASSIGNED,
        actor=actor,
        role="police",
        old=proposal.state,
        note=officer.public_name,
    )
    notify(
        users=[officer],
        verb="proposal.assigned",
        title=Message(
            gettext_lazy("Assigned to you: %(title)s"), {"title": isolate(proposal.title)}
        ),
        url=proposal.get_absolute_url(),
    )
    return proposal


@transaction.atomic
def comment_add(*, proposal: Proposal, author: User, body: str) -> Comment:
    if not permissions.can_comment(author, proposal):
        raise PermissionDenied(_("Only members of the platform comment."))
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a comment.")})
    return Comment.objects.create(proposal=proposal, author=author, body=body[:5000])


@transaction.atomic
def comment_hide(*, comment: Comment, actor: User, reason: str) -> Comment:
    """A moderator hides a comment, with a reason that stays visible in its place."""
    if not permissions.can_moderate_comments(actor, comment.proposal):
        raise PermissionDenied(_("Only moderators hide comments."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for hiding.")})
    comment.hidden_at, comment.hidden_by, comment.hidden_reason = (
        timezone.now(),
        actor,
        reason[:500],
    )
    comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    return comment


@transaction.atomic
def proposal_screen(*, proposal: Proposal, actor: User, accept: bool, reason: str = "") -> Proposal:
    """The secretariat screens a resident's proposal: accepted, it becomes public and its
    deadline starts; screened out, it stays private and the author is told why."""
    proposal = _locked(proposal)
    if not permissions.can_manage_proposal(actor, proposal):
        raise PermissionDenied(_("Only the secretariat screens proposals."))
    _require_state(proposal, "screen_in" if accept else "screen_out")
    reason = (reason or "").strip()
    if accept:
        _submitted(proposal)
        old = _set_state(proposal, S.SUBMITTED, fields=["submitted_at", "response_due"])
        event_add(
            proposal=proposal,
            kind=ProposalEvent.Kind.SUBMITTED,
            actor=actor,
            role="secretariat",
            old=old,
            note=reason,
        )
        _notify_submitted(proposal)
    else:
        if not reason:
            raise ValidationError({"reason": _("Tell the author why it is not accepted.")})
        old = _set_state(proposal, S.SCREENED_OUT)
        event_add(
            proposal=proposal,
            kind=ProposalEvent.Kind.CLOSED,
            actor=actor,
            role="secretariat",
            old=old,
            note=reason,
        )
    if proposal.author_id:
        notify(
            users=[proposal.author],
            verb="proposal.screened",
            title=Message(
                gettext_lazy("Your proposal was accepted by %(platform)s: %(title)s")
                if accept
                else gettext_lazy("Your proposal was not accepted by %(platform)s: %(title)s"),
                {"platform": isolate(proposal.platform.name), "title": isolate(proposal.title)},
            ),
            body=reason,
            url=proposal.get_absolute_url(),
        )
    return proposal
