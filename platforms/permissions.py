"""One check per action, each paired with the queryset it implies.

Views, templates and services all ask these functions; nothing else decides.
"""

from django.db.models import Q, QuerySet

from platforms.access import Access
from platforms.models import (
    Decision,
    ForumAcknowledgement,
    Matter,
    Membership,
    Party,
    Platform,
    PlatformContact,
    PoliceUnit,
    Role,
)
from platforms.roles import (
    ADMINISTER,
    MODERATE,
    PARTICIPATE,
    ROLE_PERMISSIONS,
    SECRETARIAT,
)


def _is_sysadmin(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def _roles_granting(codename: str) -> frozenset[str]:
    return frozenset(role for role, codenames in ROLE_PERMISSIONS.items() if codename in codenames)


def _has_platform_perm(user, codename: str, platform: Platform | int) -> bool:
    """A current membership whose role carries the permission (system administrators: all).

    Read from the request's access snapshot: no query once it is loaded, however many checks.
    """
    access = Access.of(user)
    if not access.signed_in:
        return False
    if access.is_sysadmin:
        return True
    return bool(access.roles_on(platform) & _roles_granting(codename))


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
        or platform.contacts.filter(user=user).exists()
        or (
            platform.status == Platform.Status.SUBMITTED
            and bool(acknowledging_party(user, platform))
        )
        # an official who answered (a return included) keeps seeing what they answered
        or platform.acknowledgements.filter(user=user).exists()
    )


def platforms_visible_to(user) -> QuerySet[Platform]:
    """The platforms can_view_platform lets the user see, as one queryset."""
    qs = Platform.objects.all()
    public = Q(status__in=Platform.PUBLIC_STATUSES)
    if not user.is_authenticated:
        return qs.filter(public)
    if user.is_staff or _is_sysadmin(user):
        return qs
    access = Access.of(user)
    administered = [h.platform_id for h in access.current() if h.role == Role.ADMIN]
    answering: list[int] = []
    if access.has_lsg_membership() or access.posts:
        # only officials answer registrations: few submitted forums, checked one by one
        submitted = qs.filter(
            status=Platform.Status.SUBMITTED, level=Platform.Level.COMMUNITY
        ).select_related("territory")
        answering = [p.pk for p in submitted if acknowledging_party(user, p)]
    mine = Q(created_by=user) | Q(pk__in=administered + answering)
    contact_of = Q(pk__in=PlatformContact.objects.filter(user=user).values("platform_id"))
    answered = Q(pk__in=ForumAcknowledgement.objects.filter(user=user).values("platform_id"))
    return qs.filter(public | mine | contact_of | answered)


def can_participate(user, platform: Platform) -> bool:
    """Current members take part: submit proposals, vote, join thematic groups."""
    return platform.is_public and _has_platform_perm(user, PARTICIPATE, platform)


def can_act_as_secretariat(user, platform: Platform | int) -> bool:
    """Secretariat powers hold only within the term of a current secretariat membership."""
    return _has_platform_perm(user, SECRETARIAT, platform)


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
    return not Access.of(user).has_open_membership(platform)


def can_respond_for_unit(user, unit: PoliceUnit) -> bool:
    """A liaison officer answers for their unit and, for higher units, for the units below."""
    access = Access.of(user)
    if not access.signed_in:
        return False
    return access.is_sysadmin or access.answers_for(unit)


def units_user_responds_for(user) -> QuerySet[PoliceUnit]:
    """Every unit the user may answer for: their units and the subtrees below them."""
    access = Access.of(user)
    if not access.signed_in:
        return PoliceUnit.objects.none()
    if access.is_sysadmin:
        return PoliceUnit.objects.all()
    if not access.posts:
        return PoliceUnit.objects.none()
    cond = Q()
    for post in access.posts:
        cond |= Q(path__startswith=post.unit_path)
    return PoliceUnit.objects.filter(cond)


def is_liaison_officer(user) -> bool:
    """Holds an active liaison post (the header's dashboard link)."""
    return bool(Access.of(user).posts)


def can_edit_registration(user, platform: Platform) -> bool:
    """The initiator edits a draft or returned registration."""
    return (
        user.is_authenticated
        and platform.created_by_id == user.pk
        and platform.status in (Platform.Status.DRAFT, Platform.Status.RETURNED)
    )


def can_answer_invitation(user, contact: PlatformContact) -> bool:
    """The holder of the invited address answers: one of their verified e-mails matches it."""
    if not user.is_authenticated or not user.is_active or not contact.email:
        return False
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(
        user=user, email__iexact=contact.email, verified=True
    ).exists()


def acknowledging_party(user, platform: Platform) -> str | None:
    """The party (LSG or police) for which the user answers this forum's registration, if any."""
    from platforms import selectors

    if not user.is_authenticated or platform.level != Platform.Level.COMMUNITY:
        return None
    access = Access.of(user)
    # the snapshot says whether the user is an official at all; only then is the territory asked
    if access.has_lsg_membership() and (
        selectors.forum_lsg_contacts(platform).filter(pk=user.pk).exists()
    ):
        return Party.LSG
    if access.posts and selectors.forum_police_contacts(platform).filter(pk=user.pk).exists():
        return Party.POLICE
    return None


def can_decide_membership(user, platform: Platform) -> bool:
    """The secretariat or a platform admin approves or refuses join requests."""
    return can_act_as_secretariat(user, platform) or can_manage_memberships(user, platform)


def has_secretariat(platform: Platform) -> bool:
    return Membership.objects.current().filter(platform=platform, role=Role.SECRETARIAT).exists()


def can_open_decision(user, platform: Platform, matter: str) -> bool:
    """The secretariat opens decisions; while a platform has none, members may choose one."""
    if can_act_as_secretariat(user, platform):
        return True
    return (
        matter == Matter.SECRETARIAT
        and can_participate(user, platform)
        and not has_secretariat(platform)
    )


def can_close_decision(user, decision: Decision) -> bool:
    return decision.opened_by_id == user.pk or can_act_as_secretariat(user, decision.platform)


def can_vote(user, decision: Decision) -> bool:
    """Current members vote while the decision is open."""
    return decision.is_open and can_participate(user, decision.platform)


def can_name_delegate(user, platform: Platform) -> bool:
    """The secretariat of a platform with a parent names its delegates upward."""
    return platform.parent_id is not None and can_act_as_secretariat(user, platform)


def can_manage_groups(user, platform: Platform) -> bool:
    return can_act_as_secretariat(user, platform) or can_manage_memberships(user, platform)


def can_end_membership(user, membership: Membership) -> bool:
    """The member leaves; a platform admin ends; a lower secretariat recalls its delegate."""
    if not user.is_authenticated:
        return False
    if membership.user_id == user.pk or can_manage_memberships(user, membership.platform):
        return True
    return membership.delegated_from_id is not None and can_act_as_secretariat(
        user, membership.delegated_from_id
    )


def can_set_rules(user, platform: Platform) -> bool:
    return can_manage_memberships(user, platform) or can_act_as_secretariat(user, platform)
