"""One check per action on problems, the library and exchanges, with the querysets they imply."""

from django.db.models import QuerySet

from forums.problems.models import (
    Exchange,
    ExchangeInvitation,
    Practice,
    Problem,
    Stage,
)
from platforms import permissions as platform_perms
from platforms.models import Membership, Platform
from platforms.roles import PARTICIPATE, ROLE_PERMISSIONS


def can_view_problem(user, problem: Problem) -> bool:
    """Problem records are public like the platform they belong to (they hold no personal data)."""
    return platform_perms.can_view_platform(user, problem.platform)


def can_record_problem(user, platform: Platform) -> bool:
    """Members of an active platform record problems on it."""
    return platform_perms.can_participate(user, platform)


def can_work_on_problem(user, problem: Problem) -> bool:
    """Members of the problem's own platform fill in its stages while it is open."""
    return problem.stage != Stage.CLOSED and platform_perms.can_participate(user, problem.platform)


def can_take_transition(user, problem: Problem, transition) -> bool:
    """The transition table names who moves a stage: members, or the secretariat to close."""
    if problem.stage != transition.source:
        return False
    if transition.who == "secretariat":
        return platform_perms.can_act_as_secretariat(user, problem.platform)
    return can_work_on_problem(user, problem)


def can_publish_practice(user, problem: Problem) -> bool:
    """The secretariat publishes a closed problem of its platform as a case study, once."""
    return (
        problem.stage == Stage.CLOSED
        and not has_practice(problem)
        and platform_perms.can_act_as_secretariat(user, problem.platform)
    )


def has_practice(problem: Problem) -> bool:
    try:
        return problem.practice is not None
    except Practice.DoesNotExist:
        return False


def member_platform_ids(user) -> list[int]:
    """The platforms where the user currently takes part (one query)."""
    if not user.is_authenticated:
        return []
    roles = [role for role, perms in ROLE_PERMISSIONS.items() if PARTICIPATE in perms]
    return list(
        Membership.objects.current()
        .filter(user=user, role__in=roles, platform__status=Platform.Status.ACTIVE)
        .values_list("platform_id", flat=True)
    )


def problems_to_link(user, practice: Practice) -> QuerySet[Problem]:
    """The open problems of the user's other forums that could say "we are trying this"."""
    ids = member_platform_ids(user)
    return (
        Problem.objects.filter(platform_id__in=ids)
        .exclude(stage=Stage.CLOSED)
        .exclude(platform_id=practice.platform_id)
        .exclude(adoptions__practice=practice)
        .select_related("platform")
    )


def can_adopt_practice(user, practice: Practice, problem: Problem) -> bool:
    """Members link an open problem of their forum to another forum's practice."""
    return problem.platform_id != practice.platform_id and can_work_on_problem(user, problem)


def reviewing_platform(user, problem: Problem) -> Platform | None:
    """The nearest council above the problem's forum where the user acts as the secretariat."""
    if not user.is_authenticated:
        return None
    ancestors = Platform.objects.filter(pk__in=problem.platform.ancestor_ids()).order_by("-path")
    for platform in ancestors:
        if platform_perms.can_act_as_secretariat(user, platform):
            return platform
    return None


def can_review_problem(user, problem: Problem) -> bool:
    """A council's secretariat reviews the problem records of forums below it."""
    return problem.stage != Stage.SCANNING and reviewing_platform(user, problem) is not None


def can_propose_exchange(user, platform: Platform) -> bool:
    """The secretariat of an active platform invites other forums to an exchange."""
    return platform.is_public and platform_perms.can_act_as_secretariat(user, platform)


def can_answer_invitation(user, invitation: ExchangeInvitation) -> bool:
    """The invited forum's secretariat accepts or declines, until the outcome is published."""
    return invitation.exchange.outcome_published_at is None and (
        platform_perms.can_act_as_secretariat(user, invitation.platform)
    )


def can_publish_outcome(user, exchange: Exchange) -> bool:
    """The host's secretariat publishes the outcome, once."""
    return exchange.outcome_published_at is None and platform_perms.can_act_as_secretariat(
        user, exchange.host
    )
