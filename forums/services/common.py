"""What every proposal service shares: the transition table, the row lock, the timeline."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import User
from forums.models import (
    Proposal,
    ProposalEvent,
)
from forums.transitions import PROPOSAL
from platforms.models import Membership, Platform, Role

S = Proposal.State

# Which states each manual transition starts from: read from the one table in forums.transitions.
TRANSITIONS = {action: t.sources for action, t in PROPOSAL.items()} | {
    "close": PROPOSAL["resolve"].sources
}


def _locked(proposal: Proposal) -> Proposal:
    """The proposal, row-locked and re-read.

    The lock is taken without joins: PostgreSQL re-checks a locked row's join conditions after a
    concurrent update, so a join on `platform` would drop a row whose platform just changed (a
    double click on "Register" raised DoesNotExist).
    """
    Proposal.objects.select_for_update().filter(pk=proposal.pk).values_list("pk").get()
    return Proposal.objects.select_related("platform", "origin").get(pk=proposal.pk)


def _require_state(proposal: Proposal, action: str) -> None:
    if proposal.state not in TRANSITIONS[action]:
        raise ValidationError(
            _("Not possible while the proposal is %(state)s.")
            % {"state": proposal.get_state_display()}
        )


def event_add(
    *,
    proposal: Proposal,
    kind: str,
    actor: User | None,
    role: str,
    old: str = "",
    note: str = "",
    platform: Platform | None = None,
) -> ProposalEvent:
    return ProposalEvent.objects.create(
        proposal=proposal,
        kind=kind,
        old_state=old,
        new_state=proposal.state,
        platform=platform or proposal.platform,
        actor=actor,
        actor_role=role,
        note=note,
    )


def _set_state(proposal: Proposal, new: str, *, fields=()) -> str:
    old = proposal.state
    proposal.state = new
    proposal.save(update_fields=["state", *fields])
    return old


def secretariat_users(platform: Platform):
    return User.objects.filter(
        memberships__in=Membership.objects.current().filter(
            platform=platform, role=Role.SECRETARIAT
        )
    ).distinct()


def unit_officers(proposal: Proposal):
    if proposal.police_unit_id is None:
        return User.objects.none()
    unit = proposal.police_unit
    return User.objects.filter(
        liaison_posts__active=True, liaison_posts__unit_id__in=[*unit.ancestor_ids(), unit.pk]
    ).distinct()
