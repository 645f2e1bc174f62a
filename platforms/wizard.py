"""The community forum registration wizard: basics → aims → initiative group → review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.web import run_service
from platforms import permissions, registration
from platforms.forms import AimsForm, BasicsForm, InitiativeForm, InvitationForm
from platforms.models import Platform, PlatformContact

STEPS = [
    ("basics", gettext_lazy("Name and territory")),
    ("aims", gettext_lazy("Aims and problems")),
    ("group", gettext_lazy("Initiative group")),
    ("review", gettext_lazy("Review and submit")),
]
STEP_NAMES = [name for name, _label in STEPS]


def access_draft(request, slug: str) -> Platform:
    """The initiator's editable registration; 404 for anyone else."""
    platform = get_object_or_404(Platform.objects.select_related("territory"), slug=slug)
    if not permissions.can_edit_registration(request.user, platform):
        raise Http404(_("No such registration."))
    return platform


def _render(request, step: str, context: dict):
    index = STEP_NAMES.index(step)
    context.update(
        {
            "steps": STEPS,
            "step": step,
            "step_number": index + 1,
            "step_count": len(STEPS),
            "next_step": STEP_NAMES[index + 1] if index + 1 < len(STEPS) else None,
        }
    )
    return render(request, f"platforms/register/{step}.html", context)


def _next(platform: Platform, step: str):
    index = STEP_NAMES.index(step)
    return redirect("platforms:register_step", slug=platform.slug, step=STEP_NAMES[index + 1])


@login_required
def register_start(request):
    if not permissions.can_start_forum(request.user):
        messages.error(request, _("Verify your e-mail address before registering a forum."))
        return redirect("account_email")
    drafts = Platform.objects.filter(
        created_by=request.user, status__in=registration.EDITABLE
    ).select_related("territory")
    form = BasicsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        platform = run_service(
            form,
            registration.registration_start,
            user=request.user,
            name=form.cleaned_data["name"],
            territory=form.cleaned_data["territory"],
        )
        if platform is not None:
            messages.success(request, _("Draft saved. You can come back to it at any time."))
            return _next(platform, "basics")
    return _render(request, "basics", {"form": form, "drafts": drafts, "platform": None})


@login_required
def register_step(request, slug: str, step: str):
    platform = access_draft(request, slug)
    if step not in STEP_NAMES:
        raise Http404
    if step == "basics":
        form = BasicsForm(
            request.POST or None,
            initial={"name": platform.name, "territory": platform.territory_id},
        )
        if request.method == "POST" and form.is_valid():
            if run_service(
                form,
                registration.registration_update,
                platform=platform,
                user=request.user,
                **form.cleaned_data,
            ):
                return _next(platform, step)
        return _render(request, step, {"form": form, "platform": platform})
    if step == "aims":
        form = AimsForm(
            request.POST or None,
            initial={
                "aims": platform.aims,
                "problems": platform.problems,
                "membership_criteria": platform.membership_criteria,
            },
        )
        if request.method == "POST" and form.is_valid():
            if run_service(
                form,
                registration.registration_update,
                platform=platform,
                user=request.user,
                **form.cleaned_data,
            ):
                return _next(platform, step)
        return _render(request, step, {"form": form, "platform": platform})
    contacts = platform.contacts.select_related("user")
    if step == "group":
        form = InitiativeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if run_service(
                form,
                registration.initiative_add,
                platform=platform,
                user=request.user,
                **form.cleaned_data,
            ):
                # one message whatever the address: whether it has an account is not told
                messages.success(
                    request,
                    _(
                        "Added to the initiative group. If you gave an e-mail address, "
                        "an invitation was sent to it."
                    ),
                )
                return redirect("platforms:register_step", slug=platform.slug, step="group")
        return _render(
            request,
            step,
            {
                "form": form,
                "platform": platform,
                "contacts": contacts,
                "minimum": registration.MIN_INITIATIVE_GROUP,
            },
        )
    # review
    errors = []
    if request.method == "POST":
        try:
            registration.registration_submit(platform=platform, user=request.user)
        except ValidationError as exc:
            errors = [m for msgs in exc.message_dict.values() for m in msgs]
        else:
            messages.success(
                request,
                _("Submitted. Local self-government and the police have been informed."),
            )
            return redirect(platform.get_absolute_url())
    return _render(
        request,
        step,
        {
            "platform": platform,
            "contacts": contacts,
            "errors": errors,
            "minimum": registration.MIN_INITIATIVE_GROUP,
        },
    )


@login_required
@require_POST
def register_remove_contact(request, slug: str, pk: int):
    platform = access_draft(request, slug)
    contact = get_object_or_404(PlatformContact, pk=pk, platform=platform)
    try:
        registration.initiative_remove(platform=platform, user=request.user, contact=contact)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return redirect(reverse("platforms:register_step", kwargs={"slug": slug, "step": "group"}))


def access_invitation(request, slug: str, token: str) -> PlatformContact:
    """The invitation behind a link, for the holder of the invited address; 404 otherwise.

    One answer for an unknown token, another forum's token and another person's token.
    """
    contact = (
        PlatformContact.objects.select_related("platform__territory", "platform__created_by")
        .filter(
            platform__slug=slug,
            # founders of an initiative group, and heads of imported LCPCs
            source__in=[PlatformContact.Source.INITIATIVE, PlatformContact.Source.IMPORT],
            token_hash=registration.invitation_token_hash(token),
        )
        .first()
    )
    if contact is None or not permissions.can_answer_invitation(request.user, contact):
        raise Http404(_("No such invitation for your account."))
    return contact


@login_required
def invitation(request, slug: str, token: str):
    """Accept or decline an invitation to a forum's initiative group."""
    contact = access_invitation(request, slug, token)
    form = InvitationForm(
        request.POST or None, parties=registration.founder_parties(user=request.user)
    )
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["answer"] == "accept"
        if run_service(
            form,
            registration.invitation_answer,
            contact=contact,
            user=request.user,
            accept=accept,
            party=form.cleaned_data["party"],
        ):
            if accept:
                messages.success(request, _("Thank you: you are in the initiative group."))
            else:
                messages.info(request, _("You declined the invitation."))
            return redirect(request.path)
    return render(
        request,
        "platforms/invitation.html",
        {"contact": contact, "platform": contact.platform, "form": form},
    )
