"""The proposal state machine in one table: services, the proposal page and the tests read it.

Each action names the states it starts from, the state it leads to (None: set by a decision's
outcome, or unchanged) and who may take it. No template or form lists allowed actions by hand.
"""

from dataclasses import dataclass

from forums.models import Proposal

S = Proposal.State
OPEN = (S.SUBMITTED, S.ON_AGENDA, S.ADOPTED, S.REGISTERED)


@dataclass(frozen=True)
class Transition:
    sources: tuple
    target: str | None
    # author, secretariat (of the platform where it sits), author_or_secretariat,
    # upper_secretariat (of the platform it was escalated to)
    who: str


PROPOSAL = {
    # a member's draft becomes public; a resident's goes to screening first
    "submit": Transition((S.DRAFT,), S.SUBMITTED, "author"),
    "screen_in": Transition((S.SCREENING,), S.SUBMITTED, "secretariat"),
    "screen_out": Transition((S.SCREENING,), S.SCREENED_OUT, "secretariat"),
    "agenda": Transition((S.SUBMITTED, S.REGISTERED, S.ON_AGENDA), S.ON_AGENDA, "secretariat"),
    "vote": Transition((S.SUBMITTED, S.REGISTERED, S.ON_AGENDA), S.ON_AGENDA, "secretariat"),
    # adopted or rejected by the decision's outcome; no quorum leaves it on the agenda
    "decide": Transition((S.ON_AGENDA,), None, "secretariat"),
    "escalate": Transition((S.ADOPTED,), S.ESCALATED, "secretariat"),
    "register": Transition((S.ESCALATED,), S.REGISTERED, "upper_secretariat"),
    "return": Transition((S.ESCALATED,), S.ADOPTED, "upper_secretariat"),
    "resolve": Transition(OPEN, S.RESOLVED, "secretariat"),
    "withdraw": Transition((S.DRAFT, S.SCREENING, *OPEN), S.WITHDRAWN, "author_or_secretariat"),
    "merge": Transition(OPEN, S.DUPLICATE, "secretariat"),
}


def sources(action: str) -> tuple:
    return PROPOSAL[action].sources


def actions_from(state: str) -> set[str]:
    """The actions the table allows from a state, whoever asks."""
    return {action for action, t in PROPOSAL.items() if state in t.sources}
