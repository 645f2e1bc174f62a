"""The assessment round's state machine: one table that services, templates and tests read."""

from typing import NamedTuple

from django.utils.translation import gettext_lazy as _

from assessments.models import Round

S = Round.State


class Transition(NamedTuple):
    state: str
    action: str
    next: str
    who: str  # the permission check that allows it (assessments.permissions)
    label: str


TRANSITIONS = (
    Transition(S.DRAFT, "open", S.EVIDENCE, "can_manage_round", _("Open: evidence and the poll")),
    Transition(S.EVIDENCE, "score", S.SCORING, "can_manage_round", _("Start scoring")),
    Transition(
        S.SCORING, "reply", S.REPLY, "can_manage_round", _("End moderation: the unit's reply")
    ),
    Transition(S.REPLY, "publish", S.PUBLISHED, "can_manage_round", _("Publish the results")),
)

BY_ACTION = {t.action: t for t in TRANSITIONS}

# What may happen in each stage (read by services, permissions and templates).
EDITABLE_STATES = (S.DRAFT,)  # subjects, title, period
EVIDENCE_STATES = (S.EVIDENCE, S.SCORING)
SCORING_STATES = (S.SCORING,)
MODERATION_STATES = (S.SCORING,)
FINDING_STATES = (S.SCORING, S.REPLY)
REPLY_STATES = (S.REPLY,)
POLL_STATES = (S.EVIDENCE, S.SCORING)


def transitions_from(state: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.state == state]
