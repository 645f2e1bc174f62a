"""Answers by the police and local self-government, and their deadlines."""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.services import notify
from accounts.text import Message, isolate
from forums import permissions
from forums.models import (
    PoliceResponse,
    Proposal,
    ProposalEvent,
    ResponseTemplate,
    awaiting_answer_condition,
)
from forums.services.common import (
    _locked,
    event_add,
    secretariat_users,
    unit_officers,
)

REMINDER_DAYS = 3


@transaction.atomic
def response_log(
    *,
    proposal: Proposal,
    actor: User,
    status: str,
    text: str,
    responder: str = PoliceResponse.Responder.POLICE,
    referral: str = "",
    next_due: date | None = None,
    publish: bool = True,
) -> PoliceResponse:
    """A liaison officer (or local self-government) answers; drafts are published later."""
    proposal = _locked(proposal)
    if responder == PoliceResponse.Responder.POLICE:
        if not permissions.can_respond_police(actor, proposal):
            raise PermissionDenied(_("Only liaison officers of the addressed unit answer for it."))
        unit = proposal.police_unit
    else:
        if not permissions.can_respond_lsg(actor, proposal):
            raise PermissionDenied(_("Only the addressed local self-government answers for it."))
        unit = None
    errors = {}
    text = (text or "").strip()
    if status not in PoliceResponse.Status.values:
        errors["status"] = _("Choose a status.")
    if not text:
        errors["text"] = _("Write the answer.")
    if status == PoliceResponse.Status.NOT_COMPETENT and not (referral or "").strip():
        errors["referral"] = _("Name the body that is competent.")
    if status == PoliceResponse.Status.DECLINED and len(text) < 20:
        errors["text"] = _("A decline needs its reasons.")
    if next_due is not None and next_due < timezone.localdate():
        errors["next_due"] = _("The next step cannot be in the past.")
    if errors:
        raise ValidationError(errors)
    response = PoliceResponse.objects.create(
        proposal=proposal,
        responder=responder,
        unit=unit,
        author=actor,
        status=status,
        text=text,
        referral=(referral or "").strip(),
        next_due=next_due,
    )
    if publish:
        _publish(response, proposal, actor)
    return response


def _publish(response: PoliceResponse, proposal: Proposal, actor: User) -> None:
    response.published_at = timezone.now()
    response.save(update_fields=["published_at"])
    answered = (
        "police_answered_at"
        if response.responder == PoliceResponse.Responder.POLICE
        else "lsg_answered_at"
    )
    fields = [f for f in ("first_response_at", answered) if getattr(proposal, f) is None]
    for field in fields:
        setattr(proposal, field, response.published_at)
    if fields:
        proposal.save(update_fields=fields)
    event_add(
        proposal=proposal,
        kind=ProposalEvent.Kind.RESPONSE,
        actor=actor,
        role=response.responder,
        old=proposal.state,
        note=f"{response.get_status_display()}: {response.text[:300]}",
    )
    users = set(secretariat_users(proposal.platform))
    if proposal.author:
        users.add(proposal.author)
    notify(
        users=list(users),
        verb="proposal.response",
        title=Message(
            gettext_lazy("Answer on %(title)s: %(status)s"),
            {
                "title": isolate(proposal.title),
                "status": PoliceResponse.Status(response.status).label,
            },
        ),
        url=proposal.get_absolute_url(),
    )


@transaction.atomic
def response_publish(*, response: PoliceResponse, actor: User) -> PoliceResponse:
    response = PoliceResponse.objects.select_for_update().get(pk=response.pk)
    if response.author_id != actor.pk:
        raise PermissionDenied(_("Only the author publishes a draft answer."))
    if response.published_at:
        raise ValidationError(_("This answer is already published."))
    _publish(response, _locked(response.proposal), actor)
    return response


def _unanswered_parties(proposal: Proposal) -> set:
    """The people of each addressee that has not answered yet."""
    users = set()
    if proposal.police_answered_at is None:
        users |= set(unit_officers(proposal))
    if proposal.lsg_answered_at is None:
        users |= set(permissions.lsg_responders(proposal))
    return users


def response_deadlines_check(*, today: date | None = None) -> dict:
    """Remind the unit before the deadline; after it, mark the proposal publicly overdue."""
    today = today or timezone.localdate()
    reminded = marked = 0
    soon = (
        Proposal.objects.public()
        .filter(
            awaiting_answer_condition(),
            reminded_at__isnull=True,
            response_due__gte=today,
            response_due__lte=today + timedelta(days=REMINDER_DAYS),
        )
        .exclude(state__in=Proposal.FINAL_STATES)
        .select_related("police_unit", "lsg_territory", "platform")
    )
    for proposal in soon:
        with transaction.atomic():
            users = _unanswered_parties(proposal)
            notify(
                users=list(users),
                verb="proposal.deadline",
                title=Message(
                    gettext_lazy("Answer due by %(date)s: %(title)s"),
                    {"date": proposal.response_due, "title": isolate(proposal.title)},
                ),
                url=proposal.get_absolute_url(),
            )
            Proposal.objects.filter(pk=proposal.pk).update(reminded_at=timezone.now())
            reminded += 1
    for proposal in (
        Proposal.objects.overdue(today)
        .filter(overdue_marked_at__isnull=True)
        .select_related("platform", "police_unit")
    ):
        with transaction.atomic():
            Proposal.objects.filter(pk=proposal.pk).update(overdue_marked_at=timezone.now())
            event_add(
                proposal=proposal,
                kind=ProposalEvent.Kind.OVERDUE,
                actor=None,
                role="system",
                old=proposal.state,
                # the date alone: the page words it in the reader's language and date format
                note=proposal.response_due.isoformat(),
            )
            users = _unanswered_parties(proposal) | set(secretariat_users(proposal.platform))
            notify(
                users=list(users),
                verb="proposal.overdue",
                title=Message(
                    gettext_lazy("Overdue: %(title)s"), {"title": isolate(proposal.title)}
                ),
                url=proposal.get_absolute_url(),
            )
            marked += 1
    return {"reminded": reminded, "overdue": marked}


@transaction.atomic
def response_template_save(
    *, actor: User, unit, title: str, status: str, text: str, template=None
) -> ResponseTemplate:
    """The head of a unit writes or changes one of its answer templates."""
    if template is not None:
        template = ResponseTemplate.objects.select_for_update().get(pk=template.pk)
        unit = template.unit
    if not permissions.can_manage_templates(actor, unit):
        raise PermissionDenied(_("Only the head of the unit manages its answer templates."))
    errors = {}
    title, text = (title or "").strip(), (text or "").strip()
    if not title:
        errors["title"] = _("Give the template a title.")
    if not text:
        errors["text"] = _("Write the answer.")
    if status not in PoliceResponse.Status.values:
        errors["status"] = _("Choose a status.")
    if errors:
        raise ValidationError(errors)
    template = template or ResponseTemplate(unit=unit)
    template.title, template.status, template.text = title[:200], status, text[:10000]
    template.save()
    return template


@transaction.atomic
def response_template_delete(*, actor: User, template: ResponseTemplate) -> None:
    if not permissions.can_manage_templates(actor, template.unit):
        raise PermissionDenied(_("Only the head of the unit manages its answer templates."))
    template.delete()
