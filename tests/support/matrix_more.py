"""The assessments and reporting part of the matrix world."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from assessments import services as assessments
from assessments.defaults import frameworks_load
from assessments.models import Framework, ProfileFigure, Residence, Round, TargetKind
from platforms.decisions import vote_cast
from reporting import services as reporting
from reporting.models import AnnualReport, PlanAction, StrategicPlan
from tests.assessments.conftest import make_round
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
    return w


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
