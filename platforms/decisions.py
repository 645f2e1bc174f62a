"""Decisions of a platform under its decision rules: open, vote, close with a recorded tally."""

import math
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.services import notify
from accounts.text import Message
from platforms import permissions
from platforms.models import (
    Decision,
    DecisionRule,
    Matter,
    Membership,
    Platform,
    PlatformEvent,
    Role,
    RuleKind,
    Vote,
)
from platforms.services import event_record, membership_grant


def rule_for(platform: Platform, matter: str) -> tuple[str, int, int]:
    """(rule kind, quorum %, threshold %) that the platform applies to this matter."""
    rule = DecisionRule.objects.filter(platform=platform, matter=matter).first()
    if rule is not None:
        return rule.kind, rule.quorum_percent, rule.threshold_percent
    return DecisionRule.DEFAULTS[matter]


def decision_outcome(
    *,
    kind: str,
    quorum_percent: int,
    threshold_percent: int,
    eligible: int,
    yes: int,
    no: int,
    abstain: int,
    objections: int,
) -> str:
    """The outcome of a tally under a rule; ties are rejections, abstentions do not count.

    simple: more yes than no; qualified: yes reach threshold % of yes+no;
    consensus: at least one yes and not a single objection. Every rule needs the quorum:
    at least quorum % of eligible members voted (any choice).
    """
    cast = yes + no + abstain + objections
    needed = math.ceil(eligible * quorum_percent / 100) if eligible else 1
    if cast < max(needed, 1):
        return Decision.Outcome.NO_QUORUM
    if kind == RuleKind.CONSENSUS:
        adopted = objections == 0 and yes > 0
    elif kind == RuleKind.QUALIFIED:
        decisive = yes + no + objections
        adopted = decisive > 0 and yes * 100 >= threshold_percent * decisive
    else:
        adopted = yes > no + objections
    return Decision.Outcome.ADOPTED if adopted else Decision.Outcome.REJECTED


def eligible_voters(platform: Platform):
    return Membership.objects.current().filter(platform=platform).values("user").distinct()


@transaction.atomic
def decision_open(
    *,
    platform: Platform,
    actor: User,
    matter: str,
    title: str,
    description: str = "",
    closes_at=None,
    candidate: Membership | None = None,
    term_start: date | None = None,
    term_end: date | None = None,
) -> Decision:
    """Open a decision; the rule in force for the matter is copied onto it."""
    if not permissions.can_open_decision(actor, platform, matter):
        raise PermissionDenied(_("Only the secretariat opens decisions on this platform."))
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("Give the decision a title.")
    if closes_at is not None and closes_at <= timezone.now():
        errors["closes_at"] = _("The closing time must be in the future.")
    if matter == Matter.SECRETARIAT:
        # a candidate whose term is over is no longer a member, even before the daily task
        if (
            candidate is None
            or not Membership.objects.current().filter(pk=candidate.pk, platform=platform).exists()
        ):
            errors["candidate"] = _("Choose a current member as the candidate.")
        if not term_start or not term_end or term_end < term_start:
            errors["term_end"] = _("The secretariat serves a term: give its start and end.")
    if errors:
        raise ValidationError(errors)
    kind, quorum, threshold = rule_for(platform, matter)
    decision = Decision.objects.create(
        platform=platform,
        matter=matter,
        title=title.strip(),
        description=(description or "").strip(),
        rule_kind=kind,
        quorum_percent=quorum,
        threshold_percent=threshold,
        candidate=candidate,
        term_start=term_start,
        term_end=term_end,
        opened_by=actor,
        closes_at=closes_at,
    )
    event_record(
        platform=platform,
        kind=PlatformEvent.Kind.DECISION,
        actor=actor,
        new="open",
        reason=decision.title,
    )
    voters = User.objects.filter(pk__in=eligible_voters(platform)).exclude(pk=actor.pk)
    notify(
        users=list(voters),
        verb="decision.opened",
        title=Message(gettext_lazy("Vote: %(title)s"), {"title": decision.title}),
        body=decision.description,
        url=decision.get_absolute_url(),
    )
    return decision


@transaction.atomic
def vote_cast(*, decision: Decision, user: User, choice: str, reason: str = "") -> Vote:
    """Cast or change a vote while the decision is open; an objection needs a reason."""
    decision = Decision.objects.select_for_update().select_related("platform").get(pk=decision.pk)
    if not decision.is_open:
        raise ValidationError(_("Voting on this decision has closed."))
    if not permissions.can_vote(user, decision):
        raise PermissionDenied(_("Only current members of this platform vote."))
    if choice not in Vote.Choice.values:
        raise ValidationError({"choice": _("Choose yes, no, abstain or object.")})
    reason = (reason or "").strip()
    if choice == Vote.Choice.OBJECT and not reason:
        raise ValidationError({"reason": _("An objection needs a reason.")})
    vote = Vote.objects.filter(decision=decision, user=user).first()
    if vote is None:
        try:
            with transaction.atomic():
                return Vote.objects.create(
                    decision=decision, user=user, choice=choice, reason=reason
                )
        except IntegrityError as exc:  # a concurrent first vote of the same member
            raise ValidationError(_("Your vote was already recorded.")) from exc
    vote.choice, vote.reason, vote.changed_at = choice, reason, timezone.now()
    vote.save(update_fields=["choice", "reason", "changed_at"])
    return vote


def decision_tally(decision: Decision) -> dict[str, int]:
    """Vote counts per choice, in one aggregate query."""
    return decision.votes.aggregate(
        yes=Count("pk", filter=Q(choice=Vote.Choice.YES)),
        no=Count("pk", filter=Q(choice=Vote.Choice.NO)),
        abstain=Count("pk", filter=Q(choice=Vote.Choice.ABSTAIN)),
        objections=Count("pk", filter=Q(choice=Vote.Choice.OBJECT)),
    )


# What waits on a decision of each matter, registered by the layer that owns it (forums moves
# its proposal, reporting adopts its plan): platforms cannot import them, and whatever path
# closes a decision (its page, the proposal page, the timed task) must move what waits on it.
DECISION_FOLLOWERS: dict[str, list] = {}


def decision_follower(matter: str):
    """Register `fn(decision=, actor=)`, called in the closing transaction of every decision."""

    def register(fn):
        followers = DECISION_FOLLOWERS.setdefault(matter, [])
        if fn not in followers:
            followers.append(fn)
        return fn

    return register


@transaction.atomic
def decision_close(*, decision: Decision, actor: User | None, check: bool = True) -> Decision:
    """Close the vote, compute the outcome under the rule and record the tally."""
    decision = Decision.objects.select_for_update().select_related("platform").get(pk=decision.pk)
    if check and not permissions.can_close_decision(actor, decision):
        raise PermissionDenied(_("Only the secretariat or the opener closes a decision."))
    if decision.status == Decision.Status.CLOSED:
        raise ValidationError(_("This decision is already closed."))
    tally = decision_tally(decision)
    decision.eligible = eligible_voters(decision.platform).count()
    decision.yes, decision.no = tally["yes"], tally["no"]
    decision.abstain, decision.objections = tally["abstain"], tally["objections"]
    decision.outcome = decision_outcome(
        kind=decision.rule_kind,
        quorum_percent=decision.quorum_percent,
        threshold_percent=decision.threshold_percent,
        eligible=decision.eligible,
        **tally,
    )
    decision.status = Decision.Status.CLOSED
    decision.closed_at = timezone.now()
    decision.save()
    event_record(
        platform=decision.platform,
        kind=PlatformEvent.Kind.DECISION,
        actor=actor,
        old="open",
        new=decision.outcome,
        reason=decision.title,
    )
    if decision.matter == Matter.SECRETARIAT and decision.outcome == Decision.Outcome.ADOPTED:
        candidate = decision.candidate
        membership_grant(
            platform=decision.platform,
            user=candidate.user,
            party=candidate.party,
            role=Role.SECRETARIAT,
            actor=actor,
            term_start=decision.term_start,
            term_end=decision.term_end,
            organisation=candidate.organisation,
            check=False,
        )
    for follower in DECISION_FOLLOWERS.get(decision.matter, ()):
        follower(decision=decision, actor=actor)
    return decision


def decisions_close_due(*, now=None) -> int:
    """Close every open decision whose closing time has passed (Celery beat)."""
    now = now or timezone.now()
    count = 0
    for decision in Decision.objects.filter(status=Decision.Status.OPEN, closes_at__lte=now):
        decision_close(decision=decision, actor=None, check=False)
        count += 1
    return count


@transaction.atomic
def decision_rule_set(
    *,
    platform: Platform,
    actor: User,
    matter: str,
    kind: str,
    quorum_percent: int,
    threshold_percent: int,
) -> DecisionRule:
    """Set which rule the platform applies to a matter (platform admin or secretariat)."""
    if not permissions.can_set_rules(actor, platform):
        raise PermissionDenied(_("Only the platform admin or the secretariat sets decision rules."))
    rule, _created = DecisionRule.objects.get_or_create(
        platform=platform,
        matter=matter,
        defaults={
            "kind": kind,
            "quorum_percent": quorum_percent,
            "threshold_percent": threshold_percent,
        },
    )
    old = rule.kind
    rule.kind, rule.quorum_percent, rule.threshold_percent = kind, quorum_percent, threshold_percent
    rule.full_clean()
    rule.save()
    event_record(
        platform=platform,
        kind=PlatformEvent.Kind.DECISION,
        actor=actor,
        old=old,
        new=kind,
        reason=f"rule for {matter}: quorum {quorum_percent}%, majority {threshold_percent}%",
    )
    return rule
