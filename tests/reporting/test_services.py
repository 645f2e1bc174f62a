"""Plans and reports through their services: the machines, the freeze, and bad input refused."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from platforms.decisions import vote_cast
from platforms.models import Decision, Party
from platforms.services import liaison_assign
from reporting import services
from reporting.models import AnnualReport, PlanEndorsement, ReportVersion, StrategicPlan
from reporting.selectors import report_figures
from tests.factories import UserFactory
from tests.reporting.conftest import YEAR, grant, secretariat
from tests.reporting.factories import ProposalFactory

pytestmark = pytest.mark.django_db

SECTIONS = {
    "summary": "Итоги 2025 года. Жылдын жыйынтыгы.",
    "achievements": "Шесть фонарей",
    "problems": "Мало молодёжи",
    "next_year": "Больше встреч",
}


def _published(platform, sec) -> AnnualReport:
    report = services.report_create(platform=platform, actor=sec, year=YEAR)
    services.report_update(report=report, actor=sec, **SECTIONS)
    services.report_compute(report_id=report.pk)
    services.report_publish(report=report, actor=sec)
    report.refresh_from_db()
    return report


def test_snapshot_stays_unchanged_after_the_data_changes(tree, national_sec):
    national = tree["national"]
    report = _published(national, national_sec)
    version = report.versions.get()
    frozen = dict(version.figures)
    assert frozen["proposals"]["total"] == 6
    ProposalFactory(origin=tree["forums"][2], submitted_at=frozen_at())
    assert report_figures(national, YEAR)["proposals"]["total"] == 7
    version.refresh_from_db()
    assert version.figures == frozen
    with pytest.raises(ValidationError):
        version.save()  # append-only: a published version is never rewritten


def frozen_at():
    from tests.reporting.conftest import at

    return at(10, 1)


def test_a_correction_is_a_new_version_and_the_old_stays(tree, national_sec):
    report = _published(tree["national"], national_sec)
    ProposalFactory(origin=tree["forums"][2], submitted_at=frozen_at())
    with pytest.raises(ValidationError) as exc:
        services.report_correct(report=report, actor=national_sec, note="")
    assert "note" in exc.value.message_dict
    with pytest.raises(ValidationError):  # nothing changed
        services.report_correct(report=report, actor=national_sec, note="Typo")
    v2 = services.report_correct(
        report=report, actor=national_sec, note="A late proposal counted", recompute=True
    )
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.CORRECTED
    assert v2.number == 2 and v2.figures["proposals"]["total"] == 7
    v1 = report.versions.get(number=1)
    assert v1.figures["proposals"]["total"] == 6 and v1.note == ""


def test_bad_input_is_refused_and_nothing_changes(tree, national_sec, c1_sec):
    national = tree["national"]
    outsider = UserFactory()
    with pytest.raises(PermissionDenied):
        services.report_create(platform=national, actor=outsider, year=YEAR)
    with pytest.raises(PermissionDenied):  # secretariat of another platform
        services.report_create(platform=national, actor=c1_sec, year=YEAR)
    assert not AnnualReport.objects.exists()
    report = services.report_create(platform=national, actor=national_sec, year=YEAR)
    with pytest.raises(ValidationError):  # a second report for the year
        services.report_create(platform=national, actor=national_sec, year=YEAR)
    services.report_update(report=report, actor=national_sec, summary="Only a summary")
    services.report_compute(report_id=report.pk)
    with pytest.raises(ValidationError) as exc:  # required sections missing
        services.report_publish(report=report, actor=national_sec)
    assert {"achievements", "problems", "next_year"} <= set(exc.value.message_dict)
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.DRAFT and not ReportVersion.objects.exists()
    services.report_update(report=report, actor=national_sec, **SECTIONS)
    services.report_publish(report=report, actor=national_sec)
    with pytest.raises(ValidationError, match="published"):  # publishing twice
        services.report_publish(report=report, actor=national_sec)
    with pytest.raises(ValidationError, match="published"):  # editing a published report
        services.report_update(report=report, actor=national_sec, summary="Silently changed")
    report.refresh_from_db()
    assert report.summary == SECTIONS["summary"] and report.versions.count() == 1
    with pytest.raises(PermissionDenied):
        services.plan_create(
            platform=national, actor=outsider, year=YEAR, title="x", objectives="y"
        )


def test_publish_needs_generated_figures(tree, national_sec):
    report = services.report_create(platform=tree["national"], actor=national_sec, year=YEAR)
    services.report_update(report=report, actor=national_sec, **SECTIONS)
    with pytest.raises(ValidationError, match="Generate"):
        services.report_publish(report=report, actor=national_sec)


def test_review_and_return_follow_the_table(tree, national_sec):
    report = services.report_create(platform=tree["national"], actor=national_sec, year=YEAR)
    assert services.report_actions_allowed(report) == {"edit", "generate", "review", "publish"}
    services.report_submit_review(report=report, actor=national_sec)
    report.refresh_from_db()
    assert services.report_actions_allowed(report) == {"edit", "generate", "return", "publish"}
    services.report_return(report=report, actor=national_sec)
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.DRAFT
    assert list(report.events.values_list("action", flat=True)) == ["return", "review", "create"]


def test_generation_runs_as_a_task(tree, national_sec, django_capture_on_commit_callbacks):
    report = services.report_create(platform=tree["national"], actor=national_sec, year=YEAR)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_generate(report=report, actor=national_sec)
    report.refresh_from_db()
    assert report.job == AnnualReport.Job.DONE and report.job_progress == 100
    assert report.figures["proposals"]["total"] == 6


def test_plan_adopted_by_decision_then_endorsed(tree):
    forum = tree["forums"][1]
    sec = secretariat(forum)
    voters = [UserFactory() for _ in range(2)]
    for v in voters:
        grant(forum, v)
    lsg = UserFactory()
    grant(forum, lsg, Party.LSG)
    officer = UserFactory()
    liaison_assign(user=officer, unit=tree["unit"])
    plan = services.plan_create(
        platform=forum, actor=sec, year=YEAR + 1, title="Safer 2027", objectives="Light\nYouth"
    )
    with pytest.raises(ValidationError):  # no actions yet
        services.plan_put_to_vote(plan=plan, actor=sec)
    with pytest.raises(ValidationError) as exc:
        services.plan_action_add(
            plan=plan, actor=sec, title="Patrols", responsible="police", deadline=None
        )
    assert "police_unit" in exc.value.message_dict
    from datetime import date

    services.plan_action_add(
        plan=plan,
        actor=sec,
        title="Patrols",
        responsible="police",
        police_unit=tree["unit"],
        deadline=date(YEAR + 1, 9, 1),
    )
    with pytest.raises(ValidationError):  # nobody endorses a plan before adoption
        services.plan_endorse(plan=plan, actor=lsg)
    decision = services.plan_put_to_vote(plan=plan, actor=sec)
    assert decision.matter == "plan" and decision.rule_kind == "qualified"
    for v in [*voters, lsg, sec]:
        vote_cast(decision=decision, user=v, choice="yes")
    plan = services.plan_decide(plan=plan, actor=sec)
    assert plan.status == StrategicPlan.Status.ADOPTED
    assert Decision.objects.get(pk=decision.pk).outcome == "adopted"
    services.plan_endorse(plan=plan, actor=lsg, note="Approved by the aiyl okmotu")
    services.plan_endorse(plan=plan, actor=officer)
    assert sorted(PlanEndorsement.objects.values_list("party", flat=True)) == ["lsg", "police"]
    with pytest.raises(PermissionDenied):
        services.plan_endorse(plan=plan, actor=voters[0])
    action = plan.actions.get()
    services.plan_action_progress(
        action=action, actor=sec, status="in_progress", progress=40, note="Two patrols a week"
    )
    action.refresh_from_db()
    assert (action.status, action.progress) == ("in_progress", 40)
    assert plan.events.filter(kind="progress", note="Two patrols a week").exists()


def test_rejected_plan_returns_to_draft(tree):
    from datetime import date

    forum = tree["forums"][0]
    sec = secretariat(forum)
    plan = services.plan_create(platform=forum, actor=sec, year=YEAR + 1, title="P", objectives="O")
    services.plan_action_add(
        plan=plan, actor=sec, title="A", responsible="platform", deadline=date(YEAR + 1, 3, 1)
    )
    decision = services.plan_put_to_vote(plan=plan, actor=sec)
    for user in tree["users"][1:3]:
        vote_cast(decision=decision, user=user, choice="no")
    plan = services.plan_decide(plan=plan, actor=sec)
    assert plan.status == StrategicPlan.Status.DRAFT and plan.decision is None


def test_a_plan_moves_when_its_vote_is_closed_from_the_decision_page(tree):
    """The decision page (or the timed task) closing the vote adopts the plan at once."""
    from datetime import date

    from platforms.decisions import decision_close

    forum = tree["forums"][0]
    sec = secretariat(forum)
    plan = services.plan_create(platform=forum, actor=sec, year=YEAR + 1, title="P", objectives="O")
    services.plan_action_add(
        plan=plan, actor=sec, title="A", responsible="platform", deadline=date(YEAR + 1, 3, 1)
    )
    decision = services.plan_put_to_vote(plan=plan, actor=sec)
    for user in [sec, *tree["users"]]:
        try:
            vote_cast(decision=decision, user=user, choice="yes")
        except (ValidationError, PermissionDenied):
            pass  # not a member of this forum
    decision_close(decision=decision, actor=sec)
    plan.refresh_from_db()
    assert plan.status == StrategicPlan.Status.ADOPTED
    assert plan.events.filter(kind="status", new="adopted").count() == 1
