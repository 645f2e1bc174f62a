"""Write services of plans and reports: atomic, permission-checked, one event row each."""

from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.services import notify
from accounts.text import Message
from platforms.decisions import decision_close, decision_follower, decision_open
from platforms.models import Decision, Matter, Membership, Platform, PoliceUnit
from reporting import permissions, selectors
from reporting.models import (
    AnnualReport,
    PlanAction,
    PlanEndorsement,
    PlanEvent,
    ReportEvent,
    ReportVersion,
    StrategicPlan,
)

P = StrategicPlan.Status
R = AnnualReport.Status

# The plan's machine: action -> (states it starts from, state it leads to). The decision's
# outcome decides where "decide" leads: adopted, or back to draft for another try.
PLAN_TRANSITIONS = {
    "edit": ((P.DRAFT,), P.DRAFT),
    "vote": ((P.DRAFT,), P.VOTING),
    "decide": ((P.VOTING,), P.ADOPTED),
    "progress": ((P.ADOPTED,), P.ADOPTED),
    "endorse": ((P.ADOPTED,), P.ADOPTED),
}

# The report's machine: action -> (states it starts from, state it leads to).
REPORT_TRANSITIONS = {
    "edit": ((R.DRAFT, R.IN_REVIEW), None),
    "generate": ((R.DRAFT, R.IN_REVIEW), None),
    "review": ((R.DRAFT,), R.IN_REVIEW),
    "return": ((R.IN_REVIEW,), R.DRAFT),
    "publish": ((R.DRAFT, R.IN_REVIEW), R.PUBLISHED),
    "correct": ((R.PUBLISHED, R.CORRECTED), R.CORRECTED),
}
# Sections that a report cannot be published without.
REQUIRED_SECTIONS = ("summary", "achievements", "problems", "next_year")
YEARS_BACK = 5


def plan_actions_allowed(plan: StrategicPlan) -> set[str]:
    return {a for a, (sources, _new) in PLAN_TRANSITIONS.items() if plan.status in sources}


def report_actions_allowed(report: AnnualReport) -> set[str]:
    return {a for a, (sources, _new) in REPORT_TRANSITIONS.items() if report.status in sources}


def _check_year(year: int) -> None:
    this_year = timezone.localdate().year
    if not (this_year - YEARS_BACK <= year <= this_year + 1):
        raise ValidationError(
            {
                "year": _("Choose a year between %(a)d and %(b)d.")
                % {"a": this_year - YEARS_BACK, "b": this_year + 1}
            }
        )


# --- plans ------------------------------------------------------------------------------


def _locked_plan(plan: StrategicPlan) -> StrategicPlan:
    StrategicPlan.objects.select_for_update().filter(pk=plan.pk).values_list("pk").get()
    return StrategicPlan.objects.select_related("platform", "decision").get(pk=plan.pk)


def _require_plan(plan: StrategicPlan, action: str) -> None:
    if plan.status not in PLAN_TRANSITIONS[action][0]:
        raise ValidationError(
            _("Not possible while the plan is %(state)s.") % {"state": plan.get_status_display()}
        )


def _plan_event(plan, *, kind, actor, old="", new="", note="", action=None) -> PlanEvent:
    return PlanEvent.objects.create(
        plan=plan, kind=kind, actor=actor, old=old, new=new, note=note, action=action
    )


@transaction.atomic
def plan_create(
    *, platform: Platform, actor: User, year: int, title: str, objectives: str
) -> StrategicPlan:
    """The secretariat starts the platform's strategic plan for a year."""
    if not permissions.can_manage_reporting(actor, platform):
        raise PermissionDenied(_("Only the secretariat of this platform drafts its plans."))
    _check_year(year)
    plan = StrategicPlan(
        platform=platform,
        year=year,
        title=(title or "").strip(),
        objectives=(objectives or "").strip(),
        created_by=actor,
    )
    plan.full_clean(validate_constraints=False)
    if StrategicPlan.objects.filter(platform=platform, year=year).exists():
        raise ValidationError({"year": _("This platform already has a plan for that year.")})
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"year": _("This platform already has a plan for that year.")}
        ) from exc
    _plan_event(plan, kind=PlanEvent.Kind.STATUS, actor=actor, new=plan.status)
    return plan


@transaction.atomic
def plan_update(*, plan: StrategicPlan, actor: User, title: str, objectives: str) -> StrategicPlan:
    """Change a draft plan's title and objectives."""
    plan = _locked_plan(plan)
    if not permissions.can_manage_reporting(actor, plan.platform):
        raise PermissionDenied(_("Only the secretariat of this platform drafts its plans."))
    _require_plan(plan, "edit")
    plan.title, plan.objectives = (title or "").strip(), (objectives or "").strip()
    plan.full_clean(validate_constraints=False)
    plan.save(update_fields=["title", "objectives"])
    return plan


@transaction.atomic
def plan_action_add(
    *,
    plan: StrategicPlan,
    actor: User,
    title: str,
    responsible: str,
    deadline: date,
    objective: str = "",
    police_unit: PoliceUnit | None = None,
    responsible_name: str = "",
) -> PlanAction:
    """Add an action with its responsible party and deadline to a draft plan."""
    plan = _locked_plan(plan)
    if not permissions.can_manage_reporting(actor, plan.platform):
        raise PermissionDenied(_("Only the secretariat of this platform drafts its plans."))
    _require_plan(plan, "edit")
    errors = {}
    if responsible == PlanAction.Responsible.POLICE and police_unit is None:
        errors["police_unit"] = _("Name the police unit responsible.")
    if (
        responsible in (PlanAction.Responsible.LSG, PlanAction.Responsible.NGO)
        and not (responsible_name or "").strip()
    ):
        errors["responsible_name"] = _("Name the body or organisation responsible.")
    if deadline and deadline.year not in (plan.year, plan.year + 1):
        errors["deadline"] = _("The deadline falls within the plan's year.")
    if errors:
        raise ValidationError(errors)
    action = PlanAction(
        plan=plan,
        objective=(objective or "").strip(),
        title=(title or "").strip(),
        responsible=responsible,
        police_unit=police_unit if responsible == PlanAction.Responsible.POLICE else None,
        responsible_name=(responsible_name or "").strip(),
        deadline=deadline,
        position=plan.actions.count(),
    )
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def plan_put_to_vote(*, plan: StrategicPlan, actor: User, closes_at=None) -> Decision:
    """Open the platform's decision on adopting the plan, under its rule for plans."""
    plan = _locked_plan(plan)
    if not permissions.can_manage_reporting(actor, plan.platform):
        raise PermissionDenied(_("Only the secretariat of this platform drafts its plans."))
    _require_plan(plan, "vote")
    if not plan.actions.exists():
        raise ValidationError(_("Add at least one action before the vote."))
    decision = decision_open(
        platform=plan.platform,
        actor=actor,
        matter=Matter.PLAN,
        title=_("Adopt the strategic plan: %(title)s") % {"title": plan.title},
        description=plan.objectives,
        closes_at=closes_at,
    )
    old, plan.status, plan.decision = plan.status, P.VOTING, decision
    plan.save(update_fields=["status", "decision"])
    _plan_event(plan, kind=PlanEvent.Kind.STATUS, actor=actor, old=old, new=plan.status)
    return decision


@transaction.atomic
def plan_decide(*, plan: StrategicPlan, actor: User | None, check: bool = True) -> StrategicPlan:
    """Close the plan's decision (if still open) and adopt the plan, or return it to draft."""
    plan = _locked_plan(plan)
    if check and not permissions.can_manage_reporting(actor, plan.platform):
        raise PermissionDenied(_("Only the secretariat of this platform drafts its plans."))
    _require_plan(plan, "decide")
    decision = plan.decision
    if decision.status == Decision.Status.OPEN:
        # the follower below moves the plan, as it does for every other path that closes it
        decision_close(decision=decision, actor=actor, check=False)
        plan.refresh_from_db()
        return plan
    old = plan.status
    if decision.outcome == Decision.Outcome.ADOPTED:
        plan.status, plan.adopted_at = P.ADOPTED, timezone.now()
    else:
        plan.status, plan.decision = P.DRAFT, None
    plan.save(update_fields=["status", "adopted_at", "decision"])
    _plan_event(
        plan,
        kind=PlanEvent.Kind.STATUS,
        actor=actor,
        old=old,
        new=plan.status,
        note=decision.get_outcome_display(),
    )
    if plan.status == P.ADOPTED:
        members = Membership.objects.current().filter(platform=plan.platform)
        notify(
            users=list(
                User.objects.filter(pk__in=members.values("user")).exclude(
                    pk=getattr(actor, "pk", None)
                )
            ),
            verb="plan.adopted",
            title=Message(gettext_lazy("Strategic plan adopted: %(title)s"), {"title": plan.title}),
            url=plan.get_absolute_url(),
        )
    return plan


@decision_follower(Matter.PLAN)
def plan_follow_decision(*, decision: Decision, actor: User | None) -> None:
    """A vote on a plan closed (its page, the plan page, the timed task): move the plan now."""
    for plan in StrategicPlan.objects.filter(decision=decision, status=P.VOTING):
        plan_decide(plan=plan, actor=actor, check=False)


def plans_decide_closed() -> int:
    """Move every plan whose decision has closed, whatever path closed it (Celery beat)."""
    count = 0
    for plan in StrategicPlan.objects.filter(
        status=P.VOTING, decision__status=Decision.Status.CLOSED
    ):
        plan_decide(plan=plan, actor=None, check=False)
        count += 1
    return count


@transaction.atomic
def plan_action_progress(
    *, action: PlanAction, actor: User, status: str, progress: int, note: str = ""
) -> PlanAction:
    """Record progress on an action of an adopted plan, with a note kept in the history."""
    plan = _locked_plan(action.plan)
    if not permissions.can_manage_reporting(actor, plan.platform):
        raise PermissionDenied(_("Only the secretariat of this platform updates its plan."))
    _require_plan(plan, "progress")
    action = PlanAction.objects.select_for_update().get(pk=action.pk, plan=plan)
    if status not in PlanAction.Status.values:
        raise ValidationError({"status": _("Choose a status.")})
    if not 0 <= int(progress) <= 100:
        raise ValidationError({"progress": _("Progress is a percentage from 0 to 100.")})
    if status == PlanAction.Status.DONE:
        progress = 100
    old = action.status
    action.status, action.progress = status, int(progress)
    action.save(update_fields=["status", "progress"])
    _plan_event(
        plan,
        kind=PlanEvent.Kind.PROGRESS,
        actor=actor,
        old=old,
        new=status,
        note=(note or "").strip(),
        action=action,
    )
    return action


@transaction.atomic
def plan_endorse(*, plan: StrategicPlan, actor: User, note: str = "") -> PlanEndorsement:
    """Local self-government or a police unit records its approval of the adopted plan."""
    plan = _locked_plan(plan)
    _require_plan(plan, "endorse")
    party = permissions.endorsing_party(actor, plan)
    if party is None:
        raise PermissionDenied(
            _("Only local self-government or the police unit concerned endorses this plan.")
        )
    if PlanEndorsement.objects.filter(plan=plan, party=party, user=actor).exists():
        raise ValidationError(_("You have already endorsed this plan."))
    unit = permissions.endorsing_unit(actor, plan) if party == "police" else None
    endorsement = PlanEndorsement.objects.create(
        plan=plan, party=party, unit=unit, user=actor, note=(note or "").strip()
    )
    _plan_event(plan, kind=PlanEvent.Kind.ENDORSED, actor=actor, new=party, note=endorsement.note)
    return endorsement


# --- reports ----------------------------------------------------------------------------


def _locked_report(report: AnnualReport) -> AnnualReport:
    AnnualReport.objects.select_for_update().filter(pk=report.pk).values_list("pk").get()
    return AnnualReport.objects.select_related("platform", "platform__territory").get(pk=report.pk)


def _require_report(report: AnnualReport, action: str) -> None:
    if report.status not in REPORT_TRANSITIONS[action][0]:
        if report.is_public and action in ("edit", "publish", "generate"):
            raise ValidationError(
                _("This report is published and cannot change; publish a correction instead.")
            )
        raise ValidationError(
            _("Not possible while the report is %(state)s.")
            % {"state": report.get_status_display()}
        )


def _report_event(report, *, action, actor, old="", new="", note="") -> ReportEvent:
    return ReportEvent.objects.create(
        report=report, action=action, actor=actor, old=old, new=new, note=note
    )


def _check_manager(actor, report_or_platform) -> None:
    platform = getattr(report_or_platform, "platform", report_or_platform)
    if not permissions.can_manage_reporting(actor, platform):
        raise PermissionDenied(_("Only the secretariat of this platform writes its reports."))


@transaction.atomic
def report_create(*, platform: Platform, actor: User, year: int) -> AnnualReport:
    """The secretariat starts the platform's annual report for a year."""
    _check_manager(actor, platform)
    _check_year(year)
    if AnnualReport.objects.filter(platform=platform, year=year).exists():
        raise ValidationError(
            {"year": _("This platform already has a report for that year; open it instead.")}
        )
    try:
        with transaction.atomic():
            report = AnnualReport.objects.create(platform=platform, year=year, created_by=actor)
    except IntegrityError as exc:
        raise ValidationError(
            {"year": _("This platform already has a report for that year.")}
        ) from exc
    _report_event(report, action="create", actor=actor, new=report.status)
    return report


@transaction.atomic
def report_update(*, report: AnnualReport, actor: User, **sections: str) -> AnnualReport:
    """Change the narrative sections of a report that is not yet published."""
    report = _locked_report(report)
    _check_manager(actor, report)
    _require_report(report, "edit")
    unknown = set(sections) - set(AnnualReport.SECTIONS)
    if unknown:
        raise ValueError(f"unknown sections {unknown}")
    for name, text in sections.items():
        setattr(report, name, (text or "").strip())
    report.full_clean(validate_constraints=False)
    report.save(update_fields=list(sections))
    return report


@transaction.atomic
def report_generate(*, report: AnnualReport, actor: User) -> AnnualReport:
    """Queue the computation of the report's figures; the task runs after the commit."""
    report = _locked_report(report)
    _check_manager(actor, report)
    _require_report(report, "generate")
    report.job, report.job_progress = AnnualReport.Job.PENDING, 0
    report.save(update_fields=["job", "job_progress"])
    _report_event(report, action="generate", actor=actor)
    from reporting.tasks import generate_report

    transaction.on_commit(lambda: generate_report.delay(report.pk))
    return report


def report_compute(*, report_id: int) -> AnnualReport:
    """Compute and store the figures of a draft report (the task's body), showing progress."""

    def progress(pct: int) -> None:
        AnnualReport.objects.filter(pk=report_id).update(job_progress=pct)

    report = AnnualReport.objects.select_related("platform", "platform__territory").get(
        pk=report_id
    )
    if report.is_public:  # a late task never touches a published report
        return report
    AnnualReport.objects.filter(pk=report_id).update(job=AnnualReport.Job.RUNNING, job_progress=5)
    try:
        figures = selectors.report_figures(report.platform, report.year, progress=progress)
    except Exception:
        AnnualReport.objects.filter(pk=report_id).update(job=AnnualReport.Job.FAILED)
        raise
    with transaction.atomic():
        report = _locked_report(report)
        if report.is_public:
            return report
        report.figures, report.generated_at = figures, timezone.now()
        report.job, report.job_progress = AnnualReport.Job.DONE, 100
        report.save(update_fields=["figures", "generated_at", "job", "job_progress"])
    return report


def _transition(report: AnnualReport, action: str, actor, note: str = "") -> AnnualReport:
    old, report.status = report.status, REPORT_TRANSITIONS[action][1]
    report.save(update_fields=["status"])
    _report_event(report, action=action, actor=actor, old=old, new=report.status, note=note)
    return report


@transaction.atomic
def report_submit_review(*, report: AnnualReport, actor: User) -> AnnualReport:
    """Put the draft to the platform's members for review before publication."""
    report = _locked_report(report)
    _check_manager(actor, report)
    _require_report(report, "review")
    return _transition(report, "review", actor)


@transaction.atomic
def report_return(*, report: AnnualReport, actor: User) -> AnnualReport:
    """Take a report under review back to draft."""
    report = _locked_report(report)
    _check_manager(actor, report)
    _require_report(report, "return")
    return _transition(report, "return", actor)


def _missing_sections(sections: dict) -> list[str]:
    return [name for name in REQUIRED_SECTIONS if not (sections.get(name) or "").strip()]


def _section_errors(missing: list[str]) -> dict:
    labels = {n: AnnualReport._meta.get_field(n).verbose_name for n in AnnualReport.SECTIONS}
    return {
        name: _("Write the section “%(s)s” before publishing.") % {"s": labels[name]}
        for name in missing
    }


def _freeze(
    report: AnnualReport, *, actor, figures: dict, sections: dict, note: str = ""
) -> ReportVersion:
    number = report.versions.count() + 1
    figures = {**figures, "version_number": number}
    return ReportVersion.objects.create(
        report=report,
        number=number,
        figures=figures,
        sections=sections,
        note=note,
        published_by=actor,
    )


def _after_publish(report: AnnualReport, version: ReportVersion, verb: str) -> None:
    from reporting.tasks import render_report_pdfs

    members = Membership.objects.current().filter(platform=report.platform)
    notify(
        users=list(User.objects.filter(pk__in=members.values("user"))),
        verb=verb,
        title=Message(
            gettext_lazy("Annual report %(year)d published: %(platform)s"),
            {"year": report.year, "platform": report.platform.name},
        ),
        url=report.get_absolute_url(),
    )
    # A worker renders every language ahead of the first download. Run eagerly (development,
    # tests) that would hold the publishing request for seconds per language, so the PDFs are
    # rendered on first download instead and stored then (reporting.pdf.version_pdf).
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        transaction.on_commit(lambda: render_report_pdfs.delay(version.pk))


@transaction.atomic
def report_publish(*, report: AnnualReport, actor: User) -> ReportVersion:
    """Freeze the generated figures and the narrative as version 1, public from now on."""
    report = _locked_report(report)
    _check_manager(actor, report)
    _require_report(report, "publish")
    sections = {name: getattr(report, name) for name in AnnualReport.SECTIONS}
    missing = _missing_sections(sections)
    if missing:
        raise ValidationError(_section_errors(missing))
    if not report.figures or report.job != AnnualReport.Job.DONE:
        raise ValidationError(_("Generate the figures and check the preview before publishing."))
    version = _freeze(report, actor=actor, figures=report.figures, sections=sections)
    report.published_at = version.published_at
    report.save(update_fields=["published_at"])
    _transition(report, "publish", actor)
    _after_publish(report, version, "report.published")
    return version


@transaction.atomic
def report_correct(
    *, report: AnnualReport, actor: User, note: str, recompute: bool = False, **sections: str
) -> ReportVersion:
    """Publish a correction: a new frozen version with a note; earlier versions stay readable."""
    report = _locked_report(report)
    _check_manager(actor, report)
    _require_report(report, "correct")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what the correction changes.")})
    latest = report.versions.order_by("-number").first()
    merged = {
        **latest.sections,
        **{k: (v or "").strip() for k, v in sections.items() if k in AnnualReport.SECTIONS},
    }
    missing = _missing_sections(merged)
    if missing:
        raise ValidationError(_section_errors(missing))
    figures = latest.figures
    if recompute:
        figures = selectors.report_figures(report.platform, report.year)
    if figures == latest.figures and merged == latest.sections:
        raise ValidationError(
            _("Nothing changed: a correction must change a section or the figures.")
        )
    version = _freeze(report, actor=actor, figures=figures, sections=merged, note=note)
    for name, text in merged.items():
        setattr(report, name, text)
    report.figures = figures
    report.save(update_fields=[*AnnualReport.SECTIONS, "figures"])
    _transition(report, "correct", actor, note=note)
    _after_publish(report, version, "report.corrected")
    return version
