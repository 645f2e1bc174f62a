"""Role services: the only code that grants or revokes object permissions."""

from guardian.shortcuts import assign_perm, remove_perm

from accounts.models import User
from platforms.models import LiaisonOfficer, Membership, Platform, PoliceUnit, Role

PARTICIPATE = "participate_platform"
SECRETARIAT = "secretariat_platform"
MODERATE = "moderate_platform"
ADMINISTER = "administer_platform"
RESPOND = "respond_policeunit"

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.MEMBER: frozenset({PARTICIPATE}),
    Role.COORDINATOR: frozenset({PARTICIPATE}),
    Role.SECRETARIAT: frozenset({PARTICIPATE, SECRETARIAT}),
    Role.MODERATOR: frozenset({PARTICIPATE, MODERATE}),
    Role.ADMIN: frozenset({PARTICIPATE, ADMINISTER}),
}
ALL_PLATFORM_PERMISSIONS = frozenset().union(*ROLE_PERMISSIONS.values())


def platform_permissions_for(*, user: User, platform: Platform) -> frozenset[str]:
    """The permissions a user's current memberships on a platform entitle them to."""
    roles = (
        Membership.objects.current()
        .filter(user=user, platform=platform)
        .values_list("role", flat=True)
    )
    return frozenset().union(*(ROLE_PERMISSIONS[r] for r in roles))


def granted_platform_permissions(*, user: User, platform: Platform) -> frozenset[str]:
    from platforms.models import PlatformUserObjectPermission

    return frozenset(
        PlatformUserObjectPermission.objects.filter(user=user, content_object=platform).values_list(
            "permission__codename", flat=True
        )
    )


def platform_roles_sync(*, user: User, platform: Platform) -> None:
    """Make the stored grants of a user on a platform equal what their memberships entitle."""
    wanted = platform_permissions_for(user=user, platform=platform)
    granted = granted_platform_permissions(user=user, platform=platform)
    for codename in wanted - granted:
        assign_perm(f"platforms.{codename}", user, platform)
    for codename in (granted - wanted) & ALL_PLATFORM_PERMISSIONS:
        remove_perm(f"platforms.{codename}", user, platform)


def liaison_roles_sync(*, user: User, unit: PoliceUnit) -> None:
    """Grant the unit's respond permission while the user holds an active post there."""
    holds = LiaisonOfficer.objects.filter(user=user, unit=unit, active=True).exists()
    if holds:
        assign_perm(f"platforms.{RESPOND}", user, unit)
    else:
        remove_perm(f"platforms.{RESPOND}", user, unit)
