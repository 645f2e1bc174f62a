"""Community forum registration: draft → submitted → (LSG and police answer) → active."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import notify
from platforms import permissions, selectors
from platforms.models import (
    ForumAcknowledgement,
    Party,
    Platform,
    PlatformContact,
    PlatformEvent,
    Territory,
)
from platforms.services import (
    add_officials_by_default,
    event_record,
    membership_grant,
    unique_slug,
)

MIN_INITIATIVE_GROUP = 3
EDITABLE = (Platform.Status.DRAFT, Platform.Status.RETURNED)


def _check_name(*, name: str, territory: Territory, exclude_pk=None) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the forum a name.")})
    clash = Platform.objects.filter(territory=territory, name__iexact=name).exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError(
            {"name": _("A forum with this name is already registered in this territory.")}
        )
    return name


def _check_territory(territory: Territory) -> None:
    if not selectors.registration_territories().filter(pk=territory.pk).exists():
        raise ValidationError({"territory": _("Choose a territory from the list.")})
    if selectors.council_for_territory(territory) is None:
        raise ValidationError(
            {"territory": _("There is no district or city council for this territory yet.")}
        )


def _editable(platform: Platform, user: User) -> Platform:
    platform = Platform.objects.select_for_update().get(pk=platform.pk)
    if not permissions.can_edit_registration(user, platform):
        raise PermissionDenied(_("Only the initiator can change this registration."))
    return platform


@transaction.atomic
def registration_start(*, user: User, name: str, territory: Territory) -> Platform:
    """Open a draft registration of a community forum; the initiator joins its group."""
    if not permissions.can_start_forum(user):
        raise PermissionDenied(_("Verify your e-mail address before registering a forum."))
    _check_territory(territory)
    name = _check_name(name=name, territory=territory)
    platform = Platform.objects.create(
        name=name,
        slug=unique_slug(name),
        level=Platform.Level.COMMUNITY,
        kind=Platform.Kind.INITIATIVE,
        territory=territory,
        status=Platform.Status.DRAFT,
        created_by=user,
    )
    PlatformContact.objects.create(
        platform=platform,
        user=user,
        name=user.public_name,
        email=user.email,
        source=PlatformContact.Source.INITIATIVE,
    )
    event_record(
        platform=platform, kind=PlatformEvent.Kind.CREATED, actor=user, new=platform.status
    )
    return platform


@transaction.atomic
def registration_update(*, platform: Platform, user: User, **fields) -> Platform:
    """Change the draft's basics or aims; only the initiator, only while editable."""
    platform = _editable(platform, user)
    allowed = {"name", "territory", "aims", "problems", "membership_criteria"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"not editable: {unknown}")
    if "territory" in fields:
        _check_territory(fields["territory"])
    if "name" in fields or "territory" in fields:
        fields["name"] = _check_name(
            name=fields.get("name", platform.name),
            territory=fields.get("territory", platform.territory),
            exclude_pk=platform.pk,
        )
    for key, value in fields.items():
        setattr(platform, key, value.strip() if isinstance(value, str) else value)
    platform.full_clean(exclude=["parent", "slug"])
    platform.save(update_fields=list(fields))
    return platform


@transaction.atomic
def initiative_add(
    *, platform: Platform, user: User, name: str, email: str = ""
) -> PlatformContact:
    """Add a person to the initiative group: a registered user by e-mail, or a named contact."""
    platform = _editable(platform, user)
    name, email = (name or "").strip(), (email or "").strip().lower()
    member = User.objects.filter(email__iexact=email).first() if email else None
    if not name and member is None:
        raise ValidationError({"name": _("Give a name or the e-mail of a registered user.")})
    if email and platform.contacts.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("This person is already in the initiative group.")})
    contact = PlatformContact(
        platform=platform,
        user=member,
        name=name or member.public_name,
        email=email,
        source=PlatformContact.Source.INITIATIVE,
    )
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def initiative_remove(*, platform: Platform, user: User, contact: PlatformContact) -> None:
    platform = _editable(platform, user)
    if contact.platform_id != platform.pk or contact.user_id == platform.created_by_id:
        raise ValidationError(_("The initiator stays in the initiative group."))
    contact.delete()


@transaction.atomic
def registration_submit(*, platform: Platform, user: User) -> Platform:
    """Submit the registration; local self-government and police are notified."""
    platform = _editable(platform, user)
    errors = {}
    if not platform.aims.strip():
        errors["aims"] = _("Describe the forum's aims and objectives.")
    if platform.contacts.count() < MIN_INITIATIVE_GROUP:
        errors["contacts"] = _("The initiative group needs at least %(n)d people.") % {
            "n": MIN_INITIATIVE_GROUP
        }
    if errors:
        raise ValidationError(errors)
    old = platform.status
    platform.status = Platform.Status.SUBMITTED
    platform.submitted_at = timezone.now()
    platform.return_reason = ""
    platform.save(update_fields=["status", "submitted_at", "return_reason"])
    event_record(
        platform=platform, kind=PlatformEvent.Kind.STATUS, actor=user, old=old, new=platform.status
    )
    url = platform.get_absolute_url()
    title = _("New community forum registered: %(name)s") % {"name": platform.name}
    body = _(
        "A citizens' initiative group registered a community security forum in %(territory)s. "
        "Please acknowledge it in the portal, or return it with your reasons."
    ) % {"territory": platform.territory.name}
    recipients = list(selectors.forum_lsg_contacts(platform)) + list(
        selectors.forum_police_contacts(platform)
    )
    notify(users=recipients, verb="registration.submitted", title=title, body=body, url=url)
    invited = [c.user for c in platform.contacts.select_related("user") if c.user_id != user.pk]
    notify(
        users=[u for u in invited if u is not None],
        verb="registration.invited",
        title=_("You are in the initiative group of %(name)s") % {"name": platform.name},
        url=url,
    )
    return platform


def _answers_since_submission(platform: Platform):
    return platform.acknowledgements.filter(at__gte=platform.submitted_at)


@transaction.atomic
def registration_answer(
    *, platform: Platform, user: User, answer: str, comment: str = ""
) -> ForumAcknowledgement:
    """Local self-government or police acknowledge, comment on, or return a registration."""
    platform = Platform.objects.select_for_update().get(pk=platform.pk)
    party = permissions.acknowledging_party(user, platform)
    if party is None:
        raise PermissionDenied(
            _("Only local self-government and police of this territory answer registrations.")
        )
    if platform.status != Platform.Status.SUBMITTED:
        raise ValidationError(_("This registration is not waiting for an answer."))
    comment = (comment or "").strip()
    if answer in (ForumAcknowledgement.Answer.RETURNED, ForumAcknowledgement.Answer.COMMENTED):
        if not comment:
            raise ValidationError({"comment": _("Give your reasons or comment.")})
    ack = ForumAcknowledgement.objects.create(
        platform=platform, party=party, user=user, answer=answer, comment=comment
    )
    creator = [platform.created_by] if platform.created_by else []
    if answer == ForumAcknowledgement.Answer.RETURNED:
        platform.status = Platform.Status.RETURNED
        platform.return_reason = comment
        platform.save(update_fields=["status", "return_reason"])
        event_record(
            platform=platform,
            kind=PlatformEvent.Kind.STATUS,
            actor=user,
            old=Platform.Status.SUBMITTED,
            new=platform.status,
            reason=comment,
        )
        notify(
            users=creator,
            verb="registration.returned",
            title=_("Your forum registration was returned: %(name)s") % {"name": platform.name},
            body=comment,
            url=platform.get_absolute_url(),
        )
        return ack
    notify(
        users=creator,
        verb=f"registration.{answer}",
        title=_("%(party)s answered your registration of %(name)s")
        % {"party": Party(party).label, "name": platform.name},
        body=comment,
        url=platform.get_absolute_url(),
    )
    acked = set(
        _answers_since_submission(platform)
        .filter(answer=ForumAcknowledgement.Answer.ACKNOWLEDGED)
        .values_list("party", flat=True)
    )
    if {Party.LSG, Party.POLICE} <= acked:
        forum_activate(platform=platform, actor=user, reason="acknowledged")
    return ack


@transaction.atomic
def forum_activate(*, platform: Platform, actor: User | None, reason: str) -> Platform:
    """Make a submitted forum active and public under its council; its people become members."""
    platform = Platform.objects.select_for_update().get(pk=platform.pk)
    if platform.status != Platform.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted registration can be activated."))
    council = selectors.council_for_territory(platform.territory)
    if council is None:
        raise ValidationError(_("There is no district or city council for this territory yet."))
    platform.parent = council
    platform.status = Platform.Status.ACTIVE
    platform.activated_at = timezone.now()
    platform.full_clean()
    platform.save(update_fields=["parent", "status", "activated_at"])  # also moves the path
    event_record(
        platform=platform,
        kind=PlatformEvent.Kind.STATUS,
        actor=actor,
        old=Platform.Status.SUBMITTED,
        new=platform.status,
        reason=reason,
    )
    initiators = {c.user for c in platform.contacts.select_related("user") if c.user_id}
    for member in initiators:
        membership_grant(
            platform=platform, user=member, party=Party.CITIZEN, actor=actor, check=False
        )
    add_officials_by_default(platform=platform, actor=actor)
    notify(
        users=list(initiators),
        verb="registration.active",
        title=_("%(name)s is now active and public") % {"name": platform.name},
        body=_("Choose the first secretariat: open a decision on the forum's page."),
        url=platform.get_absolute_url(),
    )
    return platform


def forums_activate_silent(*, now=None) -> int:
    """Activate forums whose registration met no objection within the configured days."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.FORUM_ACK_SILENCE_DAYS)
    # a returned registration leaves SUBMITTED, so silence since submission is all that remains
    due = Platform.objects.filter(status=Platform.Status.SUBMITTED, submitted_at__lte=cutoff)
    count = 0
    for platform in due:
        forum_activate(platform=platform, actor=None, reason="no objection")
        count += 1
    return count
