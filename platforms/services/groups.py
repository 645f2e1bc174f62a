"""Thematic groups of a platform."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from platforms import permissions
from platforms.models import (
    Membership,
    Party,
    Platform,
    PlatformEvent,
    ThematicGroup,
)
from platforms.services.events import event_record


@transaction.atomic
def group_create(
    *, platform: Platform, actor: User, name: str, description: str = ""
) -> ThematicGroup:
    """The secretariat creates a thematic group on its platform."""
    if not permissions.can_manage_groups(actor, platform):
        raise PermissionDenied(_("Only the secretariat creates thematic groups."))
    group = ThematicGroup(platform=platform, name=(name or "").strip(), description=description)
    group.full_clean()
    group.save()
    event_record(platform=platform, kind=PlatformEvent.Kind.GROUP, actor=actor, new=group.name)
    return group


def _current_membership(user: User, platform: Platform) -> Membership | None:
    return (
        Membership.objects.current()
        .filter(user=user, platform=platform)
        .order_by("created_at")
        .first()
    )


@transaction.atomic
def group_join(*, group: ThematicGroup, user: User) -> None:
    """A member of the platform joins one of its thematic groups."""
    membership = _current_membership(user, group.platform)
    if membership is None or not permissions.can_participate(user, group.platform):
        raise PermissionDenied(_("Only members of this platform join its groups."))
    if group.members.filter(user=user).exists():
        raise ValidationError(_("You are already in this group."))
    group.members.add(membership)


@transaction.atomic
def group_leave(*, group: ThematicGroup, user: User) -> None:
    mine = list(group.members.filter(user=user))
    if not mine:
        raise ValidationError(_("You are not in this group."))
    group.members.remove(*mine)
    if group.coordinator_id == user.pk:
        group.coordinator = None
        group.save(update_fields=["coordinator"])


@transaction.atomic
def group_set_coordinator(*, group: ThematicGroup, actor: User, user: User | None) -> ThematicGroup:
    """The secretariat names a group member as the group's coordinator."""
    if not permissions.can_manage_groups(actor, group.platform):
        raise PermissionDenied(_("Only the secretariat names coordinators."))
    if user is not None and not group.members.current().filter(user=user).exists():
        raise ValidationError({"coordinator": _("The coordinator must be a member of the group.")})
    group.coordinator = user
    group.save(update_fields=["coordinator"])
    event_record(
        platform=group.platform,
        kind=PlatformEvent.Kind.GROUP,
        actor=actor,
        new="coordinator",
        reason=group.name,
    )
    return group


GROUP_PARTIES = {
    Party.NGO: (Party.NGO, Party.NATIONAL_NGO),
    Party.LSG: (Party.LSG, Party.LOCAL_ADMIN),
    Party.POLICE: (Party.POLICE,),
}


def group_missing_parties(parties_present: set[str]) -> list[str]:
    """Which of NGO, local self-government and police a group lacks."""
    return [key for key, accepted in GROUP_PARTIES.items() if not parties_present & set(accepted)]
