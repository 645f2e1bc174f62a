"""The forums part of the matrix world: proposals in each state, answers, meetings, problems."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from forums import services
from forums.models import (
    Comment,
    Meeting,
    PoliceResponse,
    Proposal,
    ResponseTemplate,
)
from forums.problems import services as problems
from forums.problems.models import (
    Exchange,
    ExchangeInvitation,
    Practice,
    PracticeAdoption,
    Problem,
    ProblemReview,
)
from platforms.decisions import vote_cast
from tests.forums import problem_builders
from tests.support.matrix_world import CASES, Case, grant


def _proposal(w, title, **kwargs):
    return services.proposal_create(
        platform=w.forum,
        author=w.actors["member"],
        title=title,
        body="The street to school no. 3 is dark.",
        category="school",
        police_unit=w.unit,
        submit=kwargs.pop("submit", True),
        **kwargs,
    )


def _adopted(w, title):
    sam = w.actors["secretariat"]
    p = _proposal(w, title)
    decision = services.proposal_open_vote(proposal=p, actor=sam)
    for key in ("member", "coordinator", "secretariat_past", "admin"):
        vote_cast(decision=decision, user=w.actors[key], choice="yes")
    return services.proposal_decide(proposal=p, actor=sam)


def build(w):
    o = w.objects
    a = w.actors
    sam = a["secretariat"]
    o["p_open"] = _proposal(w, "Lights on School Street")
    o["p_target"] = _proposal(w, "Lights near the school")
    o["p_draft"] = _proposal(w, "A private draft", submit=False)
    o["p_screen"] = services.proposal_create(
        platform=w.forum,
        author=a["citizen"],
        title="Dogs at the bus stop",
        body="Stray dogs frighten the children.",
        category="other",
        submit=True,
    )
    o["p_adopted"] = _adopted(w, "Bus stop shelter")
    escalated = _adopted(w, "A district-wide patrol")
    services.proposal_escalate(proposal=escalated, actor=sam, note="Needs the district")
    o["p_escalated"] = escalated
    o["comment"] = services.comment_add(proposal=o["p_open"], author=a["member"], body="Agreed")
    o["draft_response"] = services.response_log(
        proposal=o["p_open"],
        actor=a["liaison"],
        responder=PoliceResponse.Responder.POLICE,
        status=PoliceResponse.Status.ACKNOWLEDGED,
        text="We will look",
        publish=False,
    )
    o["meeting"] = services.meeting_create(
        platform=w.forum,
        actor=sam,
        kind=Meeting.Kind.GENERAL,
        title="Autumn meeting",
        starts_at=timezone.now() + timedelta(days=7),
    )
    o["problem"] = problem_builders.record(w.forum, a["member"])
    o["closed_problem"] = problem_builders.closed(w.forum, a["member"], sam)
    _build_exchange_and_library(w)
    return w


def _build_exchange_and_library(w):
    """Another forum's published practice, an exchange the forum is invited to, and one the
    forum hosted that has taken place (its outcome still to be published)."""
    o, a = w.objects, w.actors
    sysadmin, sam = a["sysadmin"], a["secretariat"]
    elsewhere = problem_builders.closed(w.other, grant(w.other), sysadmin)
    o["practice"] = problems.practice_publish(problem=elsewhere, actor=sysadmin, **PRACTICE_FORM)
    invited = problems.exchange_propose(
        host=w.other,
        actor=sysadmin,
        format=Exchange.Format.VISIT,
        title="Visit from Batken",
        topic="Evening clubs",
        starts_at=timezone.now() + timedelta(days=14),
        guests=[w.forum],
    )
    o["invitation"] = invited.invitations.get(platform=w.forum)
    held = problems.exchange_propose(
        host=w.forum,
        actor=sam,
        format=Exchange.Format.JOINT,
        title="Joint meeting with Batken",
        topic="Street lights",
        starts_at=timezone.now() + timedelta(days=1),
        guests=[w.other],
    )
    # it has taken place: the outcome is published after the meeting
    Meeting.objects.filter(pk=held.meeting_id).update(starts_at=timezone.now() - timedelta(days=2))
    o["exchange_held"] = held


def _state(pk):
    return Proposal.objects.get(pk=pk).state


def _action(key, obj, data, probe, allowed_note=None):
    CASES[key] = Case(
        url=lambda w: getattr(w, obj).get_absolute_url(),
        data=lambda w: data(w) if callable(data) else data,
        probe=probe,
    )


def _later():
    return (timezone.localtime() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")


PROPOSAL_FORM = {
    "title": "A bench by the clinic",
    "body": "Old people wait standing.",
    "category": "other",
    "save_as": "submit",
    "resident": "on",
}

CASES["proposal_new"] = Case(
    url=lambda w: reverse("forums:proposal_new", kwargs={"slug": w.forum.slug}),
    data=lambda w: PROPOSAL_FORM,
    probe=lambda w: Proposal.objects.filter(title=PROPOSAL_FORM["title"]).count(),
    get=True,
)
CASES["proposal_record"] = Case(
    url=lambda w: reverse("forums:proposal_record", kwargs={"slug": w.forum.slug}),
    data=lambda w: {**PROPOSAL_FORM, "on_behalf_of": "A resident"},
    probe=lambda w: Proposal.objects.filter(title=PROPOSAL_FORM["title"]).count(),
    get=True,
)
CASES["proposal_edit"] = Case(
    url=lambda w: reverse("forums:proposal_edit", kwargs={"pk": w.p_draft.pk}),
    data=lambda w: {**PROPOSAL_FORM, "save_as": "draft"},
    probe=lambda w: Proposal.objects.get(pk=w.p_draft.pk).title,
    get=True,
)
_action(
    "proposal_support",
    "p_open",
    {"action": "support"},
    lambda w: w.p_open.supporters.count(),
)
_action(
    "proposal_comment",
    "p_open",
    {"action": "comment", "body": "Me too"},
    lambda w: Comment.objects.filter(proposal=w.p_open).count(),
)
_action(
    "proposal_hide_comment",
    "p_open",
    lambda w: {"action": "hide_comment", "comment": w.comment.pk, "reason": "Off topic"},
    lambda w: Comment.objects.get(pk=w.comment.pk).hidden_at is not None,
)
_action(
    "proposal_screen",
    "p_screen",
    {"action": "screen_in", "reason": ""},
    lambda w: _state(w.p_screen.pk),
)
_action(
    "proposal_agenda",
    "p_open",
    lambda w: {"action": "agenda", "meeting": w.meeting.pk},
    lambda w: _state(w.p_open.pk),
)
_action("proposal_vote", "p_open", {"action": "vote"}, lambda w: _state(w.p_open.pk))
_action(
    "proposal_escalate",
    "p_adopted",
    {"action": "escalate", "note": "District matter"},
    lambda w: _state(w.p_adopted.pk),
)
_action(
    "proposal_register",
    "p_escalated",
    lambda w: {"action": "register", "platform": w.council.pk},
    lambda w: _state(w.p_escalated.pk),
)
_action(
    "proposal_resolve",
    "p_open",
    {"action": "resolve", "reason": "Lights installed"},
    lambda w: _state(w.p_open.pk),
)
_action(
    "proposal_withdraw",
    "p_open",
    {"action": "withdraw", "reason": "Not needed"},
    lambda w: _state(w.p_open.pk),
)
_action(
    "proposal_merge",
    "p_open",
    lambda w: {"action": "merge", "into": w.p_target.pk},
    lambda w: _state(w.p_open.pk),
)
_action(
    "proposal_assign",
    "p_open",
    lambda w: {"action": "assign", "officer": w.actors["liaison"].pk},
    lambda w: Proposal.objects.get(pk=w.p_open.pk).assigned_officer_id,
)
CASES["respond"] = Case(
    url=lambda w: reverse("forums:respond", kwargs={"pk": w.p_open.pk}),
    data=lambda w: {"status": "accepted", "text": "Lamps ordered", "publish": "on"},
    probe=lambda w: PoliceResponse.objects.filter(proposal=w.p_open).count(),
    get=True,
)
CASES["response_publish"] = Case(
    url=lambda w: reverse("forums:response_publish", kwargs={"pk": w.draft_response.pk}),
    data=lambda w: {},
    probe=lambda w: PoliceResponse.objects.get(pk=w.draft_response.pk).published_at,
)
CASES["answer_templates"] = Case(
    url=lambda w: reverse("forums:answer_templates"),
    data=lambda w: {
        "action": "save",
        "unit": w.unit.pk,
        "title": "Acknowledged",
        "status": "acknowledged",
        "text": "Received; we will answer within ten days.",
    },
    probe=lambda w: ResponseTemplate.objects.count(),
    get=True,
)
MEETING_FORM = {"kind": "general", "title": "Winter meeting", "location": "School"}
CASES["meeting_new"] = Case(
    url=lambda w: reverse("forums:meeting_new", kwargs={"slug": w.forum.slug}),
    data=lambda w: {**MEETING_FORM, "starts_at": _later()},
    probe=lambda w: Meeting.objects.filter(platform=w.forum).count(),
    get=True,
)
CASES["meeting_edit"] = Case(
    url=lambda w: reverse("forums:meeting_edit", kwargs={"pk": w.meeting.pk}),
    data=lambda w: {**MEETING_FORM, "starts_at": _later()},
    probe=lambda w: Meeting.objects.get(pk=w.meeting.pk).title,
    get=True,
)
_action(
    "meeting_item",
    "meeting",
    {"action": "item", "title": "Street lights"},
    lambda w: w.meeting.agenda.count(),
)
SCANNING = {
    **{k: v for k, v in problem_builders.SCANNING.items()},
    "title": "Teenagers at the shop every evening",
}
CASES["problem_new"] = Case(
    url=lambda w: reverse("forums:problem_new", kwargs={"slug": w.forum.slug}),
    data=lambda w: {**SCANNING, "territory": w.forum.territory_id},
    probe=lambda w: Problem.objects.filter(platform=w.forum).count(),
    get=True,
)
CASES["problem_edit"] = Case(
    url=lambda w: reverse("forums:problem_edit", kwargs={"pk": w.problem.pk, "stage": "scanning"}),
    data=lambda w: {**SCANNING, "territory": w.forum.territory_id},
    probe=lambda w: Problem.objects.get(pk=w.problem.pk).title,
    get=True,
)
_action(
    "problem_raise",
    "problem",
    {"action": "raise", "raise-title": "An evening club", "raise-body": "Open the gym."},
    lambda w: Proposal.objects.filter(title="An evening club").count(),
)
PRACTICE_FORM = {
    "title": "An evening sports club",
    "summary": "Teenagers got a place to go.",
    "what_worked": "A coach from the village.",
    "measures": "12 complaints a month before, 5 after.",
    "contact": "forum@example.org",
}
CASES["problem_publish"] = Case(
    url=lambda w: reverse("forums:problem_publish", kwargs={"pk": w.closed_problem.pk}),
    data=lambda w: PRACTICE_FORM,
    probe=lambda w: Practice.objects.filter(problem=w.closed_problem).count(),
    get=True,
)
EXCHANGE_FORM = {"format": "visit", "title": "Visit to Batken", "location": "Batken"}
CASES["exchange_new"] = Case(
    url=lambda w: reverse("forums:exchange_new", kwargs={"slug": w.forum.slug}),
    data=lambda w: {
        **EXCHANGE_FORM,
        "starts_at": _later(),
        "guests": [w.council.pk],
        "topic": "Evening clubs",
        "agenda": "Welcome\nVisit",
    },
    probe=lambda w: Exchange.objects.count(),
    get=True,
)
CASES["practice_adopt"] = Case(
    url=lambda w: w.practice.get_absolute_url(),
    data=lambda w: {"problem": w.problem.pk, "note": "We are opening a club too"},
    probe=lambda w: PracticeAdoption.objects.filter(practice=w.practice).count(),
)
CASES["problem_review"] = Case(
    url=lambda w: reverse("forums:problem_review", kwargs={"pk": w.closed_problem.pk}),
    data=lambda w: {
        "analysis": 3,
        "goals": 4,
        "effectiveness": 2,
        "involvement": 3,
        "feedback": "Good analysis; measure the displacement too.",
    },
    probe=lambda w: ProblemReview.objects.filter(problem=w.closed_problem).count(),
    get=True,
)


def _invitation_answer(w):
    prefix = f"inv{w.invitation.pk}"
    return {
        "action": "answer",
        "invitation": w.invitation.pk,
        f"{prefix}-accept": "1",
        f"{prefix}-participants": "Aida, LCPC chair\nneighbourhood inspector",
    }


CASES["exchange_answer"] = Case(
    url=lambda w: w.invitation.exchange.get_absolute_url(),
    data=_invitation_answer,
    probe=lambda w: ExchangeInvitation.objects.get(pk=w.invitation.pk).answer,
)
CASES["exchange_outcome"] = Case(
    url=lambda w: w.exchange_held.get_absolute_url(),
    data=lambda w: {"action": "outcome", "outcome": "Both forums will open evening clubs."},
    probe=lambda w: Exchange.objects.get(pk=w.exchange_held.pk).outcome_published_at,
)
