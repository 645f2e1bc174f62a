from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.web import add_service_errors, run_service
from platforms.models import PoliceUnit, Territory
from platforms.views import access_platform
from reporting import caching, permissions, services
from reporting.exports import version_csv, version_json
from reporting.forms import (
    ActionForm,
    CorrectionForm,
    EndorseForm,
    PlanEditForm,
    PlanForm,
    ProgressForm,
    SectionsForm,
    YearForm,
)
from reporting.models import AnnualReport, PlanAction, ReportVersion, StrategicPlan
from reporting.pdf import version_pdf
from reporting.presentation import chart, headline, report_sections


def _denied(request, exc: PermissionDenied):
    messages.error(request, str(exc) or _("You may not do this."))


# --- public pages -------------------------------------------------------------------------


def index(request):
    """Every published report, newest first."""
    reports = (
        AnnualReport.objects.filter(status__in=AnnualReport.PUBLIC_STATUSES)
        .select_related("platform")
        .order_by("-year", "platform__level", "platform__name")
    )
    page = Paginator(reports, 40).get_page(request.GET.get("page"))
    return render(request, "reporting/index.html", {"page": page})


def statistics(request):
    regions = Territory.objects.filter(
        kind__in=[Territory.Kind.OBLAST, Territory.Kind.CITY_REPUBLICAN]
    ).order_by("code")
    code = request.GET.get("oblast") or ""
    territory = next((r for r in regions if r.code == code), None) if code else None
    stats = caching.statistics_cached(territory)
    sections = report_sections(
        {
            "platforms": stats["platforms"],
            "proposals": stats["proposals"],
            "responses": stats["responses"],
            "assessments": stats["assessments"],
        }
    )
    level_rows = [
        (r["name"], r["community"] + r["district"] + r["national"]) for r in stats["by_region"]
    ]
    return render(
        request,
        "reporting/statistics.html",
        {
            "stats": stats,
            "sections": sections,
            "regions": regions,
            "territory": territory,
            "region_chart": chart(_("Platforms by region"), level_rows)
            if any(n for _r, n in level_rows)
            else "",
        },
    )


def archive(request, slug: str):
    """All reports and plans of a platform, by year."""
    platform = access_platform(request, slug)
    manage = permissions.can_manage_reporting(request.user, platform)
    reports = platform.reports.order_by("-year")
    plans = platform.plans.order_by("-year")
    if not manage:
        reports = reports.filter(status__in=AnnualReport.PUBLIC_STATUSES)
        plans = plans.filter(pk__in=permissions.plans_visible_to(request.user).values("pk"))
    return render(
        request,
        "reporting/archive.html",
        {"platform": platform, "reports": reports, "plans": plans, "can_manage": manage},
    )


def _report(request, slug: str, year: int) -> AnnualReport:
    platform = access_platform(request, slug)
    report = get_object_or_404(AnnualReport, platform=platform, year=year)
    report.platform = platform
    if not permissions.can_view_report(request.user, report):
        raise Http404(_("No such report."))
    return report


def _version(report: AnnualReport, number: int | None) -> ReportVersion:
    versions = report.versions.all()
    version = (
        versions.filter(number=number).first() if number else versions.order_by("-number").first()
    )
    if version is None:
        raise Http404(_("No such version."))
    version.report = report
    return version


def report_detail(request, slug: str, year: int):
    """The published report (its latest version, or an earlier one by number)."""
    report = _report(request, slug, year)
    if not report.is_public:
        return redirect("reporting:report_manage", slug=slug, year=year)
    try:
        number = int(request.GET.get("version") or 0)
    except ValueError:
        number = 0
    version = _version(report, number)
    all_versions = list(
        report.versions.order_by("-number").values("number", "published_at", "note")
    )
    return render(
        request,
        "reporting/report_detail.html",
        {
            "report": report,
            "platform": report.platform,
            "version": version,
            "latest": all_versions[0]["number"],
            "versions": all_versions,
            "sections": report_sections(version.figures),
            "headline": headline(version.figures),
            "narrative": version.sections,
            "figures": version.figures,
            "can_manage": permissions.can_manage_reporting(request.user, report.platform),
        },
    )


def report_pdf(request, slug: str, year: int, number: int):
    report = _report(request, slug, year)
    if not report.is_public:
        raise Http404(_("No such report."))
    version = _version(report, number)
    language = request.GET.get("lang") or get_language() or "ru"
    if language not in {code for code, _n in settings.LANGUAGES}:
        language = "ru"
    stored = version_pdf(version, language)
    filename = f"report-{report.platform.slug}-{year}-v{number}-{language}.pdf"
    return FileResponse(
        stored.file.open("rb"),
        content_type="application/pdf",
        filename=filename,
        as_attachment=True,
    )


def report_csv(request, slug: str, year: int, number: int):
    report = _report(request, slug, year)
    if not report.is_public:
        raise Http404(_("No such report."))
    version = _version(report, number)
    response = HttpResponse(version_csv(version), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="report-{report.platform.slug}-{year}-v{number}.csv"'
    )
    return response


def report_json(request, slug: str, year: int, number: int):
    report = _report(request, slug, year)
    if not report.is_public:
        raise Http404(_("No such report."))
    version = _version(report, number)
    response = HttpResponse(version_json(version), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="report-{report.platform.slug}-{year}-v{number}.json"'
    )
    return response


# --- the secretariat's workspace -----------------------------------------------------------


@login_required
def report_new(request, slug: str):
    platform = access_platform(request, slug)
    if not permissions.can_manage_reporting(request.user, platform):
        raise PermissionDenied(_("Only the secretariat of this platform writes its reports."))
    form = YearForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        report = run_service(
            form,
            services.report_create,
            platform=platform,
            actor=request.user,
            year=form.cleaned_data["year"],
        )
        if report is not None:
            messages.success(
                request, _("Report started. Write its sections and generate the figures.")
            )
            return redirect("reporting:report_manage", slug=slug, year=report.year)
    return render(request, "reporting/report_new.html", {"platform": platform, "form": form})


REPORT_ACTIONS = {
    "generate": services.report_generate,
    "review": services.report_submit_review,
    "return": services.report_return,
    "publish": services.report_publish,
}


@login_required
def report_manage(request, slug: str, year: int):
    """Write, generate, preview and publish: buttons come from the transition table."""
    report = _report(request, slug, year)
    if not permissions.can_manage_reporting(request.user, report.platform):
        raise PermissionDenied(_("Only the secretariat of this platform writes its reports."))
    allowed = services.report_actions_allowed(report)
    form = SectionsForm(request.POST or None, instance=report)
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action not in allowed and action != "save":
            messages.error(request, _("This step is not possible now."))
            return redirect("reporting:report_manage", slug=slug, year=year)
        if "edit" in allowed and form.is_valid():
            try:
                services.report_update(
                    report=report,
                    actor=request.user,
                    **{name: form.cleaned_data[name] for name in AnnualReport.SECTIONS},
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
        if not form.errors or "edit" not in allowed:
            if action == "save":
                messages.success(request, _("Sections saved."))
                return redirect("reporting:report_manage", slug=slug, year=year)
            try:
                REPORT_ACTIONS[action](report=report, actor=request.user)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, ACTION_DONE[action]())
                if action == "publish":
                    return redirect(report.get_absolute_url())
                return redirect("reporting:report_manage", slug=slug, year=year)
        report.refresh_from_db()
    working = report.job in (AnnualReport.Job.PENDING, AnnualReport.Job.RUNNING)
    return render(
        request,
        "reporting/report_manage.html",
        {
            "report": report,
            "platform": report.platform,
            "form": form,
            "allowed": allowed,
            "working": working,
            "sections": report_sections(report.figures) if report.figures else [],
            "headline": headline(report.figures) if report.figures else [],
            "figures": report.figures,
            "versions": report.versions.order_by("-number"),
        },
    )


ACTION_DONE = {
    "generate": lambda: _("The figures are being computed."),
    "review": lambda: _("The report is in review."),
    "return": lambda: _("The report is back in draft."),
    "publish": lambda: _("The report is published."),
}


@login_required
def report_correct(request, slug: str, year: int):
    report = _report(request, slug, year)
    if not permissions.can_manage_reporting(request.user, report.platform):
        raise PermissionDenied(_("Only the secretariat of this platform writes its reports."))
    if "correct" not in services.report_actions_allowed(report):
        messages.error(request, _("Only a published report is corrected."))
        return redirect("reporting:report_manage", slug=slug, year=year)
    form = CorrectionForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        version = run_service(
            form,
            services.report_correct,
            report=report,
            actor=request.user,
            note=form.cleaned_data["note"],
            recompute=form.cleaned_data["recompute"],
            **{name: form.cleaned_data[name] for name in AnnualReport.SECTIONS},
        )
        if version is not None:
            messages.success(
                request, _("The correction is published as version %(n)d.") % {"n": version.number}
            )
            return redirect(report.get_absolute_url())
    return render(
        request,
        "reporting/report_correct.html",
        {"report": report, "platform": report.platform, "form": form},
    )


# --- plans -----------------------------------------------------------------------------------


@login_required
def plan_new(request, slug: str):
    platform = access_platform(request, slug)
    if not permissions.can_manage_reporting(request.user, platform):
        raise PermissionDenied(_("Only the secretariat of this platform drafts its plans."))
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        plan = run_service(
            form, services.plan_create, platform=platform, actor=request.user, **form.cleaned_data
        )
        if plan is not None:
            messages.success(request, _("Plan started. Add its actions, then put it to the vote."))
            return redirect(plan.get_absolute_url())
    return render(request, "reporting/plan_new.html", {"platform": platform, "form": form})


def _plan(request, slug: str, year: int) -> StrategicPlan:
    platform = access_platform(request, slug)
    plan = get_object_or_404(
        StrategicPlan.objects.select_related("decision"), platform=platform, year=year
    )
    plan.platform = platform
    if not permissions.can_view_plan(request.user, plan):
        raise Http404(_("No such plan."))
    return plan


def _units_for(plan: StrategicPlan):
    territory = plan.platform.territory
    ids = [*territory.ancestor_ids(), territory.pk]
    return PoliceUnit.objects.filter(
        territory__path__startswith=territory.path
    ) | PoliceUnit.objects.filter(territory_id__in=ids)


PLAN_ACTIONS = {"vote": services.plan_put_to_vote, "decide": services.plan_decide}


def plan_detail(request, slug: str, year: int):
    plan = _plan(request, slug, year)
    user = request.user
    manage = permissions.can_manage_reporting(user, plan.platform)
    allowed = services.plan_actions_allowed(plan) if manage else set()
    edit_form = PlanEditForm(initial={"title": plan.title, "objectives": plan.objectives})
    action_form = ActionForm(units=_units_for(plan))
    endorse_party = permissions.endorsing_party(user, plan) if user.is_authenticated else None
    if request.method == "POST":
        if not user.is_authenticated:
            raise PermissionDenied
        what = request.POST.get("action", "")
        try:
            if what == "edit" and "edit" in allowed:
                edit_form = PlanEditForm(request.POST)
                if edit_form.is_valid() and run_service(
                    edit_form, services.plan_update, plan=plan, actor=user, **edit_form.cleaned_data
                ):
                    messages.success(request, _("Plan saved."))
                    return redirect(plan.get_absolute_url())
            elif what == "add" and "edit" in allowed:
                action_form = ActionForm(request.POST, units=_units_for(plan))
                if action_form.is_valid() and run_service(
                    action_form,
                    services.plan_action_add,
                    plan=plan,
                    actor=user,
                    **action_form.cleaned_data,
                ):
                    messages.success(request, _("Action added."))
                    return redirect(plan.get_absolute_url())
            elif what in PLAN_ACTIONS and what in allowed:
                PLAN_ACTIONS[what](plan=plan, actor=user)
                messages.success(request, _("Done."))
                return redirect(plan.get_absolute_url())
            elif what == "endorse" and endorse_party:
                form = EndorseForm(request.POST)
                if form.is_valid():
                    services.plan_endorse(plan=plan, actor=user, note=form.cleaned_data["note"])
                    messages.success(request, _("Your endorsement is recorded."))
                    return redirect(plan.get_absolute_url())
            else:
                messages.error(request, _("This step is not possible now."))
                return redirect(plan.get_absolute_url())
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(plan.get_absolute_url())
        except PermissionDenied as exc:
            _denied(request, exc)
            return redirect(plan.get_absolute_url())
    actions = list(plan.actions.select_related("police_unit"))
    return render(
        request,
        "reporting/plan_detail.html",
        {
            "plan": plan,
            "platform": plan.platform,
            "actions": actions,
            "overdue": sum(1 for a in actions if a.is_overdue),
            "endorsements": plan.endorsements.select_related("unit", "user"),
            "events": plan.events.select_related("actor", "action")[:30],
            "allowed": allowed,
            "can_manage": manage,
            "edit_form": edit_form,
            "action_form": action_form,
            "progress_statuses": PlanAction.Status.choices,
            "endorse_party": endorse_party
            and not plan.endorsements.filter(user=user, party=endorse_party).exists(),
            "endorse_form": EndorseForm(),
        },
    )


@login_required
@require_POST
def plan_action_progress(request, slug: str, year: int, pk: int):
    plan = _plan(request, slug, year)
    action = get_object_or_404(PlanAction, pk=pk, plan=plan)
    action.plan = plan
    form = ProgressForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a status and a progress from 0 to 100."))
        return redirect(plan.get_absolute_url())
    try:
        services.plan_action_progress(action=action, actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        _denied(request, exc)
    else:
        messages.success(request, _("Progress recorded."))
    return redirect(plan.get_absolute_url())
