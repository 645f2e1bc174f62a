"""The assessments and reporting part of the matrix world."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from assessments import services as assessments
from assessments.defaults import frameworks_load
from assessments.models import (
    Finding,
    Framework,
    Moderation,
    ProfileFigure,
    Recommendation,
    Residence,
    Round,
    Score,
    Subject,
    TargetKind,
    Track,
)
from platforms.decisions import vote_cast
from reporting import services as reporting
from reporting.models import AnnualReport, PlanAction, StrategicPlan
from tests.assessments.conftest import make_round, run_to_reply
from tests.support.matrix_world import CASES, Case

YEAR = timezone.localdate().year


def build(w):
    frameworks_load()
    sam = w.actors["secretariat"]
    w.objects["round"] = make_round(w.forum, sam, [w.unit])
    # a round whose citizen poll is open; the member and the citizen live in the forum's aimak
    polled = make_round(w.forum, sam, [w.unit], start=date(YEAR - 1, 1, 1), title="Poll round")
    assessments.round_open(round_=polled, actor=sam)
    w.objects["poll"] = Round.objects.get(pk=polled.pk).poll
    for key in ("member", "citizen"):
        Residence.objects.create(user=w.actors[key], territory=w.forum.territory)
    w.objects["report"] = reporting.report_create(platform=w.forum, actor=sam, year=YEAR - 1)
    w.objects["plan"] = reporting.plan_create(
        platform=w.forum, actor=sam, year=YEAR, title="Plan", objectives="Safer roads"
    )
    # an adopted plan with one action (progress is reported on adopted plans only)
    adopted = reporting.plan_create(
        platform=w.forum, actor=sam, year=YEAR - 1, title="Last plan", objectives="Lights"
    )
    w.objects["plan_action"] = reporting.plan_action_add(
        plan=adopted,
        actor=sam,
        title="Lamps",
        responsible="lsg",
        responsible_name="Ayil okmotu",
        deadline=date(YEAR - 1, 12, 31),
    )
    decision = reporting.plan_put_to_vote(plan=adopted, actor=sam)
    for key in ("member", "coordinator", "secretariat_past", "admin", "secretariat"):
        vote_cast(decision=decision, user=w.actors[key], choice="yes")
    reporting.plan_decide(plan=adopted, actor=sam)
    w.objects["adopted_plan"] = adopted
    # a published report, to be corrected
    published = reporting.report_create(platform=w.forum, actor=sam, year=YEAR - 3)
    reporting.report_update(
        report=published, actor=sam, summary="S", achievements="A", problems="P", next_year="N"
    )
    reporting.report_compute(report_id=published.pk)
    reporting.report_publish(report=published, actor=sam)
    w.objects["published_report"] = published
    _build_rounds(w)
    return w


def _build_rounds(w):
    """A round in scoring, one at the unit's reply, and a published one with a recommendation
    (each over the forum's local police department, in earlier periods)."""
    sam = w.actors["secretariat"]
    raters = [w.actors[k] for k in ("member", "coordinator", "admin")]
    scoring = make_round(w.forum, sam, [w.unit], start=date(YEAR - 2, 1, 1), title="Scoring")
    assessments.round_open(round_=scoring, actor=sam)
    assessments.round_start_scoring(round_=scoring, actor=sam)
    w.objects["subject"] = Subject.objects.get(round=scoring)
    reply = run_to_reply(w.forum, sam, raters, [w.unit], start=date(YEAR - 3, 1, 1), title="Reply")
    w.objects["reply_subject"] = Subject.objects.get(round=reply)
    published = run_to_reply(
        w.forum, sam, raters, [w.unit], start=date(YEAR - 4, 1, 1), title="Published"
    )
    w.objects["recommendation"] = assessments.recommendation_add(
        subject=Subject.objects.get(round=published),
        actor=sam,
        text="An evening patrol at the bus stop",
        addressee="Head of Lebedinovka police",
        due=timezone.localdate() + timedelta(days=90),
    )
    assessments.round_publish(round_=published, actor=sam)


def _framework():
    return Framework.objects.get(target_kind=TargetKind.LOCAL, version=1)


CASES["round_new"] = Case(
    url=lambda w: reverse("assessments:round_new", kwargs={"slug": w.forum.slug}),
    data=lambda w: {
        "framework": _framework().pk,
        "title": "Spring assessment",
        "period_start": date(YEAR, 1, 1).isoformat(),
        "period_end": date(YEAR, 6, 30).isoformat(),
        "units": [str(w.unit.pk)],
        "poll_method": "portal",
    },
    probe=lambda w: Round.objects.filter(platform=w.forum).count(),
    get=True,
)
CASES["round_open"] = Case(
    url=lambda w: reverse("assessments:round", kwargs={"pk": w.round.pk}),
    data=lambda w: {"action": "open"},
    probe=lambda w: Round.objects.get(pk=w.round.pk).state,
)
CASES["unit_profile"] = Case(
    url=lambda w: reverse("assessments:profile_edit", kwargs={"unit_id": w.unit.pk}),
    data=lambda w: {
        "kind": "staff",
        "label": "Neighbourhood inspectors",
        "value": "4",
        "source": "MVD staffing table",
        "as_of": (timezone.localdate() - timedelta(days=3)).isoformat(),
    },
    probe=lambda w: ProfileFigure.objects.filter(unit=w.unit).count(),
    get=True,
)
CASES["report_new"] = Case(
    url=lambda w: reverse("reporting:report_new", kwargs={"slug": w.forum.slug}),
    data=lambda w: {"year": YEAR - 2},
    probe=lambda w: AnnualReport.objects.filter(platform=w.forum).count(),
    get=True,
)
CASES["report_manage"] = Case(
    url=lambda w: reverse(
        "reporting:report_manage", kwargs={"slug": w.forum.slug, "year": YEAR - 1}
    ),
    data=lambda w: {
        "action": "save",
        "summary": "A year of lights",
        "achievements": "",
        "problems": "",
        "next_year": "",
    },
    probe=lambda w: AnnualReport.objects.get(pk=w.report.pk).summary,
    get=True,
)
CASES["plan_new"] = Case(
    url=lambda w: reverse("reporting:plan_new", kwargs={"slug": w.forum.slug}),
    data=lambda w: {"year": YEAR + 1, "title": "Next plan", "objectives": "Fewer thefts"},
    probe=lambda w: StrategicPlan.objects.filter(platform=w.forum).count(),
    get=True,
)
CASES["plan_add_action"] = Case(
    url=lambda w: reverse("reporting:plan", kwargs={"slug": w.forum.slug, "year": YEAR}),
    data=lambda w: {
        "action": "add",
        "title": "Lamps on School Street",
        "responsible": "lsg",
        "responsible_name": "Ayil okmotu",
        "deadline": date(YEAR, 12, 31).isoformat(),
    },
    probe=lambda w: PlanAction.objects.filter(plan=w.plan).count(),
)
CASES["plan_progress"] = Case(
    url=lambda w: reverse(
        "reporting:plan_action_progress",
        kwargs={"slug": w.forum.slug, "year": YEAR - 1, "pk": w.plan_action.pk},
    ),
    data=lambda w: {"status": "in_progress", "progress": 40, "note": "Two lamps up"},
    probe=lambda w: PlanAction.objects.get(pk=w.plan_action.pk).progress,
)
CASES["report_correct"] = Case(
    url=lambda w: reverse(
        "reporting:report_correct", kwargs={"slug": w.forum.slug, "year": YEAR - 3}
    ),
    data=lambda w: {
        "summary": "S, corrected",
        "achievements": "A",
        "problems": "P",
        "next_year": "N",
        "note": "A figure was wrong",
    },
    probe=lambda w: AnnualReport.objects.get(pk=w.published_report.pk).summary,
    get=True,
)
CASES["poll_answer"] = Case(
    url=lambda w: reverse("assessments:poll", kwargs={"pk": w.poll.round_id}),
    data=lambda w: {"action": "answer", "top_concern": "Dark streets"},
    probe=lambda w: w.poll.participations.count(),
)


def _criterion(w, track):
    """A graded criterion of the scoring round's framework on the given track."""
    return (
        w.subject.round.framework.criteria.filter(track=track, graded=True).order_by("pk").first()
    )


def _score(w):
    c = _criterion(w, Track.EXTERNAL)
    return {
        "action": f"score-{c.pk}",
        f"s{c.pk}-grade": "4",
        f"s{c.pk}-rationale": "I see the patrol every evening",
    }


def _moderate(w):
    c = _criterion(w, Track.INTERNAL)
    return {
        "action": f"moderate-{c.pk}",
        f"m{c.pk}-grade": "3",
        f"m{c.pk}-narrative": "From the ministry's yearly figures",
        f"m{c.pk}-source": "MVD report",
    }


CASES["subject_score"] = Case(
    url=lambda w: w.subject.get_absolute_url(),
    data=_score,
    probe=lambda w: Score.objects.filter(subject=w.subject).count(),
)
CASES["subject_moderate"] = Case(
    url=lambda w: w.subject.get_absolute_url(),
    data=_moderate,
    probe=lambda w: Moderation.objects.filter(subject=w.subject).count(),
)
CASES["subject_finding"] = Case(
    url=lambda w: w.subject.get_absolute_url(),
    data=lambda w: {"action": "finding", "kind": "strength", "text": "Patrols every evening"},
    probe=lambda w: Finding.objects.filter(subject=w.subject).count(),
)
CASES["subject_recommend"] = Case(
    url=lambda w: w.subject.get_absolute_url(),
    data=lambda w: {
        "action": "recommendation",
        "kind": "improvement",
        "finding": "",
        "text": "Light the bus stop",
        "addressee": "Ayil okmotu",
        "due": (timezone.localdate() + timedelta(days=60)).isoformat(),
        "decision": "",
    },
    probe=lambda w: Recommendation.objects.filter(subject=w.subject).count(),
)
CASES["subject_reply"] = Case(
    url=lambda w: w.reply_subject.get_absolute_url(),
    data=lambda w: {"action": "reply", "text": "We agree and add a second patrol."},
    probe=lambda w: Subject.objects.get(pk=w.reply_subject.pk).reply,
)
CASES["recommendation_respond"] = Case(
    url=lambda w: w.recommendation.get_absolute_url(),
    data=lambda w: {"action": "respond", "response": "The patrol starts in March."},
    probe=lambda w: Recommendation.objects.get(pk=w.recommendation.pk).response,
)
CASES["recommendation_follow"] = Case(
    url=lambda w: w.recommendation.get_absolute_url(),
    data=lambda w: {"action": "follow", "status": "amber", "note": "One patrol seen"},
    probe=lambda w: Recommendation.objects.get(pk=w.recommendation.pk).status,
)
