from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.paging import keyset_page
from accounts.web import run_service
from platforms import decisions, permissions, registration, selectors, services
from platforms.access import Access
from platforms.forms import (
    AnswerForm,
    CoordinatorForm,
    DecisionForm,
    DelegateForm,
    DirectoryForm,
    GroupForm,
    JoinForm,
    MemberSearchForm,
    RequestDecisionForm,
    RuleForm,
    VoteForm,
)
from platforms.models import (
    Decision,
    Matter,
    Membership,
    Party,
    Platform,
    Role,
    RuleKind,
    ThematicGroup,
    Vote,
)

MEMBERS_SHOWN = 120
# A council may have hundreds of forums below it; the rest are one click away in the directory.
CHILDREN_SHOWN = 60
REQUESTS_SHOWN = 25


def access_platform(request, slug: str) -> Platform:
    """Fetch a platform the user may see: 404 both for missing and for not visible."""
    platform = get_object_or_404(
        Platform.objects.select_related("territory", "parent", "parent__parent"), slug=slug
    )
    if not permissions.can_view_platform(request.user, platform):
        raise Http404(_("No such platform."))
    return platform


def home(request):
    return render(
        request,
        "platforms/home.html",
        {
            "counts": selectors.level_counts(),
            "national": Platform.objects.filter(
                level=Platform.Level.NATIONAL, status__in=Platform.PUBLIC_STATUSES
            ).first(),
            "can_start_forum": request.user.is_authenticated,
        },
    )


def directory(request):
    filters = DirectoryForm(request.GET).filters()
    page = Paginator(selectors.directory_platforms(**filters), 40).get_page(request.GET.get("page"))
    return render(
        request,
        "platforms/directory.html",
        {
            "page": page,
            "levels": Platform.Level.choices,
            "territories": selectors.directory_territories(),
            **filters,
        },
    )


def _detail_actions(user, platform: Platform) -> dict:
    """What the visitor may do here, from the request's access snapshot."""
    if not user.is_authenticated:
        return {"can_join": platform.status == Platform.Status.ACTIVE}
    access = Access.of(user)
    return {
        "has_requested": access.requested(platform),
        "can_join": permissions.can_request_membership(user, platform),
        "can_leave": any(
            h.platform_id == platform.pk and h.status == Membership.Status.ACTIVE
            for h in access.held
        ),
        "can_decide_requests": permissions.can_decide_membership(user, platform),
        "can_name_delegate": permissions.can_name_delegate(user, platform),
        "can_manage_groups": permissions.can_manage_groups(user, platform),
        "can_edit_registration": permissions.can_edit_registration(user, platform),
        "answering_party": platform.status == Platform.Status.SUBMITTED
        and permissions.acknowledging_party(user, platform),
    }


def platform_detail(request, slug: str):
    platform = access_platform(request, slug)
    members = selectors.members_by_person(
        selectors.by_name(selectors.platform_members(platform)[: MEMBERS_SHOWN + 1])
    )
    party_labels = dict(Party.choices)
    role_labels = dict(Role.choices)
    terms = list(selectors.current_term_holders(platform))
    children = list(selectors.platform_children(platform)[: CHILDREN_SHOWN + 1])
    kinds = {value: str(label) for value, label in Platform.Kind.choices}
    for child in children:
        child.kind_label = kinds.get(child.kind, "")
    return render(
        request,
        "platforms/platform_detail.html",
        {
            "platform": platform,
            "children": children[:CHILDREN_SHOWN],
            "children_truncated": len(children) > CHILDREN_SHOWN,
            "children_level": Platform.Level.DISTRICT
            if platform.level == Platform.Level.NATIONAL
            else Platform.Level.COMMUNITY,
            "members": members[:MEMBERS_SHOWN],
            "members_truncated": len(members) > MEMBERS_SHOWN,
            "party_counts": [
                {"party": party_labels.get(r["party"], r["party"]), "n": r["n"]}
                for r in selectors.platform_party_counts(platform)
            ],
            "role_labels": role_labels,
            "groups": selectors.platform_groups(platform),
            "can_manage": permissions.can_manage_memberships(request.user, platform),
            "term_holders": [m for m in terms if m.platform_id == platform.pk],
            "delegates_up": [m for m in terms if m.delegated_from_id == platform.pk],
            "today": timezone.localdate(),
            "lcpc_people": selectors.lcpc_people(platform),
            "founders": selectors.forum_founders(platform),
            **registration_status(platform),
            **_detail_actions(request.user, platform),
        },
    )


def registration_status(platform: Platform) -> dict:
    """Who answered a community forum's registration, who still has to, and when silence counts.

    The answers stay on the page once the forum is active; nothing is asked of other platforms.
    """
    if platform.level != Platform.Level.COMMUNITY or platform.submitted_at is None:
        return {"acknowledgements": []}
    answers = list(platform.acknowledgements.select_related("user"))
    status = {"acknowledgements": answers}
    if platform.status == Platform.Status.SUBMITTED:
        acked = {
            a.party
            for a in answers
            if a.answer == a.Answer.ACKNOWLEDGED and a.at >= platform.submitted_at
        }
        status["waiting_for"] = [
            Party(p).label for p in (Party.LSG, Party.POLICE) if p not in acked
        ]
        status["activates_on"] = registration.silent_activation_at(platform)
    return status


@login_required
def answer_registration(request, slug: str):
    """LSG or police acknowledge, comment on, or return a submitted registration.

    Once it is no longer waiting (returned, active), the page says so instead of a form, so an
    official going Back after answering sees where it stands, not an error.
    """
    platform = access_platform(request, slug)
    party = permissions.acknowledging_party(request.user, platform)
    answered = platform.acknowledgements.filter(user=request.user).exists()
    if party is None and not answered:
        raise PermissionDenied(_("Only local self-government and police of this territory answer."))
    waiting = platform.status == Platform.Status.SUBMITTED and party is not None
    form = AnswerForm(request.POST or None) if waiting else None
    if waiting and request.method == "POST" and form.is_valid():
        if run_service(
            form,
            registration.registration_answer,
            platform=platform,
            user=request.user,
            **form.cleaned_data,
        ):
            messages.success(request, _("Your answer was recorded."))
            return redirect(platform.get_absolute_url())
    return render(
        request,
        "platforms/answer.html",
        {
            "platform": platform,
            "form": form,
            "party": Party(party).label if party else "",
            "founders": selectors.forum_founders(platform),
            **registration_status(platform),
        },
    )


@login_required
def join(request, slug: str):
    platform = access_platform(request, slug)
    if not permissions.can_request_membership(request.user, platform):
        messages.info(
            request, _("You are already a member of this platform or have asked to join.")
        )
        return redirect(platform.get_absolute_url())
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if run_service(
            form,
            services.membership_request,
            platform=platform,
            user=request.user,
            **form.cleaned_data,
        ):
            messages.success(request, _("Your request was sent to the secretariat."))
            return redirect(platform.get_absolute_url())
    return render(request, "platforms/join.html", {"platform": platform, "form": form})


def _pending_page(request, platform: Platform):
    """A page of the join requests, oldest first: a council may have thousands waiting."""
    return keyset_page(
        selectors.pending_requests(platform),
        keys=("created_at", "pk"),
        descending=False,
        per_page=REQUESTS_SHOWN,
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
    )


@login_required
def requests(request, slug: str):
    """Pending join requests, approved or refused by the secretariat or a platform admin."""
    platform = access_platform(request, slug)
    if not permissions.can_decide_membership(request.user, platform):
        raise PermissionDenied(_("Only the secretariat or a platform admin decides join requests."))
    form = RequestDecisionForm(request.POST or None, platform=platform)
    if request.method == "POST":
        if not form.is_valid():
            # a stale page, a double click or a forged id: explained, never looked up raw
            return render(
                request,
                "platforms/requests.html",
                {"platform": platform, "pending": _pending_page(request, platform), "form": form},
                status=400,
            )
        data = form.cleaned_data
        try:
            if data["action"] == "approve":
                services.membership_approve(membership=data["membership"], actor=request.user)
                messages.success(request, _("Request approved."))
            else:
                services.membership_refuse(
                    membership=data["membership"], actor=request.user, reason=data["reason"]
                )
                messages.success(request, _("Request refused."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("platforms:requests", slug=platform.slug)
    return render(
        request,
        "platforms/requests.html",
        {"platform": platform, "pending": _pending_page(request, platform), "form": form},
    )


@login_required
@require_POST
def leave(request, slug: str):
    platform = access_platform(request, slug)
    mine = Membership.objects.filter(
        platform=platform, user=request.user, status=Membership.Status.ACTIVE
    )
    for membership in mine:
        services.membership_end(membership=membership, actor=request.user, reason="left")
    messages.success(request, _("You left %(platform)s.") % {"platform": platform.name})
    return redirect(platform.get_absolute_url())


def history(request, slug: str):
    """The public membership history: who joined or left, in which party, and when."""
    platform = access_platform(request, slug)
    user = request.user
    rows = selectors.membership_history(
        platform,
        viewer=user,
        reveal_all=user.is_authenticated and permissions.can_decide_membership(user, platform),
    )
    page = keyset_page(
        rows,
        keys=("at", "pk"),
        descending=True,
        per_page=50,
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
    )
    return render(request, "platforms/history.html", {"platform": platform, "page": page})


@login_required
def delegates(request, slug: str):
    """The secretariat names delegates to the parent platform."""
    platform = access_platform(request, slug)
    if not permissions.can_name_delegate(request.user, platform):
        raise PermissionDenied(_("Only the secretariat names delegates."))
    search = MemberSearchForm(request.GET)
    form = DelegateForm(request.POST or None, platform=platform, member_query=search.query())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_service(
            form,
            services.delegate_name,
            platform=platform,
            user=data["member"].user,
            actor=request.user,
            term_start=data["term_start"],
            term_end=data["term_end"],
        ):
            messages.success(request, _("Delegate named."))
            return redirect(platform.get_absolute_url())
    current = [
        m for m in selectors.current_term_holders(platform) if m.delegated_from_id == platform.pk
    ]
    return render(
        request,
        "platforms/delegates.html",
        {
            "platform": platform,
            "form": form,
            "search": search,
            "current": current,
            "today": timezone.localdate(),
        },
    )


@login_required
def group_new(request, slug: str):
    platform = access_platform(request, slug)
    if not permissions.can_manage_groups(request.user, platform):
        raise PermissionDenied(_("Only the secretariat creates thematic groups."))
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        group = run_service(
            form, services.group_create, platform=platform, actor=request.user, **form.cleaned_data
        )
        if group:
            return redirect("platforms:group", slug=platform.slug, pk=group.pk)
    return render(request, "platforms/group_form.html", {"platform": platform, "form": form})


def group_detail(request, slug: str, pk: int):
    platform = access_platform(request, slug)
    group = get_object_or_404(
        ThematicGroup.objects.select_related("coordinator"), pk=pk, platform=platform
    )
    user = request.user
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        action = request.POST.get("action")
        try:
            if action == "join":
                services.group_join(group=group, user=user)
            elif action == "leave":
                services.group_leave(group=group, user=user)
            elif action == "coordinator":
                if not permissions.can_manage_groups(user, platform):
                    raise PermissionDenied(_("Only the secretariat names coordinators."))
                form = CoordinatorForm(request.POST, group=group)
                if form.is_valid():
                    services.group_set_coordinator(
                        group=group, actor=user, user=form.cleaned_data["coordinator"]
                    )
                else:
                    messages.error(request, _("Choose a member of the group."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("platforms:group", slug=platform.slug, pk=group.pk)
    members = list(group.members.select_related("user").order_by("party", "user__display_name"))
    parties = {m.party for m in members}
    is_member = user.is_authenticated and any(m.user_id == user.pk for m in members)
    return render(
        request,
        "platforms/group_detail.html",
        {
            "platform": platform,
            "group": group,
            "members": members,
            "missing": [Party(p).label for p in services.group_missing_parties(parties)],
            "is_member": is_member,
            "can_join": not is_member and permissions.can_participate(user, platform),
            "can_manage": permissions.can_manage_groups(user, platform),
            "coordinator_form": CoordinatorForm(
                group=group, initial={"coordinator": group.coordinator_id}
            ),
        },
    )


def decision_list(request, slug: str):
    platform = access_platform(request, slug)
    page = Paginator(platform.decisions.order_by("-opened_at", "-pk"), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "platforms/decision_list.html",
        {
            "platform": platform,
            "page": page,
            # the secretariat opens any matter; this also covers members choosing a first one
            "can_open": request.user.is_authenticated
            and permissions.can_open_decision(request.user, platform, Matter.SECRETARIAT),
        },
    )


@login_required
def decision_new(request, slug: str):
    platform = access_platform(request, slug)
    search = MemberSearchForm(request.GET)
    form = DecisionForm(
        request.POST or None,
        platform=platform,
        member_query=search.query(),
        initial={"matter": request.GET.get("matter", Matter.OTHER)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            decision = run_service(
                form,
                decisions.decision_open,
                platform=platform,
                actor=request.user,
                **form.cleaned_data,
            )
        except PermissionDenied:
            form.add_error("matter", _("Only the secretariat opens decisions on this platform."))
            decision = None
        if decision:
            return redirect(decision.get_absolute_url())
    return render(
        request,
        "platforms/decision_form.html",
        {"platform": platform, "form": form, "search": search},
    )


def decision_detail(request, slug: str, pk: int):
    platform = access_platform(request, slug)
    decision = get_object_or_404(
        Decision.objects.select_related("candidate__user", "opened_by"), pk=pk, platform=platform
    )
    user = request.user
    my_vote = decision.votes.filter(user=user).first() if user.is_authenticated else None
    form = VoteForm(
        request.POST or None,
        initial={
            "choice": my_vote.choice if my_vote else None,
            "reason": my_vote.reason if my_vote else "",
        },
    )
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if request.POST.get("action") == "close":
            try:
                decisions.decision_close(decision=decision, actor=user)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            return redirect(decision.get_absolute_url())
        if form.is_valid():
            if run_service(
                form, decisions.vote_cast, decision=decision, user=user, **form.cleaned_data
            ):
                messages.success(
                    request, _("Your vote was recorded. You can change it until the close.")
                )
                return redirect(decision.get_absolute_url())
    objections = decision.votes.filter(choice=Vote.Choice.OBJECT).select_related("user")
    return render(
        request,
        "platforms/decision_detail.html",
        {
            "platform": platform,
            "decision": decision,
            "form": form,
            "my_vote": my_vote,
            "can_vote": permissions.can_vote(user, decision),
            "can_close": decision.status == Decision.Status.OPEN
            and user.is_authenticated
            and permissions.can_close_decision(user, decision),
            "tally": decisions.decision_tally(decision) if decision.status == "open" else None,
            "objections": objections,
        },
    )


def rules(request, slug: str):
    """The decision rule per matter: public to read, set by the platform admin or secretariat."""
    platform = access_platform(request, slug)
    can_set = request.user.is_authenticated and permissions.can_set_rules(request.user, platform)
    forms_by_matter = []
    for matter, label in Matter.choices:
        kind, quorum, threshold = decisions.rule_for(platform, matter)
        bound = request.method == "POST" and request.POST.get("matter") == matter
        form = RuleForm(
            request.POST if bound else None,
            prefix=matter,
            initial={"kind": kind, "quorum_percent": quorum, "threshold_percent": threshold},
        )
        if bound:
            if not can_set:
                raise PermissionDenied(_("Only the platform admin or the secretariat sets rules."))
            if form.is_valid() and run_service(
                form,
                decisions.decision_rule_set,
                platform=platform,
                actor=request.user,
                matter=matter,
                **form.cleaned_data,
            ):
                messages.success(request, _("Rule saved."))
                return redirect("platforms:rules", slug=platform.slug)
        forms_by_matter.append((matter, label, form, RuleKind(kind).label, quorum, threshold))
    return render(
        request,
        "platforms/rules.html",
        {"platform": platform, "rules": forms_by_matter, "can_set": can_set},
    )
