"""Memberships: granting, requests and their decisions, officials by default, delegates, terms."""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.services import notify
from accounts.text import Message
from platforms import permissions
from platforms.models import (
    Membership,
    Party,
    Platform,
    PlatformEvent,
    Role,
)
from platforms.roles import roles_rebuild, roles_sync
from platforms.services.events import event_record

TERM_REMINDER_DAYS = 30


def _active_people(platform_ref) -> Coalesce:
    # People, not rows: a member elected to the secretariat holds two memberships but counts
    # once. One platform's memberships only (index membership_platform_status).
    return Coalesce(
        Subquery(
            Membership.objects.filter(platform=platform_ref, status=Membership.Status.ACTIVE)
            .order_by()
            .values("platform")
            .annotate(n=Count("user", distinct=True))
            .values("n")[:1]
        ),
        0,
    )


def _party_counts(platform_id: int) -> dict[str, int]:
    rows = (
        Membership.objects.current()
        .filter(platform_id=platform_id)
        .values("party")
        .annotate(n=Count("user", distinct=True))
        .order_by("party")
    )
    return {row["party"]: row["n"] for row in rows}


def platform_member_count_refresh(*, platform_id: int) -> None:
    """Recount one platform's members and their parties, in the membership change's transaction.

    The UPDATE locks the platform row, so two changes on one platform count one after the other.
    """
    Platform.objects.filter(pk=platform_id).update(
        member_count=_active_people(OuterRef("pk")), party_counts=_party_counts(platform_id)
    )


def platform_member_counts_recount(*, platform_ids=None) -> int:
    """Recount every platform's members (or those of `platform_ids`); returns the rows fixed.

    Also what moves terms that started or ended with the calendar into the party counts.
    """
    platforms = Platform.objects.all()
    if platform_ids is not None:
        platforms = platforms.filter(pk__in=platform_ids)
    fixed = 0
    rows = platforms.annotate(expected=_active_people(OuterRef("pk"))).values_list(
        "pk", "member_count", "party_counts", "expected"
    )
    for pk, count, parties, expected in rows.iterator(chunk_size=500):
        expected_parties = _party_counts(pk)
        if count != expected or parties != expected_parties:
            Platform.objects.filter(pk=pk).update(
                member_count=expected, party_counts=expected_parties
            )
            fixed += 1
    return fixed


@transaction.atomic
def membership_grant(
    *,
    platform: Platform,
    user: User,
    party: str,
    actor: User | None,
    role: str = Role.MEMBER,
    term_start: date | None = None,
    term_end: date | None = None,
    delegated_from: Platform | None = None,
    organisation: str = "",
    check: bool = True,
) -> Membership:
    """Add an active membership and grant its role's permissions (platform admins only)."""
    if check and not permissions.can_manage_memberships(actor, platform):
        raise PermissionDenied(_("Only a platform admin may manage memberships."))
    membership = Membership(
        platform=platform,
        user=user,
        party=party,
        role=role,
        status=Membership.Status.ACTIVE,
        term_start=term_start,
        term_end=term_end,
        delegated_from=delegated_from,
        organisation=organisation,
    )
    membership.full_clean(validate_constraints=False)
    if Membership.objects.filter(
        user=user,
        platform=platform,
        role=role,
        status__in=[Membership.Status.REQUESTED, Membership.Status.ACTIVE],
    ).exists():
        raise ValidationError(_("This person already holds this role on this platform."))
    membership.save()
    platform_member_count_refresh(platform_id=platform.pk)
    event_record(
        platform=platform,
        kind=PlatformEvent.Kind.MEMBERSHIP,
        actor=actor,
        new=Membership.Status.ACTIVE,
        membership=membership,
    )
    roles_sync(user=user, platform=platform)
    return membership


@transaction.atomic
def membership_end(
    *, membership: Membership, actor: User | None, reason: str = "", check: bool = True
) -> Membership:
    """End a membership (the member leaving, or a platform admin) and revoke its permissions."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if check and not permissions.can_end_membership(actor, membership):
        raise PermissionDenied(_("Only the member or a platform admin may end a membership."))
    if membership.status != Membership.Status.ACTIVE:
        raise ValidationError(_("Only an active membership can be ended."))
    old = membership.status
    membership.status = Membership.Status.ENDED
    membership.ended_at = timezone.now()
    membership.save(update_fields=["status", "ended_at"])
    platform_member_count_refresh(platform_id=membership.platform_id)
    event_record(
        platform=membership.platform,
        kind=PlatformEvent.Kind.MEMBERSHIP,
        actor=actor,
        old=old,
        new=membership.status,
        reason=reason,
        membership=membership,
    )
    roles_sync(user=membership.user, platform=membership.platform)
    return membership


REQUESTABLE_PARTIES = (Party.CITIZEN, Party.NGO, Party.NATIONAL_NGO)


@transaction.atomic
def membership_request(
    *, platform: Platform, user: User, party: str, motivation: str = "", organisation: str = ""
) -> Membership:
    """Ask to join a platform against its published criteria."""
    if not permissions.can_request_membership(user, platform):
        raise ValidationError(_("You are already a member of this platform or have asked to join."))
    if party not in REQUESTABLE_PARTIES:
        raise ValidationError(
            {"party": _("Official parties are added by the platform admin, not by request.")}
        )
    membership = Membership(
        platform=platform,
        user=user,
        party=party,
        status=Membership.Status.REQUESTED,
        motivation=(motivation or "").strip(),
        organisation=(organisation or "").strip(),
    )
    membership.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as exc:  # a concurrent double request hits the unique constraint
        raise ValidationError(_("You have already asked to join.")) from exc
    event_record(
        platform=platform,
        kind=PlatformEvent.Kind.MEMBERSHIP,
        actor=user,
        new=membership.status,
        membership=membership,
    )
    deciders = User.objects.filter(
        memberships__in=Membership.objects.current().filter(
            platform=platform, role__in=[Role.SECRETARIAT, Role.ADMIN]
        )
    ).distinct()
    notify(
        users=list(deciders),
        verb="membership.requested",
        title=Message(
            gettext_lazy("%(name)s asks to join %(platform)s"),
            {"name": user.public_name, "platform": platform.name},
        ),
        body=membership.motivation,
        url=reverse("platforms:requests", kwargs={"slug": platform.slug}),
    )
    return membership


def _pending(membership: Membership, actor: User) -> Membership:
    membership = (
        Membership.objects.select_for_update()
        .select_related("platform", "user")
        .get(pk=membership.pk)
    )
    if not permissions.can_decide_membership(actor, membership.platform):
        raise PermissionDenied(_("Only the secretariat or a platform admin decides join requests."))
    if membership.user_id == actor.pk:
        raise ValidationError(_("You cannot decide your own request."))
    if membership.status != Membership.Status.REQUESTED:
        raise ValidationError(_("This request has already been decided."))
    return membership


@transaction.atomic
def membership_approve(*, membership: Membership, actor: User) -> Membership:
    """Approve a join request; the new member gets the member's permissions."""
    membership = _pending(membership, actor)
    membership.status = Membership.Status.ACTIVE
    membership.save(update_fields=["status"])
    platform_member_count_refresh(platform_id=membership.platform_id)
    event_record(
        platform=membership.platform,
        kind=PlatformEvent.Kind.MEMBERSHIP,
        actor=actor,
        old=Membership.Status.REQUESTED,
        new=membership.status,
        membership=membership,
    )
    roles_sync(user=membership.user, platform=membership.platform)
    notify(
        users=[membership.user],
        verb="membership.approved",
        title=Message(
            gettext_lazy("Welcome to %(platform)s"), {"platform": membership.platform.name}
        ),
        url=membership.platform.get_absolute_url(),
    )
    return membership


@transaction.atomic
def membership_refuse(*, membership: Membership, actor: User, reason: str) -> Membership:
    """Refuse a join request, with a reason the applicant sees."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for refusing.")})
    membership = _pending(membership, actor)
    membership.status = Membership.Status.REFUSED
    membership.refusal_reason = reason
    membership.save(update_fields=["status", "refusal_reason"])
    event_record(
        platform=membership.platform,
        kind=PlatformEvent.Kind.MEMBERSHIP,
        actor=actor,
        old=Membership.Status.REQUESTED,
        new=membership.status,
        reason=reason,
        membership=membership,
    )
    notify(
        users=[membership.user],
        verb="membership.refused",
        title=Message(
            gettext_lazy("Your request to join %(platform)s was refused"),
            {"platform": membership.platform.name},
        ),
        body=reason,
        url=membership.platform.get_absolute_url(),
    )
    return membership


def add_officials_by_default(*, platform: Platform, actor: User | None) -> int:
    """Official parties of the territory become members of a new platform by default."""
    from platforms import selectors

    added = 0
    for users, party in (
        (selectors.forum_lsg_contacts(platform), Party.LSG),
        (selectors.forum_police_contacts(platform), Party.POLICE),
    ):
        for user in users:
            if not Membership.objects.current().filter(platform=platform, user=user).exists():
                membership_grant(
                    platform=platform, user=user, party=party, actor=actor, check=False
                )
                added += 1
    return added


def _open_delegation(*, upper: Platform, lower: Platform, user: User) -> Membership | None:
    return Membership.objects.filter(
        platform=upper,
        user=user,
        role=Role.MEMBER,
        party=Party.DELEGATE,
        delegated_from=lower,
        status__in=[Membership.Status.REQUESTED, Membership.Status.ACTIVE],
    ).first()


@transaction.atomic
def delegate_name(
    *, platform: Platform, user: User, actor: User, term_start: date, term_end: date
) -> Membership:
    """The secretariat names a member as the platform's delegate to its parent platform.

    Naming the same person twice (a double click, two tabs) returns the existing delegation.
    """
    if not permissions.can_name_delegate(actor, platform):
        raise PermissionDenied(_("Only the secretariat names delegates."))
    # Namings for one lower platform run one at a time: a second click waits here and then
    # finds the first one's row instead of racing it into the unique index.
    platform = Platform.objects.select_for_update().get(pk=platform.pk)
    if not Membership.objects.current().filter(platform=platform, user=user).exists():
        raise ValidationError({"user": _("A delegate must be a current member of this platform.")})
    if not term_start or not term_end or term_end < term_start:
        raise ValidationError({"term_end": _("Give a term that ends after it starts.")})
    upper = platform.parent
    already_member = ValidationError(
        {"user": _("This person is already a member of %(p)s.") % {"p": upper}}
    )
    existing = _open_delegation(upper=upper, lower=platform, user=user)
    if existing is not None:
        return existing
    if Membership.objects.filter(
        platform=upper, user=user, role=Role.MEMBER, status=Membership.Status.ACTIVE
    ).exists():
        raise already_member
    try:
        with transaction.atomic():
            membership = membership_grant(
                platform=upper,
                user=user,
                party=Party.DELEGATE,
                actor=actor,
                delegated_from=platform,
                term_start=term_start,
                term_end=term_end,
                check=False,
            )
    except IntegrityError:
        # A writer that does not take the lock above (a join request approved at the upper
        # platform) reached the unique index first: re-read what it wrote.
        existing = _open_delegation(upper=upper, lower=platform, user=user)
        if existing is None:
            raise already_member from None
        return existing
    notify(
        users=[user],
        verb="membership.delegate",
        title=Message(
            gettext_lazy("You represent %(lower)s at %(upper)s"),
            {"lower": platform.name, "upper": upper.name},
        ),
        url=upper.get_absolute_url(),
    )
    return membership


def terms_check(*, today: date | None = None) -> dict:
    """Remind holders 30 days before a term ends, and end the terms that are over."""
    today = today or timezone.localdate()
    reminded = ended = 0
    soon = Membership.objects.filter(
        status=Membership.Status.ACTIVE,
        term_end__isnull=False,
        term_end__gte=today,
        term_end__lte=today + timedelta(days=TERM_REMINDER_DAYS),
        reminded_at__isnull=True,
    ).select_related("user", "platform")
    for m in soon:
        with transaction.atomic():
            notify(
                users=[m.user],
                verb="membership.term_ending",
                title=Message(
                    gettext_lazy("Your term as %(role)s of %(platform)s ends on %(date)s"),
                    {
                        "role": Role(m.role).label
                        if m.party != Party.DELEGATE
                        else Party(m.party).label,
                        "platform": m.platform.name,
                        "date": m.term_end,
                    },
                ),
                url=m.platform.get_absolute_url(),
            )
            Membership.objects.filter(pk=m.pk).update(reminded_at=timezone.now())
            reminded += 1
    expired = Membership.objects.filter(status=Membership.Status.ACTIVE, term_end__lt=today)
    for m in expired:
        membership_end(membership=m, actor=None, reason="term ended", check=False)
        ended += 1
    # terms that start today (and anything else the calendar moved) reach the grant cache
    roles_rebuild()
    return {"reminded": reminded, "ended": ended}
