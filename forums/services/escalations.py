"""Deciding on a proposal and sending it up: votes, outcomes, escalation, registration, return."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.services import notify
from accounts.text import Message, isolate
from forums import permissions
from forums.models import (
    Escalation,
    Proposal,
    ProposalEvent,
    format_registration_number,
)
from forums.services.common import (
    S,
    _locked,
    _require_state,
    _set_state,
    event_add,
    secretariat_users,
)
from forums.transitions import sources
from platforms.decisions import decision_close, decision_follower, decision_open
from platforms.models import Decision, Matter, Platform


@transaction.atomic
def proposal_open_vote(*, proposal: Proposal, actor: User, closes_at=None) -> Decision:
    """Open an online decision on the proposal under the platform's rule for proposals."""
    proposal = _locked(proposal)
    if not permissions.can_manage_proposal(actor, proposal):
        raise PermissionDenied(_("Only the secretariat opens a decision."))
    _require_state(proposal, "vote")
    if proposal.decision_id and proposal.decision.status == Decision.Status.OPEN:
        raise ValidationError(_("A decision on this proposal is already open."))
    decision = decision_open(
        platform=proposal.platform,
        actor=actor,
        matter=Matter.PROPOSAL,
        title=proposal.title[:200],
        description=proposal.body[:10000],
        closes_at=closes_at,
    )
    proposal.decision = decision
    old = _set_state(proposal, S.ON_AGENDA, fields=["decision"])
    event_add(
        proposal=proposal, kind=ProposalEvent.Kind.VOTE, actor=actor, role="secretariat", old=old
    )
    return decision


@transaction.atomic
def proposal_decide(*, proposal: Proposal, actor: User | None, check: bool = True) -> Proposal:
    """Close the proposal's decision; the outcome moves it to adopted or rejected."""
    proposal = _locked(proposal)
    if check and not permissions.can_manage_proposal(actor, proposal):
        raise PermissionDenied(_("Only the secretariat closes the decision."))
    _require_state(proposal, "decide")
    if proposal.decision_id is None:
        raise ValidationError(_("Open a decision first."))
    decision = proposal.decision
    if decision.status == Decision.Status.OPEN:
        # the follower below moves the proposal, as it does for every other path
        decision_close(decision=decision, actor=actor, check=False)
    else:
        _follow_outcome(proposal, decision, actor)
    proposal.refresh_from_db()
    return proposal


@decision_follower(Matter.PROPOSAL)
def proposal_follow_decision(*, decision: Decision, actor: User | None) -> None:
    """A decision on a proposal closed, from whatever path: move the proposal by its outcome."""
    for pk in decision.proposals.filter(state=S.ON_AGENDA).values_list("pk", flat=True):
        _follow_outcome(_locked(Proposal(pk=pk)), decision, actor)


def _follow_outcome(proposal: Proposal, decision: Decision, actor: User | None) -> None:
    if proposal.state not in sources("decide"):
        return
    role = "secretariat" if actor else "system"
    note = _("yes %(y)d, no %(n)d, abstain %(a)d, objections %(o)d, of %(e)d members") % {
        "y": decision.yes,
        "n": decision.no,
        "a": decision.abstain,
        "o": decision.objections,
        "e": decision.eligible,
    }
    if decision.outcome == Decision.Outcome.NO_QUORUM:
        event_add(
            proposal=proposal,
            kind=ProposalEvent.Kind.DECIDED,
            actor=actor,
            role=role,
            old=proposal.state,
            note=_("No quorum: %(tally)s") % {"tally": note},
        )
        return
    new = S.ADOPTED if decision.outcome == Decision.Outcome.ADOPTED else S.REJECTED
    old = _set_state(proposal, new)
    event_add(
        proposal=proposal,
        kind=ProposalEvent.Kind.DECIDED,
        actor=actor,
        role=role,
        old=old,
        note=note,
    )
    if proposal.author_id:
        notify(
            users=[proposal.author],
            verb="proposal.decided",
            title=Message(
                gettext_lazy("Your proposal was %(state)s"),
                {"state": Proposal.State(proposal.state).label},
            ),
            url=proposal.get_absolute_url(),
        )


@transaction.atomic
def proposal_escalate(*, proposal: Proposal, actor: User, note: str = "") -> Escalation:
    """The secretariat sends an adopted proposal up to the parent platform, with a note."""
    proposal = _locked(proposal)
    if not permissions.can_manage_proposal(actor, proposal):
        raise PermissionDenied(_("Only the secretariat escalates proposals."))
    if proposal.state != S.ADOPTED:
        raise ValidationError(_("Only an adopted proposal can be escalated."))
    upper = proposal.platform.parent
    if upper is None:
        raise ValidationError(_("The national council has no platform above it."))
    try:
        with transaction.atomic():
            escalation = Escalation.objects.create(
                proposal=proposal,
                from_platform=proposal.platform,
                to_platform=upper,
                note=(note or "").strip(),
                escalated_by=actor,
            )
    except IntegrityError as exc:
        raise ValidationError(_("This proposal is already waiting at the upper platform.")) from exc
    old = _set_state(proposal, S.ESCALATED)
    event_add(
        proposal=proposal,
        kind=ProposalEvent.Kind.ESCALATED,
        actor=actor,
        role="secretariat",
        old=old,
        note=escalation.note,
    )
    notify(
        users=list(secretariat_users(upper)),
        verb="proposal.escalated",
        title=Message(
            gettext_lazy("Escalated to %(platform)s: %(title)s"),
            {"platform": isolate(upper.name), "title": isolate(proposal.title)},
        ),
        body=escalation.note,
        url=proposal.get_absolute_url(),
    )
    return escalation


def _pending_escalation(proposal: Proposal, actor: User, platform: Platform) -> Escalation:
    """The escalation waiting at `platform`, checked for the actor; locked for the decision."""
    escalation = (
        Escalation.objects.select_for_update()
        .select_related("to_platform", "from_platform")
        .filter(proposal=proposal, status=Escalation.Status.PENDING)
        .first()
    )
    if escalation is None:
        raise ValidationError(_("This proposal is not waiting for registration."))
    if escalation.to_platform_id != platform.pk:
        raise ValidationError(_("This proposal was escalated to another platform."))
    if not permissions.can_register_escalation(actor, escalation):
        raise PermissionDenied(
            _("Only the secretariat of the upper platform registers or returns it.")
        )
    return escalation


@transaction.atomic
def proposal_register(*, proposal: Proposal, actor: User, platform: Platform) -> Escalation:
    """The upper secretariat registers an escalated proposal under a number per platform and year."""
    proposal = _locked(proposal)
    escalation = _pending_escalation(proposal, actor, platform)
    # the platform row lock serialises numbering; the unique constraint is the backstop
    Platform.objects.select_for_update().get(pk=platform.pk)
    year = timezone.localdate().year
    last = Escalation.objects.filter(to_platform=platform, year=year).aggregate(m=Max("sequence"))[
        "m"
    ]
    escalation.year, escalation.sequence = year, (last or 0) + 1
    escalation.number = format_registration_number(platform, year, escalation.sequence)
    escalation.status = Escalation.Status.REGISTERED
    escalation.registered_by, escalation.decided_at = actor, timezone.now()
    escalation.save()
    proposal.platform = platform
    old = _set_state(proposal, S.REGISTERED, fields=["platform"])
    event_add(
        proposal=proposal,
        kind=ProposalEvent.Kind.REGISTERED,
        actor=actor,
        role="secretariat",
        old=old,
        note=escalation.registration_number,
    )
    notify(
        users=list(secretariat_users(escalation.from_platform))
        + ([proposal.author] if proposal.author else []),
        verb="proposal.registered",
        title=Message(
            gettext_lazy("Registered at %(platform)s under %(number)s"),
            {"platform": isolate(platform.name), "number": escalation.registration_number},
        ),
        url=proposal.get_absolute_url(),
    )
    return escalation


@transaction.atomic
def proposal_return(
    *, proposal: Proposal, actor: User, platform: Platform, reason: str
) -> Escalation:
    """The upper secretariat returns an escalated proposal to the lower platform, with reasons."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reasons for returning it.")})
    proposal = _locked(proposal)
    escalation = _pending_escalation(proposal, actor, platform)
    escalation.status = Escalation.Status.RETURNED
    escalation.return_reason, escalation.decided_at = reason, timezone.now()
    escalation.save(update_fields=["status", "return_reason", "decided_at"])
    old = _set_state(proposal, S.ADOPTED)
    event_add(
        proposal=proposal,
        kind=ProposalEvent.Kind.RETURNED,
        actor=actor,
        role="secretariat",
        old=old,
        note=reason,
        platform=platform,
    )
    notify(
        users=list(secretariat_users(escalation.from_platform))
        + ([proposal.author] if proposal.author else []),
        verb="proposal.returned",
        title=Message(
            gettext_lazy("Returned by %(platform)s: %(title)s"),
            {"platform": isolate(platform.name), "title": isolate(proposal.title)},
        ),
        body=reason,
        url=proposal.get_absolute_url(),
    )
    return escalation
