"""Thin views: fetch and authorise (404 for what one may not see), call a service, render."""

import csv

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.exports import safe_row
from accounts.web import add_service_errors, run_service
from assessments import charts, permissions, selectors, services
from assessments import transitions as T
from assessments.forms import (
    POLL_QUESTIONS,
    CompareForm,
    ConcernForm,
    EvidenceForm,
    FigureForm,
    FindingForm,
    FollowUpForm,
    ModerationForm,
    PaperBatchForm,
    PollForm,
    RecommendationForm,
    ReplyForm,
    ResidenceForm,
    ResponseForm,
    RoundForm,
    ScoreForm,
)
from assessments.models import (
    Framework,
    Grade,
    Moderation,
    Recommendation,
    Residence,
    Round,
    Score,
    Subject,
    TargetKind,
    Track,
)
from platforms import permissions as pp
from platforms.models import Decision, LiaisonOfficer, Platform, PoliceUnit


def _login_needed(request):
    return redirect_to_login(request.get_full_path())


def access_round(request, pk: int) -> Round:
    """The round if the user may see it; 404 otherwise (drafts are private)."""
    round_ = get_object_or_404(
        Round.objects.select_related("platform__territory", "framework", "poll"), pk=pk
    )
    if not permissions.can_view_round(request.user, round_):
        raise Http404(_("No such assessment round."))
    return round_


def index(request):
    published = Round.objects.filter(state=Round.State.PUBLISHED).select_related(
        "platform", "framework"
    )
    page = Paginator(published.order_by("-published_at"), 30).get_page(request.GET.get("page"))
    in_progress = []
    if request.user.is_authenticated:
        in_progress = list(
            permissions.rounds_visible_to(request.user)
            .exclude(state=Round.State.PUBLISHED)
            .select_related("platform", "framework")[:50]
        )
    return render(
        request,
        "assessments/index.html",
        {
            "page": page,
            "in_progress": in_progress,
            "frameworks": Framework.objects.all(),
            "my_units": list(permissions.units_user_may_edit(request.user)[:20])
            if request.user.is_authenticated and not request.user.is_superuser
            else [],
        },
    )


def framework_detail(request, pk: int):
    framework = get_object_or_404(Framework, pk=pk)
    criteria = list(framework.criteria.all())
    return render(
        request,
        "assessments/framework.html",
        {
            "framework": framework,
            "external": [c for c in criteria if c.track == Track.EXTERNAL],
            "internal": [c for c in criteria if c.track == Track.INTERNAL],
            "grades": Grade.choices,
        },
    )


def platform_rounds(request, slug: str):
    platform = get_object_or_404(Platform.objects.select_related("territory"), slug=slug)
    if not pp.can_view_platform(request.user, platform):
        raise Http404(_("No such platform."))
    rounds = permissions.rounds_visible_to(request.user).filter(platform=platform)
    return render(
        request,
        "assessments/platform_rounds.html",
        {
            "platform": platform,
            "rounds": rounds.select_related("framework"),
            "can_manage": permissions.can_manage_round(request.user, platform),
        },
    )


def round_new(request, slug: str):
    platform = get_object_or_404(Platform.objects.select_related("territory"), slug=slug)
    if not request.user.is_authenticated:
        return _login_needed(request)
    if not permissions.can_manage_round(request.user, platform):
        raise PermissionDenied(_("Only the secretariat of this platform opens assessment rounds."))
    kinds = permissions.TARGETS_BY_LEVEL.get(platform.level, ())
    units = PoliceUnit.objects.none()
    for kind in kinds:
        if kind not in permissions.OFFICER_POSITION_BY_TARGET:
            units = units | permissions.units_in_scope(platform, kind)
    officers = LiaisonOfficer.objects.none()
    for kind in kinds:
        officers = officers | permissions.officers_in_scope(platform, kind)
    units = list(units.distinct().order_by("name"))
    officers = list(officers.select_related("user", "unit").distinct())
    form = RoundForm(request.POST or None, platform=platform, units=units, officers=officers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        by_pk = {str(u.pk): u for u in units}
        officer_by_pk = {str(o.pk): o for o in officers}
        round_ = run_service(
            form,
            services.round_create,
            platform=platform,
            actor=request.user,
            framework=data["framework"],
            title=data["title"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            units=[by_pk[pk] for pk in data["units"]],
            officers=[officer_by_pk[pk] for pk in data.get("officers") or []],
            poll_method=data["poll_method"],
        )
        if round_:
            messages.success(request, _("The round was drafted. Open it when ready."))
            return redirect(round_.get_absolute_url())
    return render(request, "assessments/round_form.html", {"platform": platform, "form": form})


def _transition_buttons(user, round_: Round) -> list:
    """The steps this user may take now, read from the transition table."""
    return [
        t
        for t in T.transitions_from(round_.state)
        if getattr(permissions, t.who)(user, round_.platform)
    ]


def round_detail(request, pk: int):
    round_ = access_round(request, pk)
    user = request.user
    subjects = list(round_.subjects.select_related("unit", "officer__user"))
    criteria = list(round_.framework.criteria.all())
    evidence_form = None
    if permissions.can_add_evidence(user, round_):
        evidence_form = EvidenceForm(
            request.POST or None,
            request.FILES or None,
            subjects=subjects,
            criteria=criteria,
        )
    if request.method == "POST":
        if not user.is_authenticated:
            return _login_needed(request)
        action = request.POST.get("action", "")
        if action in T.BY_ACTION:
            try:
                services.round_transition(round_=round_, actor=user, action=action)
                messages.success(
                    request,
                    _("The round is now at the stage “%(state)s”.")
                    % {"state": Round.objects.get(pk=round_.pk).get_state_display()},
                )
            except ValidationError as exc:
                for m in exc.messages:
                    messages.error(request, m)
            except PermissionDenied as exc:
                messages.error(request, str(exc))
            return redirect(round_.get_absolute_url())
        if action == "evidence" and evidence_form is not None and evidence_form.is_valid():
            data = evidence_form.cleaned_data
            subject = next((s for s in subjects if str(s.pk) == data["subject"]), None)
            criterion = next((c for c in criteria if str(c.pk) == data["criterion"]), None)
            if run_service(
                evidence_form,
                services.evidence_add,
                round_=round_,
                actor=user,
                kind=data["kind"],
                title=data["title"],
                text=data["text"],
                subject=subject,
                criterion=criterion,
                upload=data["upload"],
            ):
                messages.success(request, _("The evidence was added."))
                return redirect(round_.get_absolute_url() + "#evidence")
    return render(
        request,
        "assessments/round_detail.html",
        {
            "round": round_,
            "platform": round_.platform,
            "subjects": subjects,
            "criteria": criteria,
            "evidence": round_.evidence.select_related("subject__unit", "criterion", "added_by"),
            "evidence_form": evidence_form,
            "transitions": _transition_buttons(user, round_) if user.is_authenticated else [],
            "machine": T.TRANSITIONS,
            "events": round_.events.select_related("actor"),
            "can_manage": permissions.can_manage_round(user, round_.platform),
            "poll_count": round_.poll.answers.count() if hasattr(round_, "poll") else 0,
            "gaps": services.moderation_gaps(round_)
            if round_.state == Round.State.SCORING
            and permissions.can_manage_round(user, round_.platform)
            else [],
        },
    )


def _subject(request, pk: int, sid: int) -> tuple[Round, Subject]:
    round_ = access_round(request, pk)
    subject = get_object_or_404(
        Subject.objects.select_related("unit", "officer__user", "reply_by"), pk=sid, round=round_
    )
    subject.round = round_
    return round_, subject


def subject_detail(request, pk: int, sid: int):
    round_, subject = _subject(request, pk, sid)
    user = request.user
    criteria = list(round_.framework.criteria.all())
    can_score = permissions.can_score(user, subject)
    can_moderate = permissions.can_moderate(user, subject)
    can_find = permissions.can_add_finding(user, subject)
    can_reply = permissions.can_reply(user, subject)
    findings = list(subject.findings.select_related("criterion"))
    mine = (
        {s.criterion_id: s for s in Score.objects.filter(subject=subject, rater=user)}
        if can_score
        else {}
    )
    moderations = {m.criterion_id: m for m in Moderation.objects.filter(subject=subject)}
    forms_by_criterion = {}
    post = request.POST if request.method == "POST" else None
    action = request.POST.get("action", "") if post else ""
    for c in criteria:
        entry = {}
        if can_score and c.track == Track.EXTERNAL:
            s = mine.get(c.pk)
            entry["score"] = ScoreForm(
                post if action == f"score-{c.pk}" else None,
                prefix=f"s{c.pk}",
                initial={"grade": s.grade if s else "", "rationale": s.rationale if s else ""},
            )
        if can_moderate:
            m = moderations.get(c.pk)
            entry["moderate"] = ModerationForm(
                post if action == f"moderate-{c.pk}" else None,
                prefix=f"m{c.pk}",
                initial={
                    "grade": m.grade if m else "",
                    "narrative": m.narrative if m else "",
                    "source": m.source if m else "",
                },
            )
        forms_by_criterion[c.pk] = entry
    finding_form = FindingForm(post if action == "finding" else None) if can_find else None
    recommendation_form = (
        RecommendationForm(
            post if action == "recommendation" else None,
            findings=findings,
            platform=round_.platform,
        )
        if can_find
        else None
    )
    reply_form = (
        ReplyForm(post if action == "reply" else None, initial={"text": subject.reply})
        if can_reply
        else None
    )
    if post is not None:
        if not user.is_authenticated:
            return _login_needed(request)
        done = None
        if action.startswith(("score-", "moderate-")):
            kind, _sep, cid = action.partition("-")
            criterion = next((c for c in criteria if str(c.pk) == cid), None)
            form = forms_by_criterion.get(criterion.pk if criterion else None, {}).get(kind)
            if form is None:
                raise PermissionDenied(_("You cannot grade this criterion now."))
            if form.is_valid():
                d = form.cleaned_data
                if kind == "score":
                    done = run_service(
                        form,
                        services.score_set,
                        subject=subject,
                        criterion=criterion,
                        rater=user,
                        grade=d["grade"] or None,
                        rationale=d["rationale"],
                    )
                else:
                    done = run_service(
                        form,
                        services.moderation_set,
                        subject=subject,
                        criterion=criterion,
                        actor=user,
                        grade=d["grade"] or None,
                        narrative=d["narrative"],
                        source=d["source"],
                    )
        elif action == "finding" and finding_form is not None and finding_form.is_valid():
            done = run_service(
                finding_form,
                services.finding_add,
                subject=subject,
                actor=user,
                **finding_form.cleaned_data,
            )
        elif (
            action == "recommendation"
            and recommendation_form is not None
            and recommendation_form.is_valid()
        ):
            d = recommendation_form.cleaned_data
            done = run_service(
                recommendation_form,
                services.recommendation_add,
                subject=subject,
                actor=user,
                text=d["text"],
                addressee=d["addressee"],
                due=d["due"],
                kind=d["kind"],
                finding=next((f for f in findings if str(f.pk) == d["finding"]), None),
                decision=Decision.objects.filter(pk=d["decision"]).first()
                if d["decision"]
                else None,
            )
        elif action == "reply" and reply_form is not None and reply_form.is_valid():
            done = run_service(
                reply_form,
                services.subject_reply,
                subject=subject,
                actor=user,
                **reply_form.cleaned_data,
            )
        elif action and not any([can_score, can_moderate, can_find, can_reply]):
            raise PermissionDenied(_("You cannot change this round now."))
        if done:
            messages.success(request, _("Saved."))
            return redirect(subject.get_absolute_url())
    results = selectors.subject_results(subject)
    for track in ("external", "internal"):
        for row in results[track]:
            row["forms"] = forms_by_criterion.get(row["criterion"].pk, {})
            row["mine"] = mine.get(row["criterion"].pk)
    return render(
        request,
        "assessments/subject.html",
        {
            "round": round_,
            "subject": subject,
            "results": results,
            "findings": findings,
            "recommendations": subject.recommendations.select_related("finding", "decision"),
            "finding_form": finding_form,
            "recommendation_form": recommendation_form,
            "reply_form": reply_form,
            "can_score": can_score,
            "can_moderate": can_moderate,
            "show_results": round_.state in (Round.State.REPLY, Round.State.PUBLISHED)
            or can_moderate,
            "min_raters": services.MIN_RATERS,
        },
    )


def poll_detail(request, pk: int):
    round_ = access_round(request, pk) if not _poll_public(pk) else _public_round(pk)
    poll = round_.poll
    user = request.user
    can_answer = user.is_authenticated and permissions.can_answer_poll(user, poll)
    answered = user.is_authenticated and poll.participations.filter(user=user).exists()
    resident = user.is_authenticated and permissions.is_resident(user, round_.platform)
    residence = (
        Residence.objects.filter(user=user).select_related("territory").first()
        if user.is_authenticated
        else None
    )
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = PollForm(request.POST if action == "answer" else None)
    residence_form = ResidenceForm(
        request.POST if action == "residence" else None,
        initial={"territory": residence.territory_id if residence else None},
    )
    can_paper = permissions.can_enter_paper(user, poll)
    can_concerns = user.is_authenticated and permissions.can_read_concerns(user, poll)
    paper_form = PaperBatchForm(request.POST if action == "paper" else None) if can_paper else None
    concern_form = (
        ConcernForm(request.POST if action == "concern" else None) if can_concerns else None
    )
    if action:
        if not user.is_authenticated:
            return _login_needed(request)
        try:
            if action == "residence" and residence_form.is_valid():
                if run_service(
                    residence_form,
                    services.residence_declare,
                    user=user,
                    territory=residence_form.cleaned_data["territory"],
                ):
                    messages.success(request, _("Thank you: your place of residence was saved."))
                    return redirect(request.path)
            elif action == "answer" and form.is_valid():
                services.poll_respond(poll=poll, user=user, answers=form.cleaned_data)
                messages.success(
                    request, _("Thank you. Your answers were stored without your name.")
                )
                return redirect(request.path)
            elif action == "paper" and paper_form is not None and paper_form.is_valid():
                n = run_service(
                    paper_form,
                    services.poll_paper_batch,
                    poll=poll,
                    actor=user,
                    lines=paper_form.cleaned_data["lines"],
                )
                if n:
                    messages.success(request, _("%(n)s questionnaires were entered.") % {"n": n})
                    return redirect(request.path)
            elif action == "concern" and concern_form is not None and concern_form.is_valid():
                proposal = run_service(
                    concern_form,
                    services.concern_to_proposal,
                    poll=poll,
                    actor=user,
                    **concern_form.cleaned_data,
                )
                if proposal:
                    messages.success(request, _("The proposal was recorded."))
                    return redirect(proposal.get_absolute_url())
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect(request.path)
    results = None
    if round_.state not in T.POLL_STATES:
        # while the poll runs only the count is shown: two views of live figures would reveal
        # the answer given in between
        results = selectors.poll_results(poll)
        for row in results["questions"]:
            row["question"] = POLL_QUESTIONS[row["field"]][0]
    return render(
        request,
        "assessments/poll.html",
        {
            "round": round_,
            "poll": poll,
            "count": poll.answers.count(),
            "is_open": permissions.poll_open(poll),
            "results": results,
            "form": form,
            "can_answer": can_answer,
            "answered": answered,
            "resident": resident,
            "residence": residence,
            "residence_form": residence_form,
            "verified": permissions.is_verified(user) if user.is_authenticated else False,
            "paper_form": paper_form,
            "concern_form": concern_form,
            "concerns": selectors.poll_concerns(poll) if can_concerns else [],
        },
    )


def _poll_public(pk: int) -> bool:
    """Anyone may see an open poll to answer it (residents) or its count."""
    return Round.objects.filter(pk=pk, state__in=[*T.POLL_STATES, Round.State.PUBLISHED]).exists()


def _public_round(pk: int) -> Round:
    return get_object_or_404(
        Round.objects.select_related("platform__territory", "framework", "poll"), pk=pk
    )


def _export_round(request, pk: int) -> Round:
    round_ = access_round(request, pk)
    if not permissions.can_export(request.user, round_):
        raise Http404(_("The results are not published yet."))
    return round_


def _poll_export(round_: Round) -> dict | None:
    if round_.state in T.POLL_STATES or not hasattr(round_, "poll"):
        return None
    figures = selectors.poll_results(round_.poll)
    return figures


def export_csv(request, pk: int):
    round_ = _export_round(request, pk)
    rows = selectors.round_result_rows(round_)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="assessment-{round_.pk}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    header = list(rows[0].keys()) if rows else ["unit", "criterion", "grade"]
    writer.writerow(header)
    for row in rows:
        writer.writerow(safe_row(*[str(v) if v is not None else "" for v in row.values()]))
    poll = _poll_export(round_)
    if poll:
        writer.writerow([])
        writer.writerow(["poll_question", "answered", "percent_positive", "margin_95"])
        writer.writerow(["responses", poll["n"], "", ""])
        for q in poll["questions"]:
            writer.writerow([q["field"], q["answered"], q.get("percent", ""), q.get("margin", "")])
    return response


def export_json(request, pk: int):
    round_ = _export_round(request, pk)
    data = {
        "round": {
            "id": round_.pk,
            "title": round_.title,
            "platform": round_.platform.name,
            "period_start": round_.period_start.isoformat(),
            "period_end": round_.period_end.isoformat(),
            "state": round_.state,
            "framework": {
                "target_kind": round_.framework.target_kind,
                "version": round_.framework.version,
            },
            "grades": {str(v): str(label) for v, label in Grade.choices},
        },
        "results": selectors.round_result_rows(round_),
        "poll": _poll_export(round_),
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="assessment-{round_.pk}.json"'
    return response


def unit_scorecard(request, unit_id: int):
    unit = get_object_or_404(PoliceUnit.objects.select_related("territory", "parent"), pk=unit_id)
    context = selectors.unit_scorecard(unit)
    context["unit"] = unit
    context["trend_chart"] = charts.trend_chart(context["trend"])
    if context.get("poll"):
        for row in context["poll"]["questions"]:
            row["question"] = POLL_QUESTIONS[row["field"]][0]
    context["can_edit"] = request.user.is_authenticated and permissions.can_edit_profile(
        request.user, unit
    )
    context["grade_labels"] = dict(Grade.choices)
    return render(request, "assessments/scorecard.html", context)


def unit_profile_edit(request, unit_id: int):
    unit = get_object_or_404(PoliceUnit, pk=unit_id)
    if not request.user.is_authenticated:
        return _login_needed(request)
    if not permissions.can_edit_profile(request.user, unit):
        raise PermissionDenied(_("Only the unit's liaison officers or an administrator edit it."))
    form = FigureForm(request.POST or None)
    if request.method == "POST" and request.POST.get("action") == "withdraw":
        figure = get_object_or_404(unit.profile_figures, pk=request.POST.get("figure"))
        try:
            services.profile_figure_withdraw(
                figure=figure, actor=request.user, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("The figure was withdrawn; the history keeps it."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect(request.path)
    if request.method == "POST" and form.is_valid():
        if run_service(
            form, services.profile_figure_add, unit=unit, actor=request.user, **form.cleaned_data
        ):
            messages.success(request, _("The figure was saved."))
            return redirect(request.path)
    return render(
        request,
        "assessments/profile_edit.html",
        {
            "unit": unit,
            "form": form,
            "current": selectors.current_profile(unit),
            "history": selectors.profile_history(unit)[:200],
        },
    )


def compare(request):
    territories = selectors.comparison_territories()
    form = CompareForm(request.GET or None, territories=territories)
    kind = TargetKind.TERRITORIAL
    territory = None
    if form.is_valid():
        kind = form.cleaned_data["kind"] or kind
        territory = form.cleaned_data["territory"]
    data = selectors.comparison(target_kind=kind, territory=territory)
    chart = charts.distribution_chart(
        title=_("Units per grade, by criterion"),
        categories=[row["question"] for row in data["criteria"]],
        rows=[row["cells"] for row in data["criteria"]],
    )
    return render(
        request,
        "assessments/compare.html",
        {
            "form": form,
            "data": data,
            "kind_label": TargetKind(kind).label,
            "territory": territory,
            "chart": chart,
        },
    )


def recommendation_detail(request, pk: int):
    recommendation = get_object_or_404(
        Recommendation.objects.select_related(
            "subject__round__platform",
            "subject__unit",
            "subject__officer__user",
            "finding",
            "decision",
            "response_by",
        ),
        pk=pk,
    )
    round_ = recommendation.subject.round
    if not permissions.can_view_round(request.user, round_):
        raise Http404(_("No such recommendation."))
    user = request.user
    can_respond = user.is_authenticated and permissions.can_respond_recommendation(
        user, recommendation
    )
    can_follow = user.is_authenticated and permissions.can_follow_up(user, recommendation)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    response_form = (
        ResponseForm(
            request.POST if action == "respond" else None,
            initial={"response": recommendation.response},
        )
        if can_respond
        else None
    )
    follow_form = (
        FollowUpForm(
            request.POST if action == "follow" else None, initial={"status": recommendation.status}
        )
        if can_follow
        else None
    )
    if action:
        if not user.is_authenticated:
            return _login_needed(request)
        done = None
        if action == "respond" and response_form is not None and response_form.is_valid():
            done = run_service(
                response_form,
                services.recommendation_respond,
                recommendation=recommendation,
                actor=user,
                **response_form.cleaned_data,
            )
        elif action == "follow" and follow_form is not None and follow_form.is_valid():
            done = run_service(
                follow_form,
                services.recommendation_follow_up,
                recommendation=recommendation,
                actor=user,
                **follow_form.cleaned_data,
            )
        elif response_form is None and follow_form is None:
            raise PermissionDenied(_("You cannot change this recommendation."))
        if done:
            messages.success(request, _("Saved."))
            return redirect(recommendation.get_absolute_url())
    return render(
        request,
        "assessments/recommendation.html",
        {
            "rec": recommendation,
            "round": round_,
            "updates": recommendation.updates.select_related("actor"),
            "response_form": response_form,
            "follow_form": follow_form,
        },
    )


def units(request):
    """Units with a published assessment, and a way to any unit's scorecard by kind."""
    kind = request.GET.get("kind", "")
    qs = PoliceUnit.objects.select_related("territory").order_by("kind", "name")
    if kind in PoliceUnit.Kind.values:
        qs = qs.filter(kind=kind)
    only = request.GET.get("assessed") != "0"
    if only:
        qs = qs.filter(assessments__round__state=Round.State.PUBLISHED).distinct()
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "assessments/units.html",
        {"page": page, "kinds": PoliceUnit.Kind.choices, "kind": kind, "only": only},
    )
