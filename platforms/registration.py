"""Community forum registration: draft → submitted → (LSG and police answer) → active.

The initiative group's people are invited, not enrolled: a typed e-mail is never matched to an
account in anything the initiator sees, and a person becomes a member only by accepting.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.services import notify, outbox_email_queue
from accounts.text import Message
from platforms import permissions, selectors
from platforms.models import (
    OFFICIAL_PARTIES,
    ForumAcknowledgement,
    LiaisonOfficer,
    Membership,
    Party,
    Platform,
    PlatformContact,
    PlatformEvent,
    Role,
    Territory,
)
from platforms.services import (
    REQUESTABLE_PARTIES,
    add_officials_by_default,
    event_record,
    membership_grant,
)
from platforms.slugs import unique_slug

# The initiator and the people typed into the group count towards this, whether or not they
# have answered their invitation yet; those who declined do not.
MIN_INITIATIVE_GROUP = 3
EDITABLE = (Platform.Status.DRAFT, Platform.Status.RETURNED)
Invitation = PlatformContact.Invitation
INVITATION_TRANSITIONS = {
    (Invitation.PENDING, "accept"): Invitation.ACCEPTED,
    (Invitation.PENDING, "decline"): Invitation.DECLINED,
}


def is_person_name(name: str) -> bool:
    """A name a person could have: two or more letters, not one letter repeated ("aaa", "1 2")."""
    letters = [ch.casefold() for ch in name or "" if ch.isalpha()]
    return len(letters) >= 2 and len(set(letters)) >= 2


def founders_counted(platform: Platform) -> int:
    """Founders towards the minimum: not declined, and named as a person can be named."""
    names = platform.contacts.exclude(invitation=Invitation.DECLINED).values_list("name", flat=True)
    return sum(1 for name in names if is_person_name(name))


def silent_activation_at(platform: Platform):
    """When a submitted registration activates if nobody objects (FORUM_ACK_SILENCE_DAYS)."""
    if platform.submitted_at is None:
        return None
    return platform.submitted_at + timedelta(days=settings.FORUM_ACK_SILENCE_DAYS)


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
        invitation=Invitation.ACCEPTED,  # starting the registration is the initiator's consent
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


def invitation_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_url(contact: PlatformContact, token: str) -> str:
    return reverse("platforms:invitation", kwargs={"slug": contact.platform.slug, "token": token})


def _account_for(email: str) -> User | None:
    """The active account holding this address (its login e-mail or a verified one), if any."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(email__iexact=email)
            | Q(emailaddress__email__iexact=email, emailaddress__verified=True)
        )
        .distinct()
        .first()
    )


def _invitation_send(*, contact: PlatformContact, token: str, inviter: User) -> None:
    """An in-app notification for an existing account, otherwise an e-mail to the address."""
    platform = contact.platform
    url = invitation_url(contact, token)
    # Messages: worded in the reader's language (an e-mail without an account: the inviter's)
    title = Message(
        gettext_lazy("%(name)s invites you to the initiative group of %(forum)s"),
        {"name": inviter.public_name, "forum": platform.name},
    )
    body = Message(
        gettext_lazy(
            "A community security forum is being registered in %(territory)s. You become one of "
            "its members only if you accept. Open the link to accept or decline."
        ),
        {"territory": platform.territory},
    )
    account = _account_for(contact.email)
    if account is not None:
        notify(users=[account], verb="registration.invited", title=title, body=body, url=url)
        return
    signup = _(
        "You have no account on the portal yet: create one with this e-mail address, "
        "then open the link."
    )
    absolute = f"{settings.SITE_URL.rstrip('/')}{url}"
    outbox_email_queue(to=contact.email, subject=title, body=f"{body}\n\n{signup}\n\n{absolute}")


@transaction.atomic
def initiative_add(
    *, platform: Platform, user: User, name: str, email: str = ""
) -> PlatformContact:
    """Add a person to the initiative group as typed; with an e-mail, they are invited.

    The answer is the same whether or not the address belongs to an account: nothing about an
    account is looked up for the initiator, stored, or shown until its holder accepts.
    """
    platform = _editable(platform, user)
    name, email = (name or "").strip(), (email or "").strip().lower()
    if not name:
        raise ValidationError({"name": _("Give the person's name.")})
    if not is_person_name(name):
        raise ValidationError({"name": _("Give the person's name as it is written.")})
    if email and platform.contacts.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("This person is already in the initiative group.")})
    token = secrets.token_urlsafe(32) if email else ""
    contact = PlatformContact(
        platform=platform,
        name=name,
        email=email,
        source=PlatformContact.Source.INITIATIVE,
        invitation=Invitation.PENDING if email else Invitation.NONE,
        token_hash=invitation_token_hash(token) if token else "",
    )
    contact.full_clean()
    contact.save()
    if token:
        _invitation_send(contact=contact, token=token, inviter=user)
    return contact


def founder_parties(*, user: User) -> list[str]:
    """The parties a founder joins as: an official as their office, anyone else by choice."""
    official = set(
        Membership.objects.current()
        .filter(user=user, party__in=OFFICIAL_PARTIES)
        .values_list("party", flat=True)
    )
    if LiaisonOfficer.objects.filter(user=user, active=True).exists():
        official.add(Party.POLICE)
    if official:
        return [p for p in OFFICIAL_PARTIES if p in official]
    return list(REQUESTABLE_PARTIES)


def _founder_join(*, platform: Platform, user: User, party: str, actor: User | None) -> bool:
    """Make a founder who accepted a member of the active forum; False if already one."""
    if Membership.objects.filter(
        platform=platform,
        user=user,
        role=Role.MEMBER,
        status__in=[Membership.Status.REQUESTED, Membership.Status.ACTIVE],
    ).exists():
        # an official added by default, or a join request the secretariat still decides
        return False
    membership_grant(platform=platform, user=user, party=party, actor=actor, check=False)
    return True


@transaction.atomic
def invitation_answer(
    *, contact: PlatformContact, user: User, accept: bool, party: str = ""
) -> PlatformContact:
    """The invited person accepts or declines; accepting an active forum joins it at once."""
    contact = (
        PlatformContact.objects.select_for_update(of=("self",))
        .select_related("platform", "platform__created_by")
        .get(pk=contact.pk)
    )
    if not permissions.can_answer_invitation(user, contact):
        raise PermissionDenied(_("This invitation was sent to another address."))
    old = contact.invitation
    new = INVITATION_TRANSITIONS.get((old, "accept" if accept else "decline"))
    if new is None:
        raise ValidationError(_("This invitation has already been answered."))
    platform = contact.platform
    if platform.status == Platform.Status.CLOSED:
        raise ValidationError(_("This forum has closed."))
    fields = ["invitation", "answered_at"]
    if accept:
        allowed = founder_parties(user=user)
        party = party or allowed[0]
        if party not in allowed:
            raise ValidationError({"party": _("Choose one of the offered parties.")})
        contact.user, contact.party = user, party
        fields += ["user", "party"]
    contact.invitation = new
    contact.answered_at = timezone.now()
    contact.save(update_fields=fields)
    event_record(
        platform=platform, kind=PlatformEvent.Kind.INVITATION, actor=user, old=old, new=new
    )
    if accept and platform.status == Platform.Status.ACTIVE:
        _founder_join(platform=platform, user=user, party=party, actor=user)
    if platform.created_by_id and platform.created_by_id != user.pk:
        # named as the initiator typed them: the initiator learns nothing new about the account
        title = Message(
            gettext_lazy("%(name)s accepted your invitation to %(forum)s")
            if accept
            else gettext_lazy("%(name)s declined your invitation to %(forum)s"),
            {"name": contact.name, "forum": platform.name},
        )
        notify(
            users=[platform.created_by],
            verb=f"registration.invitation_{new}",
            title=title,
            url=platform.get_absolute_url(),
        )
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
    if founders_counted(platform) < MIN_INITIATIVE_GROUP:
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
    title = Message(
        gettext_lazy("New community forum registered: %(name)s"), {"name": platform.name}
    )
    body = Message(
        gettext_lazy(
            "A citizens' initiative group registered a community security forum in "
            "%(territory)s. Please acknowledge it in the portal, or return it with your reasons."
        ),
        {"territory": platform.territory},
    )
    recipients = list(selectors.forum_lsg_contacts(platform)) + list(
        selectors.forum_police_contacts(platform)
    )
    notify(users=recipients, verb="registration.submitted", title=title, body=body, url=url)
    # the group's people were invited when they were added; they are asked nothing more here
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
            title=Message(
                gettext_lazy("Your forum registration was returned: %(name)s"),
                {"name": platform.name},
            ),
            body=comment,
            url=platform.get_absolute_url(),
        )
        return ack
    notify(
        users=creator,
        verb=f"registration.{answer}",
        title=Message(
            gettext_lazy("%(party)s answered your registration of %(name)s"),
            {"party": Party(party).label, "name": platform.name},
        ),
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
    """Make a submitted forum active and public under its council.

    Founders who accepted their invitation become members; those who did not are not enrolled.
    """
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
    # Officials first, so a founder who is also the territory's LSG or police keeps that party.
    add_officials_by_default(platform=platform, actor=actor)
    founders = []
    accepted = platform.contacts.filter(
        invitation=Invitation.ACCEPTED, user__isnull=False
    ).select_related("user")
    for contact in accepted:
        party = contact.party or founder_parties(user=contact.user)[0]
        _founder_join(platform=platform, user=contact.user, party=party, actor=actor)
        founders.append(contact.user)
    notify(
        users=founders,
        verb="registration.active",
        title=Message(gettext_lazy("%(name)s is now active and public"), {"name": platform.name}),
        body=gettext_lazy("Choose the first secretariat: open a decision on the forum's page."),
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
