"""One check per action on proposals, responses, comments and meetings."""

from django.db.models import Q, QuerySet

from forums.models import Escalation, Proposal
from platforms import permissions as platform_perms
from platforms.access import Access
from platforms.models import Platform, PoliceUnit
from platforms.selectors import lsg_people


def can_view_proposal(user, proposal: Proposal) -> bool:
    """Submitted proposals are public; a draft only to its author; one awaiting screening (or
    screened out) to its author and the secretariat that screens it."""
    if proposal.state not in Proposal.PRIVATE_STATES:
        return True
    if not user.is_authenticated:
        return False
    if proposal.author_id == user.pk:
        return True
    return proposal.state != Proposal.State.DRAFT and can_manage_proposal(user, proposal)


def can_create_proposal(user, platform: Platform) -> bool:
    """Members submit proposals on their platform."""
    return platform_perms.can_participate(user, platform)


def takes_problems(platform: Platform) -> bool:
    """Active community forums take problems from residents who are not members."""
    return platform.level == Platform.Level.COMMUNITY and platform.status == Platform.Status.ACTIVE


def can_raise_problem(user, platform: Platform) -> bool:
    """Any signed-in person with a verified e-mail raises a problem with an active community
    forum; unless a member, it waits for the secretariat's screening before it is public."""
    if not user.is_authenticated or not user.is_active or not takes_problems(platform):
        return False
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, verified=True).exists()


def can_record_proposal(user, platform: Platform) -> bool:
    """The secretariat records proposals made on paper or aloud, for a citizen."""
    return platform.is_public and platform_perms.can_act_as_secretariat(user, platform)


def can_edit_draft(user, proposal: Proposal) -> bool:
    return (
        user.is_authenticated
        and proposal.author_id == user.pk
        and proposal.state == Proposal.State.DRAFT
    )


def can_manage_proposal(user, proposal: Proposal) -> bool:
    """The secretariat of the platform where the proposal now sits moves it on."""
    return platform_perms.can_act_as_secretariat(user, proposal.platform)


def can_register_escalation(user, escalation: Escalation) -> bool:
    """Only the secretariat of the platform it was escalated to registers or returns it."""
    return platform_perms.can_act_as_secretariat(user, escalation.to_platform)


def can_see_author(user, proposal: Proposal) -> bool:
    """A protected author's name stays with the secretariat of the forum where it was raised.

    Not the police, not the public, and not the secretariats of the councils it escalates to.
    """
    if not proposal.protect_author:
        return True
    if not user.is_authenticated:
        return False
    if proposal.author_id == user.pk:
        return True
    return platform_perms.can_act_as_secretariat(user, proposal.origin)


def can_respond_police(user, proposal: Proposal) -> bool:
    """A liaison officer of the addressed unit, or of a unit above it, answers."""
    if proposal.police_unit_id is None or proposal.state == Proposal.State.DRAFT:
        return False
    return platform_perms.can_respond_for_unit(user, proposal.police_unit)


def lsg_responders(proposal: Proposal) -> QuerySet:
    """Local self-government members of the addressed territory (and its district council)."""
    from accounts.models import User

    if proposal.lsg_territory_id is None:
        return User.objects.none()
    return lsg_people(proposal.lsg_territory)


def can_respond_lsg(user, proposal: Proposal) -> bool:
    if not user.is_authenticated or proposal.state == Proposal.State.DRAFT:
        return False
    if not Access.of(user).has_lsg_membership():  # the snapshot: no query for non-officials
        return False
    return lsg_responders(proposal).filter(pk=user.pk).exists()


def can_assign(user, proposal: Proposal) -> bool:
    """The head of the addressed unit, or of a unit above it, assigns a liaison officer."""
    if not user.is_authenticated or proposal.police_unit_id is None:
        return False
    return Access.of(user).heads(proposal.police_unit)


def can_comment(user, proposal: Proposal) -> bool:
    """Members of the platforms the proposal belongs to comment on it."""
    if proposal.state == Proposal.State.DRAFT:
        return False
    return platform_perms.can_participate(user, proposal.platform) or (
        proposal.origin_id != proposal.platform_id
        and platform_perms.can_participate(user, proposal.origin)
    )


def can_moderate_comments(user, proposal: Proposal) -> bool:
    return platform_perms.can_moderate(user, proposal.platform)


def can_support(user, proposal: Proposal) -> bool:
    """Any registered citizen supports a public, open proposal."""
    return user.is_authenticated and proposal.state not in Proposal.INACTIVE_STATES


def can_withdraw(user, proposal: Proposal) -> bool:
    return (
        user.is_authenticated
        and proposal.author_id == user.pk
        and proposal.state not in Proposal.FINAL_STATES
    )


def can_manage_meetings(user, platform: Platform) -> bool:
    return platform_perms.can_act_as_secretariat(user, platform)


def attendance_candidates(platform: Platform) -> QuerySet:
    """Who may be recorded present at the platform's meetings: its current members. The same
    queryset validates the ticked boxes and answers the secretariat's search for a name."""
    from accounts.models import User
    from platforms.models import Membership

    return User.objects.filter(
        pk__in=Membership.objects.current().filter(platform=platform).values("user_id")
    )


def liaison_queue(user) -> QuerySet[Proposal]:
    """Open proposals addressed to the units the user answers for.

    The units are read once here (a handful of ids): the dashboard's page and its four
    counters then each plan against constants instead of repeating the path search."""
    units = list(platform_perms.units_user_responds_for(user).values_list("pk", flat=True))
    return (
        Proposal.objects.public()
        .filter(police_unit__in=units)
        .exclude(state__in=Proposal.FINAL_STATES)
    )


def assignable_officers(unit: PoliceUnit) -> QuerySet:
    from accounts.models import User

    return User.objects.filter(
        liaison_posts__active=True,
        liaison_posts__unit__in=PoliceUnit.objects.below(unit),
    ).distinct()


def proposal_actions(user, proposal: Proposal, pending: Escalation | None = None) -> set[str]:
    """The transitions of forums.transitions.PROPOSAL this user may take on it now."""
    from forums.transitions import PROPOSAL

    if not user.is_authenticated:
        return set()
    secretariat = can_manage_proposal(user, proposal)
    author = proposal.author_id == user.pk
    who = {
        "author": author,
        "secretariat": secretariat,
        "author_or_secretariat": author or secretariat,
        "upper_secretariat": pending is not None and can_register_escalation(user, pending),
    }
    allowed = {a for a, t in PROPOSAL.items() if proposal.state in t.sources and who[t.who]}
    decision_open = proposal.decision_id is not None and proposal.decision.status == "open"
    if proposal.decision_id is None:
        allowed.discard("decide")
    if decision_open:
        allowed.discard("vote")
    if not proposal.platform.parent_id:
        allowed.discard("escalate")
    return allowed


def template_units(user) -> QuerySet[PoliceUnit]:
    """Units whose answer templates the user manages: the units they head and those below."""
    heads = [p.unit_path for p in Access.of(user).posts if p.position == "head"]
    cond = Q(pk__in=[])
    for path in heads:
        cond |= Q(path__startswith=path)
    return PoliceUnit.objects.filter(cond)


def can_manage_templates(user, unit: PoliceUnit) -> bool:
    """The head of the unit, or of a unit above it, writes its answer templates."""
    return Access.of(user).heads(unit)
