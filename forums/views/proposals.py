"""Proposal pages: the tracker, a proposal and its actions, answers, the liaison dashboard."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import pagecache
from accounts.paging import capped_counts
from accounts.web import add_service_errors, run_service
from forums import exports, permissions, selectors, services, uploads
from forums.forms import (
    AssignForm,
    CloseForm,
    CommentForm,
    EscalateForm,
    EscalationAnswerForm,
    HideCommentForm,
    MemberProposalForm,
    MergeForm,
    ProposalAgendaForm,
    RaiseSearchForm,
    ReasonForm,
    RecordProposalForm,
    ResponseForm,
    ResponseTemplateForm,
    TemplateChoiceForm,
    TrackerFilterForm,
)
from forums.models import Attachment, Category, Comment, PoliceResponse, Proposal, ResponseTemplate
from platforms import permissions as platform_perms
from platforms.models import Platform
from platforms.views import access_platform


def access_proposal(request, pk: int) -> Proposal:
    """A proposal the user may see; 404 for missing and for someone else's draft alike."""
    # Joined: what the page always shows, and the local self-government (a territory row, so
    # the page's query count does not depend on whether it is set). The other optional
    # relations (group, decision, duplicate, assigned officer) load by primary key only when set: a ten-table join cost 15-40 ms of planning on every view (issue 13).
    proposal = get_object_or_404(
        Proposal.objects.select_related(
            "platform", "origin", "police_unit", "lsg_territory", "author"
        ),
        pk=pk,
    )
    if not permissions.can_view_proposal(request.user, proposal):
        raise Http404(_("No such proposal."))
    return proposal


def _filters(request) -> dict:
    return TrackerFilterForm(request.GET).filters()


def _cursor(request, name: str) -> str:
    value = request.GET.get(name, "")
    return value if len(value) <= 200 else ""


def tracker(request):
    filters = _filters(request)
    page = selectors.tracker_page(
        after=_cursor(request, "after"), before=_cursor(request, "before"), **filters
    )
    return render(
        request,
        "forums/tracker.html",
        {
            "page": page,
            "filters": filters,
            "states": [c for c in Proposal.State.choices if c[0] != "draft"],
            "categories": Category.choices,
            **selectors.tracker_choices(),
            "answer_statuses": dict(PoliceResponse.Status.choices),
            # labels translated once per page, not once per row (get_FOO_display hashes
            # every lazy label of the choices on each call)
            "state_labels": {k: str(v) for k, v in Proposal.State.choices},
            "category_labels": {k: str(v) for k, v in Category.choices},
        },
    )


def _export_refused(request, count, *, limit: int | None = None):
    """None when this person may export a selection of `count` rows now, else the response
    that says why.

    Anonymous visitors export up to exports.ANONYMOUS_ROWS rows (a forum, a district); the
    whole tracker needs signing in, so crawlers cannot hold the web workers (issue 13).
    """
    if not request.user.is_authenticated and count.value > exports.ANONYMOUS_ROWS:
        messages.info(
            request,
            _(
                "To download more than %(n)d proposals at once, sign in, or narrow the filters"
                " (for example to one forum or district)."
            )
            % {"n": exports.ANONYMOUS_ROWS},
        )
        return redirect_to_login(request.get_full_path())
    if limit is not None and count.value > limit:
        messages.error(
            request,
            _("More than %(n)d proposals: narrow the filters or download CSV.") % {"n": limit},
        )
        return redirect(f"{reverse('forums:tracker')}?{request.GET.urlencode()}")
    return None


def _selection_size(filters: dict):
    """How many rows an export of these filters has, counted up to the XLSX limit (capped)."""
    matches = selectors.tracker_matches(**filters)
    return capped_counts({"rows": matches}, cap=exports.XLSX_MAX_ROWS)["rows"]


def export_csv(request):
    """The tracker as CSV, same filters; protected authors never named.

    Up to exports.ANONYMOUS_ROWS rows the file is built once per change and served from the
    cache; a larger selection streams in chunks, once at a time per person: a second one is
    refused while the first runs (exports.ExportSlot).
    """
    filters = _filters(request)
    count = _selection_size(filters)
    refused = _export_refused(request, count)
    if refused is not None:
        return refused
    if count.value <= exports.ANONYMOUS_ROWS:
        # a forum's or a district's download: the same for everyone who asks (protected
        # authors are never named), built once per change and language (accounts.pagecache)
        content = pagecache.cached_value(
            request,
            lambda: "".join(exports.csv_chunks(selectors.tracker_matches(**filters))).encode(),
            same_for_everyone=True,
        )
        chunks = iter([content])
    else:  # a large selection streams, once at a time per person
        chunks = exports.ExportSlot.hold(
            request, exports.csv_chunks(selectors.tracker_matches(**filters))
        )
        if chunks is None:
            return render(request, "forums/export_busy.html", status=429)
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="proposals.csv"'
    return response


def export_xlsx(request):
    """The tracker as an Excel workbook, same filters, up to exports.XLSX_MAX_ROWS rows:
    counted first (capped), so a larger selection is refused before anything is built."""
    filters = _filters(request)
    refused = _export_refused(request, _selection_size(filters), limit=exports.XLSX_MAX_ROWS)
    if refused is not None:
        return refused
    content = exports.xlsx_bytes(selectors.tracker_matches(**filters))
    if content is None:  # grew past the limit since it was counted
        messages.error(
            request,
            _("More than %(n)d proposals: narrow the filters or download CSV.")
            % {"n": exports.XLSX_MAX_ROWS},
        )
        return redirect(f"{reverse('forums:tracker')}?{request.GET.urlencode()}")
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="proposals.xlsx"'
    return response


def _create_with_attachment(form, user, create):
    """Save the proposal and its attachment together: a refused file undoes both."""
    try:
        with transaction.atomic():
            proposal = create()
            upload = form.cleaned_data.get("attachment")
            if upload:
                services.attachment_add(proposal=proposal, actor=user, upload=upload)
            return proposal
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None


def _proposal_data(form) -> dict:
    skip = ("attachment", "save_as", "resident")
    return {k: v for k, v in form.cleaned_data.items() if k not in skip}


@login_required
def proposal_new(request, slug: str):
    """Members submit; any resident with a verified e-mail raises a problem for screening."""
    platform = access_platform(request, slug)
    member = permissions.can_create_proposal(request.user, platform)
    if not member and not permissions.can_raise_problem(request.user, platform):
        raise PermissionDenied(
            _(
                "Only members of this platform, or residents with a verified e-mail raising a"
                " problem with a community forum, submit proposals here."
            )
        )
    form = MemberProposalForm(
        request.POST or None, request.FILES or None, platform=platform, resident=not member
    )
    if request.method == "POST" and form.is_valid():
        submit = form.cleaned_data["save_as"] == "submit"
        proposal = _create_with_attachment(
            form,
            request.user,
            lambda: services.proposal_create(
                platform=platform, author=request.user, submit=submit, **_proposal_data(form)
            ),
        )
        if proposal:
            if not submit:
                messages.success(request, _("Draft saved."))
            elif proposal.state == Proposal.State.SCREENING:
                messages.success(
                    request,
                    _("Sent. The secretariat checks it first; you will be told when it is public."),
                )
            else:
                messages.success(request, _("Proposal submitted."))
            return redirect(proposal.get_absolute_url())
    return render(
        request,
        "forums/proposal_form.html",
        {"platform": platform, "form": form, "record": False, "resident": not member},
    )


def raise_problem(request):
    """Find your community forum, then raise the problem there (a GET search, no JavaScript)."""
    form = RaiseSearchForm(request.GET or None)
    forums = selectors.community_forums(form.cleaned_data.get("q", "") if form.is_valid() else "")
    return render(request, "forums/raise.html", {"form": form, "forums": forums})


@login_required
def proposal_record(request, slug: str):
    platform = access_platform(request, slug)
    if not permissions.can_record_proposal(request.user, platform):
        raise PermissionDenied(_("Only the secretariat records proposals for citizens."))
    form = RecordProposalForm(request.POST or None, request.FILES or None, platform=platform)
    if request.method == "POST" and form.is_valid():
        proposal = _create_with_attachment(
            form,
            request.user,
            lambda: services.proposal_record(
                platform=platform, actor=request.user, **_proposal_data(form)
            ),
        )
        if proposal:
            messages.success(request, _("Proposal recorded."))
            return redirect(proposal.get_absolute_url())
    return render(
        request, "forums/proposal_form.html", {"platform": platform, "form": form, "record": True}
    )


def _actions(user, proposal: Proposal) -> dict:
    if not user.is_authenticated:
        return {}
    manage = permissions.can_manage_proposal(user, proposal)
    pending = (
        proposal.escalations.filter(status="pending").select_related("to_platform").first()
        if proposal.state == Proposal.State.ESCALATED
        else None
    )
    return {
        "can_manage": manage,
        "can_edit": permissions.can_edit_draft(user, proposal),
        "can_support": permissions.can_support(user, proposal),
        "can_withdraw": permissions.can_withdraw(user, proposal),
        "can_comment": permissions.can_comment(user, proposal),
        "can_moderate": permissions.can_moderate_comments(user, proposal),
        "can_respond": permissions.can_respond_police(user, proposal)
        or permissions.can_respond_lsg(user, proposal),
        "can_assign": permissions.can_assign(user, proposal),
        "pending_escalation": pending,
        "can_register": pending is not None and permissions.can_register_escalation(user, pending),
        "allowed": permissions.proposal_actions(user, proposal, pending),
    }


def proposal_detail(request, pk: int):
    proposal = access_proposal(request, pk)
    if request.method == "POST":
        return _proposal_action(request, proposal)
    user = request.user
    actions = _actions(user, proposal)
    drafts = []
    if actions.get("can_respond"):
        drafts = proposal.responses.filter(author=user, published_at__isnull=True)
    return render(
        request,
        "forums/proposal_detail.html",
        {
            "proposal": proposal,
            "show_author": permissions.can_see_author(user, proposal),
            # the latest events and comments, older ones a link away: one query each
            "timeline": selectors.timeline_page(proposal, older=_cursor(request, "events")),
            "responses": selectors.published_responses(proposal),
            "draft_responses": drafts,
            "escalations": selectors.escalation_path(proposal),
            "attachments": uploads.listing(proposal),
            "comments": selectors.comments_page(proposal, older=_cursor(request, "comments")),
            "supporters": proposal.supporters.count(),
            "comment_form": CommentForm(),
            "escalate_form": EscalateForm(),
            "reason_form": ReasonForm(),
            "merge_form": MergeForm(),
            "agenda_form": ProposalAgendaForm(platform=proposal.platform)
            if actions.get("can_manage")
            else None,
            "assign_form": AssignForm(
                officers=permissions.assignable_officers(proposal.police_unit)
            )
            if actions.get("can_assign")
            else None,
            **actions,
        },
    )


def _posted(form_class, data) -> dict:
    """The posted fields of an action, validated; ids parsed as ids before anything is looked up."""
    form = form_class(data)
    if not form.is_valid():
        raise ValidationError([e for errors in form.errors.values() for e in errors])
    return form.cleaned_data


def _proposal_action(request, proposal: Proposal):
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    action = request.POST.get("action", "")
    post = request.POST
    try:
        if action == "support":
            services.proposal_support(proposal=proposal, user=user)
        elif action == "submit":
            services.proposal_submit(proposal=proposal, actor=user)
        elif action == "comment":
            body = _posted(CommentForm, post)["body"]
            services.comment_add(proposal=proposal, author=user, body=body)
        elif action == "hide_comment":
            data = _posted(HideCommentForm, post)
            comment = get_object_or_404(Comment, pk=data["comment"], proposal=proposal)
            services.comment_hide(comment=comment, actor=user, reason=data["reason"])
        elif action == "agenda":
            form = ProposalAgendaForm(post, platform=proposal.platform)
            if not form.is_valid():
                raise ValidationError([e for errs in form.errors.values() for e in errs])
            meeting = services.proposal_schedule(
                proposal=proposal,
                actor=user,
                meeting=form.cleaned_data["meeting"],
                new_title=form.cleaned_data["new_title"],
                new_starts_at=form.cleaned_data["new_starts_at"],
            )
            messages.success(
                request, _("On the agenda of %(meeting)s.") % {"meeting": meeting.title}
            )
        elif action == "vote":
            decision = services.proposal_open_vote(proposal=proposal, actor=user)
            return redirect(decision.get_absolute_url())
        elif action == "decide":
            services.proposal_decide(proposal=proposal, actor=user)
        elif action == "escalate":
            note = _posted(EscalateForm, post)["note"]
            services.proposal_escalate(proposal=proposal, actor=user, note=note)
        elif action in ("register", "return"):
            data = _posted(EscalationAnswerForm, post)
            platform = get_object_or_404(Platform, pk=data["platform"])
            if action == "register":
                esc = services.proposal_register(proposal=proposal, actor=user, platform=platform)
                messages.success(
                    request, _("Registered under %(n)s.") % {"n": esc.registration_number}
                )
            else:
                services.proposal_return(
                    proposal=proposal, actor=user, platform=platform, reason=data["reason"]
                )
        elif action in ("resolve", "withdraw"):
            resolution = (
                Proposal.State.RESOLVED if action == "resolve" else Proposal.State.WITHDRAWN
            )
            services.proposal_close(
                proposal=proposal,
                actor=user,
                resolution=resolution,
                note=_posted(CloseForm, post)["reason"],
            )
        elif action in ("screen_in", "screen_out"):
            services.proposal_screen(
                proposal=proposal,
                actor=user,
                accept=action == "screen_in",
                reason=_posted(CloseForm, post)["reason"],
            )
        elif action == "merge":
            into = get_object_or_404(Proposal, pk=_posted(MergeForm, post)["into"])
            services.proposal_merge(duplicate=proposal, into=into, actor=user)
        elif action == "assign":
            form = AssignForm(post, officers=permissions.assignable_officers(proposal.police_unit))
            if not form.is_valid():
                raise ValidationError(_("Choose a liaison officer of this unit."))
            services.proposal_assign(
                proposal=proposal, actor=user, officer=form.cleaned_data["officer"]
            )
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(proposal.get_absolute_url())


@login_required
def respond(request, pk: int):
    """A liaison officer (or local self-government) answers, from a template if they like.

    Choosing a template is a plain GET form (works without JavaScript): it fills the answer.
    """
    proposal = access_proposal(request, pk)
    police = permissions.can_respond_police(request.user, proposal)
    if not police and not permissions.can_respond_lsg(request.user, proposal):
        raise PermissionDenied(
            _("Only the addressed police unit or local self-government answers.")
        )
    templates = selectors.answer_templates(proposal.police_unit) if police else []
    initial = {"publish": True}
    chosen = request.GET.get("template")
    for t in templates:
        if str(t.pk) == chosen:
            initial.update(status=t.status, text=t.text)
    form = ResponseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        responder = PoliceResponse.Responder.POLICE if police else PoliceResponse.Responder.LSG
        if run_service(
            form,
            services.response_log,
            proposal=proposal,
            actor=request.user,
            responder=responder,
            **form.cleaned_data,
        ):
            messages.success(request, _("Answer saved."))
            return redirect(proposal.get_absolute_url())
    return render(
        request,
        "forums/respond.html",
        {
            "proposal": proposal,
            "form": form,
            "templates": templates,
            "chosen": chosen,
            "can_manage_templates": police
            and permissions.can_manage_templates(request.user, proposal.police_unit),
        },
    )


@login_required
def answer_templates(request):
    """Heads of units write the answer templates of their units (and of the units below)."""
    units = permissions.template_units(request.user)
    if not units.exists():
        raise PermissionDenied(_("Only heads of police units manage answer templates."))
    editing = None
    if request.GET.get("edit", "").isdecimal():
        editing = ResponseTemplate.objects.filter(
            pk=int(request.GET["edit"]), unit__in=units
        ).first()
    initial = (
        {
            "unit": editing.unit_id,
            "title": editing.title,
            "status": editing.status,
            "text": editing.text,
        }
        if editing
        else {}
    )
    form = ResponseTemplateForm(
        request.POST if request.POST.get("action") == "save" else None,
        units=units,
        initial=initial,
    )
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            try:
                chosen = _posted(TemplateChoiceForm, request.POST)["template"]
            except ValidationError:
                # no template or not an id: nothing to delete, the list is shown again
                return redirect("forums:answer_templates")
            item = get_object_or_404(ResponseTemplate, pk=chosen)
            services.response_template_delete(actor=request.user, template=item)
            messages.success(request, _("Template deleted."))
            return redirect("forums:answer_templates")
        if form.is_valid():
            data = form.cleaned_data
            if run_service(
                form,
                services.response_template_save,
                actor=request.user,
                unit=data["unit"],
                title=data["title"],
                status=data["status"],
                text=data["text"],
                template=editing,
            ):
                messages.success(request, _("Template saved."))
                return redirect("forums:answer_templates")
    return render(
        request,
        "forums/answer_templates.html",
        {
            "form": form,
            "editing": editing,
            "templates": ResponseTemplate.objects.filter(unit__in=units)
            .select_related("unit")
            .order_by("unit__path", "title"),
        },
    )


@login_required
@require_POST
def response_publish(request, pk: int):
    response = get_object_or_404(PoliceResponse.objects.select_related("proposal"), pk=pk)
    try:
        services.response_publish(response=response, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(response.proposal.get_absolute_url())


@login_required
def liaison_dashboard(request):
    if not platform_perms.is_liaison_officer(request.user):
        raise PermissionDenied(_("This page is for police liaison officers."))
    show = request.GET.get("show", "all")
    show = show if show in selectors.LIAISON_VIEWS else "all"
    page, counts = selectors.liaison_dashboard(
        permissions.liaison_queue(request.user),
        show=show,
        user=request.user,
        after=_cursor(request, "after"),
        before=_cursor(request, "before"),
    )
    # rows come rendered from the cache while what they show is unchanged (pagecache)
    row_html = pagecache.rendered_rows(
        "forums/_liaison_row.html",
        page.object_list,
        shows=selectors.liaison_row_shows,
        context={"state_labels": {k: str(v) for k, v in Proposal.State.choices}},
    )
    return render(
        request,
        "forums/liaison.html",
        {
            "page": page,
            "rows": page.object_list,
            "row_html": row_html,
            "counts": counts,
            "show": show,
        },
    )


@login_required
def proposal_edit(request, pk: int):
    """The author edits a private draft, and may submit it from here."""
    proposal = access_proposal(request, pk)
    if not permissions.can_edit_draft(request.user, proposal):
        raise PermissionDenied(_("Only the author edits a draft."))
    initial = {
        "title": proposal.title,
        "body": proposal.body,
        "category": proposal.category,
        "place": proposal.place,
        "group": proposal.group_id,
        "police_unit": proposal.police_unit_id,
        "lsg_territory": proposal.lsg_territory_id,
        "protect_author": proposal.protect_author,
        "save_as": "draft",
    }
    form = MemberProposalForm(
        request.POST or None, request.FILES or None, platform=proposal.platform, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        submit = form.cleaned_data["save_as"] == "submit"

        def update():
            services.proposal_update_draft(
                proposal=proposal, actor=request.user, **_proposal_data(form)
            )
            if submit:
                services.proposal_submit(proposal=proposal, actor=request.user)
            return proposal

        if _create_with_attachment(form, request.user, update):
            messages.success(request, _("Proposal submitted.") if submit else _("Draft saved."))
            return redirect(proposal.get_absolute_url())
    return render(
        request,
        "forums/proposal_form.html",
        {"platform": proposal.platform, "form": form, "record": False, "proposal": proposal},
    )


def attachment(request, pk: int):
    """Serve an attachment to whoever may see its proposal (drafts stay private)."""
    item = get_object_or_404(Attachment.objects.select_related("proposal"), pk=pk)
    if not permissions.can_view_proposal(request.user, item.proposal):
        raise Http404(_("No such file."))
    return uploads.file_response(
        item.file, content_type=item.content_type, name=uploads.download_name(item)
    )


@login_required
def my_page(request):
    """The signed-in person's own page: platforms, proposals, votes due, answers received."""
    return render(
        request,
        "forums/my.html",
        {
            **selectors.personal_page(request.user),
            "answer_statuses": dict(PoliceResponse.Status.choices),
        },
    )


@login_required
def after_login(request):
    """Where sign-in lands: liaison officers on their dashboard, everyone else on their page."""
    if platform_perms.is_liaison_officer(request.user):
        return redirect("forums:liaison")
    return redirect("forums:my")
