"""Pages of SARA problems, the library of practice, the hot-spot map and exchanges."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.paging import capped_counts, keyset_page
from accounts.web import run_service
from forums.problems import permissions, selectors, services
from forums.problems.forms import (
    STAGE_FORMS,
    AdoptForm,
    AfterForm,
    ExchangeForm,
    InvitationAnswerForm,
    LibraryFilterForm,
    LinkForm,
    LogForm,
    MapFilterForm,
    MeasureForm,
    OutcomeForm,
    PracticeForm,
    RaiseProposalForm,
    ReviewForm,
    StageFilterForm,
    TaskForm,
)
from forums.problems.models import (
    Exchange,
    ExchangeInvitation,
    Practice,
    Problem,
    ProblemMeasure,
    ProblemReview,
    Stage,
)
from platforms import permissions as platform_perms
from platforms.views import access_platform


def access_problem(request, pk: int) -> Problem:
    """A problem of a platform the user may see; 404 otherwise."""
    try:
        problem = selectors.problem_page(pk)
    except Problem.DoesNotExist:
        raise Http404(_("No such problem.")) from None
    if not permissions.can_view_problem(request.user, problem):
        raise Http404(_("No such problem."))
    return problem


def problem_list(request, slug: str):
    platform = access_platform(request, slug)
    form = StageFilterForm(request.GET)
    stage = form.cleaned_data.get("stage", "") if form.is_valid() else ""
    problems = selectors.problem_list(platform=platform, stage=stage)
    page = keyset_page(
        problems,
        keys=("updated_at", "pk"),
        descending=True,
        per_page=30,
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
        count=capped_counts({"problems": problems})["problems"],
    )
    return render(
        request,
        "forums/problems/list.html",
        {
            "platform": platform,
            "page": page,
            "stage": stage,
            "stages": Stage.choices,
            "can_record": permissions.can_record_problem(request.user, platform),
        },
    )


@login_required
def problem_new(request, slug: str):
    platform = access_platform(request, slug)
    if not permissions.can_record_problem(request.user, platform):
        raise PermissionDenied(_("Only members of this platform record its problems."))
    form = STAGE_FORMS[Stage.SCANNING](request.POST or None, platform=platform)
    if request.method == "POST" and form.is_valid():
        problem = run_service(
            form,
            services.problem_create,
            platform=platform,
            actor=request.user,
            **form.cleaned_data,
        )
        if problem:
            messages.success(request, _("Problem recorded: now complete the scanning."))
            return redirect(problem.get_absolute_url())
    return render(
        request,
        "forums/problems/form.html",
        {"platform": platform, "form": form, "stage_label": Stage.SCANNING.label},
    )


def _detail_forms(request, problem: Problem) -> dict:
    data = request.POST if request.method == "POST" else None
    action = request.POST.get("action", "") if data else ""

    def bound(name, cls, **kwargs):
        return cls(data if action == name else None, prefix=name, **kwargs)

    return {
        "measure": bound("measure", MeasureForm),
        "after": bound("after", AfterForm),
        "task": bound("task", TaskForm),
        "log": bound("log", LogForm),
        "link": bound("link", LinkForm, platform=problem.platform),
        "raise": bound("raise", RaiseProposalForm),
    }


def _detail_action(request, problem: Problem, forms: dict) -> bool:
    """Run the posted action; True when it succeeded."""
    action = request.POST.get("action", "")
    user = request.user
    if action == "advance":
        transition = request.POST.get("transition", "")
        try:
            services.problem_advance(problem=problem, actor=user, action=transition)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return False
        messages.success(request, _("The problem moved to the next stage."))
        return True
    form = forms.get(action)
    if form is None or not form.is_valid():
        return False
    data = form.cleaned_data
    if action == "measure":
        return bool(run_service(form, services.measure_add, problem=problem, actor=user, **data))
    if action == "after":
        measure = ProblemMeasure.objects.filter(pk=data["measure"], problem=problem).first()
        if measure is None:
            raise Http404
        return bool(
            run_service(
                form,
                services.measure_record_after,
                measure=measure,
                actor=user,
                after_value=data["after_value"],
                after_on=data["after_on"],
            )
        )
    if action == "task":
        return bool(run_service(form, services.task_add, problem=problem, actor=user, **data))
    if action == "log":
        return bool(run_service(form, services.problem_log, problem=problem, actor=user, **data))
    if action == "link":
        return bool(run_service(form, services.problem_link, problem=problem, actor=user, **data))
    if action == "raise":
        proposal = run_service(
            form, services.problem_raise_proposal, problem=problem, actor=user, **data
        )
        if proposal:
            messages.success(
                request,
                _("Proposal submitted to the forum; once adopted it can be escalated upward."),
            )
        return bool(proposal)
    return False


def problem_detail(request, pk: int):
    problem = access_problem(request, pk)
    user = request.user
    can_work = permissions.can_work_on_problem(user, problem)
    forms = _detail_forms(request, problem)
    if request.method == "POST":
        if not user.is_authenticated:
            raise PermissionDenied
        if not can_work:
            raise PermissionDenied(_("Only members of the problem's own forum change it."))
        if _detail_action(request, problem, forms):
            return redirect(problem.get_absolute_url())
        problem = access_problem(request, pk)
    transitions = [
        {
            "t": t,
            "allowed": permissions.can_take_transition(user, problem, t),
            "decided": not t.decision or problem.decision == t.decision,
        }
        for t in services.transitions_from(problem.stage)
    ]
    stage_index = services.STAGE_ORDER.index(problem.stage)
    return render(
        request,
        "forums/problems/detail.html",
        {
            "problem": problem,
            "platform": problem.platform,
            "stages": [(s, s.label, i) for i, s in enumerate(services.STAGE_ORDER)],
            "stage_index": stage_index,
            "missing": services.stage_missing(problem, problem.stage)
            if problem.stage != Stage.CLOSED
            else [],
            "transitions": transitions,
            "can_work": can_work,
            "editable_stages": [s for s in services.STAGE_ORDER[: stage_index + 1] if can_work],
            "forms": forms,
            "suggested": selectors.practices_for_options(problem)
            if problem.stage in (Stage.ANALYSIS, Stage.RESPONSE)
            else [],
            "can_publish": permissions.can_publish_practice(user, problem),
            "can_review": user.is_authenticated and permissions.can_review_problem(user, problem),
            "review_max": ProblemReview.max_total(),
            "privacy_help": _(
                "No names, addresses, ID numbers or phone numbers of victims, minors or anyone "
                "else."
            ),
        },
    )


@login_required
def problem_edit(request, pk: int, stage: str):
    problem = access_problem(request, pk)
    if not permissions.can_work_on_problem(request.user, problem):
        raise PermissionDenied(_("Only members of the problem's own forum change it."))
    if (
        stage not in STAGE_FORMS
        or stage not in services.STAGE_ORDER[: services.STAGE_ORDER.index(problem.stage) + 1]
    ):
        raise Http404
    cls = STAGE_FORMS[stage]
    kwargs = {"platform": problem.platform} if stage == Stage.SCANNING else {}
    initial = {name: getattr(problem, name) for name in services.STAGE_FIELDS[stage]}
    if stage == Stage.SCANNING:
        initial["source_proposal"] = problem.source_proposal_id
    form = cls(request.POST or None, initial=initial, **kwargs)
    if request.method == "POST" and form.is_valid():
        if run_service(
            form, services.problem_update, problem=problem, actor=request.user, **form.cleaned_data
        ):
            messages.success(request, _("Saved."))
            return redirect(problem.get_absolute_url())
    return render(
        request,
        "forums/problems/form.html",
        {
            "platform": problem.platform,
            "problem": problem,
            "form": form,
            "stage_label": Stage(stage).label,
            "suggested": selectors.practices_for_options(problem)
            if stage == Stage.RESPONSE
            else [],
        },
    )


@login_required
def problem_publish(request, pk: int):
    problem = access_problem(request, pk)
    if not platform_perms.can_act_as_secretariat(request.user, problem.platform):
        raise PermissionDenied(_("Only the forum's secretariat publishes its case studies."))
    initial = {
        "title": problem.title,
        "what_worked": problem.chosen_response,
        "measures": "\n".join(
            f"{m.name}: {m.baseline_value} → {m.after_value}" for m in problem.measures.all()
        ),
    }
    form = PracticeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        practice = run_service(
            form,
            services.practice_publish,
            problem=problem,
            actor=request.user,
            **form.cleaned_data,
        )
        if practice:
            messages.success(request, _("Published in the library of practice."))
            return redirect(practice.get_absolute_url())
    return render(
        request,
        "forums/problems/publish.html",
        {"problem": problem, "platform": problem.platform, "form": form},
    )


@login_required
def problem_review(request, pk: int):
    problem = access_problem(request, pk)
    reviewer = permissions.reviewing_platform(request.user, problem)
    if reviewer is None:
        raise PermissionDenied(
            _("Only the secretariat of a council above this forum reviews its problems.")
        )
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if run_service(
            form, services.review_add, problem=problem, actor=request.user, **form.cleaned_data
        ):
            messages.success(request, _("Review sent to the forum."))
            return redirect(problem.get_absolute_url())
    return render(
        request,
        "forums/problems/review.html",
        {"problem": problem, "platform": problem.platform, "reviewer": reviewer, "form": form},
    )


def library(request):
    form = LibraryFilterForm(request.GET)
    filters = form.filters()
    practices = selectors.library(**filters)
    page = keyset_page(
        practices,
        keys=("published_at", "pk"),
        descending=True,
        per_page=20,
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
        count=capped_counts({"practices": practices})["practices"],
    )
    return render(
        request,
        "forums/problems/library.html",
        {"page": page, "form": form, "filters": filters, "regions": selectors.regions()},
    )


def practice_detail(request, pk: int):
    practice = get_object_or_404(
        Practice.objects.select_related("platform", "territory", "problem"), pk=pk
    )
    if not platform_perms.can_view_platform(request.user, practice.platform):
        raise Http404
    user = request.user
    problems = permissions.problems_to_link(user, practice) if user.is_authenticated else None
    form = None
    if problems is not None and (request.method == "POST" or problems.exists()):
        form = AdoptForm(request.POST or None, problems=problems)
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Only members of the problem's own forum link it."))
        if form.is_valid() and run_service(
            form,
            services.practice_adopt,
            practice=practice,
            actor=user,
            **form.cleaned_data,
        ):
            messages.success(request, _("Linked: your forum is trying this practice."))
            return redirect(practice.get_absolute_url())
    adoptions = practice.adoptions.select_related("platform", "problem").order_by("-at")
    return render(
        request,
        "forums/problems/practice.html",
        {"practice": practice, "platform": practice.platform, "adoptions": adoptions, "form": form},
    )


def hotspots(request, slug: str | None = None):
    platform = access_platform(request, slug) if slug else None
    form = MapFilterForm(request.GET)
    filters = form.filters()
    cells = selectors.hotspot_cells(platform=platform, **filters)
    return render(
        request,
        "forums/problems/hotspots.html",
        {
            "platform": platform,
            "form": form,
            "cells": cells,
            "districts": selectors.hotspot_districts(platform=platform, **filters),
            "towns": selectors.map_towns(translation.get_language() or "ru"),
            "width": selectors.MAP_WIDTH,
            "height": selectors.MAP_HEIGHT,
            "stages": Stage.choices,
        },
    )


def hotspots_data(request, slug: str | None = None):
    """The map's clusters as JSON, for a client-side map: coarse cells, counts only."""
    platform = access_platform(request, slug) if slug else None
    filters = MapFilterForm(request.GET).filters()
    cells = selectors.hotspot_cells(platform=platform, **filters)
    return JsonResponse(
        {
            "cell_degrees": 1 / selectors.CELLS_PER_DEGREE,
            "cells": [{k: c[k] for k in ("lat", "lon", "n", "open")} for c in cells],
        }
    )


def exchange_list(request, slug: str):
    platform = access_platform(request, slug)
    page = Paginator(selectors.exchanges_of(platform), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "forums/problems/exchange_list.html",
        {
            "platform": platform,
            "page": page,
            "can_propose": permissions.can_propose_exchange(request.user, platform),
        },
    )


@login_required
def exchange_new(request, slug: str):
    platform = access_platform(request, slug)
    if not permissions.can_propose_exchange(request.user, platform):
        raise PermissionDenied(_("Only the secretariat invites other forums."))
    form = ExchangeForm(request.POST or None, platform=platform)
    if request.method == "POST" and form.is_valid():
        exchange = run_service(
            form, services.exchange_propose, host=platform, actor=request.user, **form.cleaned_data
        )
        if exchange:
            messages.success(request, _("Invitations sent to the forums' secretariats."))
            return redirect(exchange.get_absolute_url())
    return render(
        request, "forums/problems/exchange_form.html", {"platform": platform, "form": form}
    )


def exchange_detail(request, pk: int):
    try:
        exchange = selectors.exchange_page(pk)
    except Exchange.DoesNotExist:
        raise Http404 from None
    if not platform_perms.can_view_platform(request.user, exchange.host):
        raise Http404
    user = request.user
    invitations = list(exchange.invitations.all())
    answerable = (
        [i for i in invitations if permissions.can_answer_invitation(user, i)]
        if user.is_authenticated
        else []
    )
    action = request.POST.get("action", "") if request.method == "POST" else ""
    posted_invitation = request.POST.get("invitation", "") if action == "answer" else ""
    answer_forms = [
        (
            invitation,
            InvitationAnswerForm(
                request.POST if posted_invitation == str(invitation.pk) else None,
                prefix=f"inv{invitation.pk}",
            ),
        )
        for invitation in answerable
    ]
    can_outcome = user.is_authenticated and permissions.can_publish_outcome(user, exchange)
    outcome_form = OutcomeForm(request.POST if action == "outcome" else None)
    if request.method == "POST":
        if action == "answer":
            invitation, form = next(
                ((i, f) for i, f in answer_forms if str(i.pk) == posted_invitation),
                (None, None),
            )
            if invitation is None:
                raise PermissionDenied(_("Only the invited forum's secretariat answers."))
            if form.is_valid() and run_service(
                form,
                services.exchange_answer,
                invitation=invitation,
                actor=user,
                **form.cleaned_data,
            ):
                messages.success(request, _("Your answer was sent to the host forum."))
                return redirect(exchange.get_absolute_url())
        elif action == "outcome":
            if not can_outcome:
                raise PermissionDenied(
                    _("Only the host forum's secretariat publishes the outcome.")
                )
            if outcome_form.is_valid() and run_service(
                outcome_form,
                services.exchange_publish_outcome,
                exchange=exchange,
                actor=user,
                **outcome_form.cleaned_data,
            ):
                messages.success(request, _("Outcome published."))
                return redirect(exchange.get_absolute_url())
        else:
            raise PermissionDenied
    return render(
        request,
        "forums/problems/exchange_detail.html",
        {
            "exchange": exchange,
            "meeting": exchange.meeting,
            "platform": exchange.host,
            "invitations": invitations,
            "answer_forms": answer_forms,
            "can_outcome": can_outcome,
            "held": exchange.meeting.starts_at <= timezone.now(),
            "outcome_form": outcome_form,
            "answers": ExchangeInvitation.Answer,
        },
    )
