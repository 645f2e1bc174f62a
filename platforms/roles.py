"""The one writer of object permissions: guardian's tables are a cache of roles.

Memberships and liaison posts are the truth. `roles_sync` makes one user's cached grants on
one platform or police unit equal what their current memberships or active posts entitle them
to; every role service calls it after its change. `roles_rebuild` recomputes the whole cache
(the daily term check runs it, so terms that start or end by the calendar are followed).
Nothing else assigns or removes a grant, and guardian's own admin pages are not installed.
"""

from django.contrib.auth.models import Permission
from django.db import transaction

from accounts.models import User
from platforms.models import (
    LiaisonOfficer,
    Membership,
    Platform,
    PlatformUserObjectPermission,
    PoliceUnit,
    PoliceUnitUserObjectPermission,
    Role,
)

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

# (user id, object id, codename)
Grant = tuple[int, int, str]


def _permission_ids(codenames) -> dict[str, int]:
    return dict(
        Permission.objects.filter(
            content_type__app_label="platforms", codename__in=list(codenames)
        ).values_list("codename", "pk")
    )


def expected_platform_grants(**filters) -> set[Grant]:
    """What current memberships entitle to, as (user, platform, codename)."""
    rows = (
        Membership.objects.current().filter(**filters).values_list("user_id", "platform_id", "role")
    )
    return {(u, p, c) for u, p, role in rows for c in ROLE_PERMISSIONS[role]}


def cached_platform_grants(**filters) -> set[Grant]:
    """What guardian's platform table holds, as (user, platform, codename)."""
    return set(
        PlatformUserObjectPermission.objects.filter(**filters).values_list(
            "user_id", "content_object_id", "permission__codename"
        )
    )


def expected_unit_grants(**filters) -> set[Grant]:
    """What active liaison posts entitle to, as (user, unit, codename)."""
    rows = LiaisonOfficer.objects.filter(active=True, **filters).values_list("user_id", "unit_id")
    return {(u, unit, RESPOND) for u, unit in rows}


def cached_unit_grants(**filters) -> set[Grant]:
    return set(
        PoliceUnitUserObjectPermission.objects.filter(**filters).values_list(
            "user_id", "content_object_id", "permission__codename"
        )
    )


def _apply(model, *, wanted: set[Grant], cached: set[Grant]) -> tuple[int, int]:
    """Write the difference: add missing grants, delete the ones no role entitles to."""
    missing, stale = wanted - cached, cached - wanted
    if missing:
        ids = _permission_ids({c for _u, _o, c in missing})
        model.objects.bulk_create(
            [model(user_id=u, content_object_id=o, permission_id=ids[c]) for u, o, c in missing],
            ignore_conflicts=True,
        )
    for u, o, c in stale:
        model.objects.filter(user_id=u, content_object_id=o, permission__codename=c).delete()
    return len(missing), len(stale)


@transaction.atomic
def roles_sync(
    *, user: User, platform: Platform | None = None, unit: PoliceUnit | None = None
) -> None:
    """Make the cached grants of one user on one platform (or unit) equal their roles there."""
    from platforms.access import roles_changed

    if platform is not None:
        scope = {"user_id": user.pk, "platform_id": platform.pk}
        _apply(
            PlatformUserObjectPermission,
            wanted=expected_platform_grants(**scope),
            cached=cached_platform_grants(user_id=user.pk, content_object_id=platform.pk),
        )
    if unit is not None:
        _apply(
            PoliceUnitUserObjectPermission,
            wanted=expected_unit_grants(user_id=user.pk, unit_id=unit.pk),
            cached=cached_unit_grants(user_id=user.pk, content_object_id=unit.pk),
        )
    roles_changed()


@transaction.atomic
def roles_rebuild() -> dict[str, int]:
    """Recompute the whole cache from memberships and posts; returns what changed."""
    from platforms.access import roles_changed

    added, removed = _apply(
        PlatformUserObjectPermission,
        wanted=expected_platform_grants(),
        cached=cached_platform_grants(),
    )
    u_added, u_removed = _apply(
        PoliceUnitUserObjectPermission, wanted=expected_unit_grants(), cached=cached_unit_grants()
    )
    roles_changed()
    return {"added": added + u_added, "removed": removed + u_removed}


def granted_platform_permissions(*, user: User, platform: Platform) -> frozenset[str]:
    """The codenames cached for a user on a platform (for tests and the admin)."""
    return frozenset(
        c for _u, _p, c in cached_platform_grants(user_id=user.pk, content_object_id=platform.pk)
    )
