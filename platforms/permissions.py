"""One check per action, each paired with the queryset it implies.

Views, templates and services all ask these functions; nothing else decides.
"""

from django.db.models import Q, QuerySet

from platforms.models import (
    LiaisonOfficer,
    Membership,
    Platform,
    PlatformUserObjectPermission,
    PoliceUnit,
    PoliceUnitUserObjectPermission,
)
from platforms.roles import ADMINISTER, MODERATE, PARTICIPATE, RESPOND, SECRETARIAT


def _is_sysadmin(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def _has_platform_perm(user, codename: str, platform: Platform) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if _is_sysadmin(user):
        return True
    return PlatformUserObjectPermission.objects.filter(
        user=user, content_object=platform, permission__codename=codename
    ).exists()


def can_view_platform(user, platform: Platform) -> bool:
    """Active and closed platforms are public; a draft only to its initiator and admins."""
    if platform.is_public:
        return True
    if not user.is_authenticated:
        return False
    return (
        platform.created_by_id == user.pk
        or user.is_staff
        or _has_platform_perm(user, ADMINISTER, platform)
    )


def platforms_visible_to(user) -> QuerySet[Platform]:
    qs = Platform.objects.all()
    if user.is_authenticated and user.is_staff:
        return qs
    public = Q(status__in=Platform.PUBLIC_STATUSES)
    if user.is_authenticated:
        return qs.filter(public | Q(created_by=user))
    return qs.filter(public)


def can_participate(user, platform: Platform) -> bool:
    """Members take part: submit proposals, vote, join thematic groups."""
    return platform.is_public and _has_platform_perm(user, PARTICIPATE, platform)


def can_act_as_secretariat(user, platform: Platform) -> bool:
    """Secretariat powers hold only within the term of a current secretariat membership."""
    if _is_sysadmin(user):
        return True
    return _has_platform_perm(user, SECRETARIAT, platform) and (
        Membership.objects.current()
        .filter(user=user, platform=platform, role="secretariat")
        .exists()
    )


def can_moderate(user, platform: Platform) -> bool:
    return _has_platform_perm(user, MODERATE, platform) or can_act_as_secretariat(user, platform)


def can_manage_memberships(user, platform: Platform) -> bool:
    """Platform admins (and system administrators) manage memberships and roles."""
    return _has_platform_perm(user, ADMINISTER, platform)


def can_start_forum(user) -> bool:
    """Any signed-in citizen with a verified e-mail may start a community forum registration."""
    if not user.is_authenticated or not user.is_active:
        return False
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, verified=True).exists()


def can_request_membership(user, platform: Platform) -> bool:
    """A signed-in user may ask to join an active platform they are not already in."""
    if not user.is_authenticated or platform.status != Platform.Status.ACTIVE:
        return False
    return not Membership.objects.filter(
        user=user,
        platform=platform,
        status__in=[Membership.Status.REQUESTED, Membership.Status.ACTIVE],
    ).exists()


def can_respond_for_unit(user, unit: PoliceUnit) -> bool:
    """A liaison officer answers for their unit and, for higher units, for the units below."""
    if not user.is_authenticated or not user.is_active:
        return False
    if _is_sysadmin(user):
        return True
    return PoliceUnitUserObjectPermission.objects.filter(
        user=user,
        permission__codename=RESPOND,
        content_object_id__in=[*unit.ancestor_ids(), unit.pk],
    ).exists()


def units_user_responds_for(user) -> QuerySet[PoliceUnit]:
    """Every unit the user may answer for: their units and the subtrees below them."""
    if not user.is_authenticated:
        return PoliceUnit.objects.none()
    if _is_sysadmin(user):
        return PoliceUnit.objects.all()
    paths = list(
        PoliceUnit.objects.filter(
            policeunituserobjectpermission__user=user,
            policeunituserobjectpermission__permission__codename=RESPOND,
        ).values_list("path", flat=True)
    )
    if not paths:
        return PoliceUnit.objects.none()
    cond = Q()
    for path in paths:
        cond |= Q(path__startswith=path)
    return PoliceUnit.objects.filter(cond)


def is_liaison_officer(user) -> bool:
    return user.is_authenticated and LiaisonOfficer.objects.filter(user=user, active=True).exists()
