"""Write services for SARA problems, the library of practice, reviews and exchanges.

Every stage move reads TRANSITIONS; the same table drives the buttons and the tests.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.services import notify
from accounts.text import Message, isolate
from forums.models import Category, Meeting, Proposal
from forums.problems import permissions
from forums.problems.models import (
    KG_LAT,
    KG_LON,
    AssessmentDecision,
    Exchange,
    ExchangeInvitation,
    NoticedVia,
    Outcome,
    Practice,
    PracticeAdoption,
    Problem,
    ProblemEvent,
    ProblemMeasure,
    ProblemReview,
    ProblemTask,
    ProblemType,
    Stage,
    TaskParty,
)
from forums.problems.privacy import check_personal_data
from forums.services.common import secretariat_users
from platforms import permissions as platform_perms
from platforms.models import Platform, PoliceUnit, Territory

# The fields each stage fills in; a stage may revise the fields of the stages before it.
STAGE_FIELDS = {
    Stage.SCANNING: (
        "title",
        "problem_type",
        "category",
        "territory",
        "place",
        "lat",
        "lon",
        "period",
        "noticed_via",
        "source_proposal",
        "harm",
        "frequency",
        "priority_reason",
        "incidents",
    ),
    Stage.ANALYSIS: (
        "offender",
        "handler",
        "victim",
        "guardian",
        "location",
        "manager",
        "repeats",
        "current_responses",
        "explanation",
    ),
    Stage.RESPONSE: ("options", "chosen_response", "chosen_reason", "objectives"),
    Stage.ASSESSMENT: ("as_planned", "displacement", "goals_met", "decision", "lessons"),
}
STAGE_ORDER = [Stage.SCANNING, Stage.ANALYSIS, Stage.RESPONSE, Stage.ASSESSMENT, Stage.CLOSED]
TEXT_FIELDS = tuple(
    name
    for fields in STAGE_FIELDS.values()
    for name in fields
    if name
    not in (
        "problem_type",
        "category",
        "territory",
        "lat",
        "lon",
        "noticed_via",
        "source_proposal",
        "as_planned",
        "goals_met",
        "decision",
    )
)
MIN_TITLE_WORDS = 4
MIN_INCIDENTS = 2


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str
    who: str  # "member" or "secretariat"
    label: str | Promise
    decision: str = ""  # the assessment's decision this move carries out


# The SARA cycle: (action, from, to, who). The source stage must be complete to leave it.
TRANSITIONS = (
    Transition("analyse", Stage.SCANNING, Stage.ANALYSIS, "member", gettext_lazy("Start analysis")),
    Transition(
        "respond", Stage.ANALYSIS, Stage.RESPONSE, "member", gettext_lazy("Choose a response")
    ),
    Transition(
        "assess", Stage.RESPONSE, Stage.ASSESSMENT, "member", gettext_lazy("Assess the response")
    ),
    Transition(
        "close",
        Stage.ASSESSMENT,
        Stage.CLOSED,
        "secretariat",
        gettext_lazy("Close the problem"),
        AssessmentDecision.CLOSE,
    ),
    Transition(
        "adjust",
        Stage.ASSESSMENT,
        Stage.RESPONSE,
        "member",
        gettext_lazy("Adjust the response"),
        AssessmentDecision.ADJUST,
    ),
    Transition(
        "rescan",
        Stage.ASSESSMENT,
        Stage.SCANNING,
        "member",
        gettext_lazy("Scan again"),
        AssessmentDecision.RESCAN,
    ),
)
TRANSITIONS_BY_ACTION = {t.action: t for t in TRANSITIONS}


def transitions_from(stage: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == stage]


def stage_missing(problem: Problem, stage: str) -> list[str]:
    """What the stage still lacks, in words; empty when complete.

    Reads problem.measures and problem.tasks: prefetch them on list pages.
    """
    missing = []

    def need(condition, message):
        if not condition:
            missing.append(message)

    def filled(*names):
        return all(str(getattr(problem, n) or "").strip() for n in names)

    if stage == Stage.SCANNING:
        need(
            len(problem.title.split()) >= MIN_TITLE_WORDS and problem.place.strip(),
            _("a specific title naming the harm and the place, and the place itself"),
        )
        need(filled("problem_type", "category"), _("the problem type and category"))
        need(filled("period"), _("the period"))
        need(filled("noticed_via"), _("how the problem was noticed"))
        need(filled("harm", "frequency"), _("the harm and how often it happens"))
        need(filled("priority_reason"), _("why it is a priority"))
        need(
            len(problem.incident_list) >= MIN_INCIDENTS,
            _("at least two similar incidents, one per line"),
        )
    elif stage == Stage.ANALYSIS:
        need(
            filled("offender", "victim", "location"),
            _("the three sides of the triangle: offender, victim or target, place"),
        )
        need(
            filled("handler") or filled("guardian") or filled("manager"),
            _("at least one who can act: handler, guardian or place manager"),
        )
        need(filled("repeats"), _("repeat patterns (offender, victim, place)"))
        need(bool(list(problem.measures.all())), _("at least one baseline measure with its date"))
        need(filled("current_responses"), _("current responses and their limits"))
        need(filled("explanation"), _("the working explanation"))
    elif stage == Stage.RESPONSE:
        need(filled("options"), _("the options considered"))
        need(filled("chosen_response", "chosen_reason"), _("the chosen response and why"))
        need(filled("objectives"), _("the objectives"))
        need(bool(list(problem.tasks.all())), _("who does what, with a deadline"))
    elif stage == Stage.ASSESSMENT:
        need(filled("as_planned"), _("whether the response was done as planned"))
        need(
            all(m.after_value is not None and m.after_on for m in problem.measures.all()),
            _("the value after the response for every baseline measure"),
        )
        need(filled("displacement"), _("displacement or spill-over"))
        need(filled("goals_met"), _("whether the goals were met"))
        need(filled("decision"), _("the decision: close, adjust or scan again"))
        need(filled("lessons"), _("the lessons learned"))
    return missing


def _event(problem: Problem, kind: str, actor, note: str = "", old: str = "") -> ProblemEvent:
    return ProblemEvent.objects.create(
        problem=problem,
        kind=kind,
        old_stage=old,
        new_stage=problem.stage,
        actor=actor,
        note=note[:2000],
    )


def _locked(problem: Problem) -> Problem:
    """The problem row-locked and re-read (the lock without joins, as for proposals)."""
    Problem.objects.select_for_update().filter(pk=problem.pk).values_list("pk").get()
    return Problem.objects.select_related("platform", "territory").get(pk=problem.pk)


def _clean_point(lat, lon) -> dict:
    if lat in (None, "") and lon in (None, ""):
        return {"lat": None, "lon": None}
    if lat in (None, "") or lon in (None, ""):
        raise ValidationError({"lat": _("Give both latitude and longitude, or neither.")})
    try:
        lat = Decimal(str(lat)).quantize(Decimal("0.01"))
        lon = Decimal(str(lon)).quantize(Decimal("0.01"))
    except ArithmeticError:
        raise ValidationError(
            {"lat": _("Give the point in degrees, e.g. 42.87 and 74.59.")}
        ) from None
    if not (KG_LAT[0] <= lat <= KG_LAT[1] and KG_LON[0] <= lon <= KG_LON[1]):
        raise ValidationError({"lat": _("The point is outside Kyrgyzstan.")})
    return {"lat": lat, "lon": lon}


def _clean_fields(problem: Problem | None, platform: Platform, data: dict) -> dict:
    """Trimmed, validated values of the given fields; identifying data refused."""
    errors = {}
    cleaned = {}
    for name, value in data.items():
        cleaned[name] = value.strip() if isinstance(value, str) else value
    if "title" in cleaned and not cleaned["title"]:
        errors["title"] = _("Name the harm and the place.")
    choices = {
        "problem_type": ProblemType.values,
        "category": Category.values,
        "noticed_via": NoticedVia.values,
        "as_planned": Outcome.values,
        "goals_met": Outcome.values,
        "decision": AssessmentDecision.values,
    }
    for name, allowed in choices.items():
        if cleaned.get(name) and cleaned[name] not in allowed:
            errors[name] = _("Choose one of the options.")
    for name in ("problem_type", "category"):
        if name in cleaned and not cleaned[name]:
            errors[name] = _("Choose one of the options.")
    territory = cleaned.get("territory")
    if "territory" in cleaned:
        if not isinstance(territory, Territory):
            errors["territory"] = _("Choose the place in the territory tree.")
        elif not territory.path.startswith(platform.territory.path):
            errors["territory"] = _("Choose a place within the platform's territory.")
    proposal = cleaned.get("source_proposal")
    if proposal is not None and proposal.state == Proposal.State.DRAFT:
        errors["source_proposal"] = _("No such proposal.")
    if "lat" in cleaned or "lon" in cleaned:
        try:
            cleaned.update(_clean_point(cleaned.get("lat"), cleaned.get("lon")))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    check_personal_data({k: v for k, v in cleaned.items() if k in TEXT_FIELDS})
    return cleaned


def _notify_secretariat(platform: Platform, *, actor, verb: str, title: str, url: str) -> None:
    users = [u for u in secretariat_users(platform) if u != actor]
    notify(users=users, verb=verb, title=title, url=url, category="")


@transaction.atomic
def problem_create(*, platform: Platform, actor: User, **fields) -> Problem:
    """A member records a problem on their platform: the scanning stage."""
    if not permissions.can_record_problem(actor, platform):
        raise PermissionDenied(_("Only members of this platform record its problems."))
    unknown = set(fields) - set(STAGE_FIELDS[Stage.SCANNING])
    if unknown:
        raise TypeError(f"not scanning fields: {sorted(unknown)}")
    for required in ("title", "problem_type", "category", "territory"):
        fields.setdefault(required, "" if required != "territory" else None)
    cleaned = _clean_fields(None, platform, fields)
    problem = Problem(platform=platform, created_by=actor, **cleaned)
    problem.save()
    _event(problem, ProblemEvent.Kind.CREATED, actor)
    _notify_secretariat(
        platform,
        actor=actor,
        verb="problem.created",
        title=Message(
            gettext_lazy("New problem recorded: %(title)s"), {"title": isolate(problem.title)}
        ),
        url=problem.get_absolute_url(),
    )
    return problem


def editable_fields(problem: Problem) -> tuple[str, ...]:
    """The fields of the current stage and those before it."""
    if problem.stage == Stage.CLOSED:
        return ()
    names: list[str] = []
    for stage in STAGE_ORDER[: STAGE_ORDER.index(problem.stage) + 1]:
        names.extend(STAGE_FIELDS.get(stage, ()))
    return tuple(names)


def _open_for_work(problem: Problem, actor: User) -> Problem:
    if not permissions.can_view_problem(actor, problem) or not (
        platform_perms.can_participate(actor, problem.platform)
    ):
        raise PermissionDenied(_("Only members of the problem's own forum change it."))
    problem = _locked(problem)
    if problem.stage == Stage.CLOSED:
        raise ValidationError(_("The problem is closed: its record no longer changes."))
    return problem


@transaction.atomic
def problem_update(*, problem: Problem, actor: User, **fields) -> Problem:
    """Members fill in the current stage (and revise earlier ones)."""
    problem = _open_for_work(problem, actor)
    allowed = editable_fields(problem)
    refused = [name for name in fields if name not in allowed]
    if refused:
        raise ValidationError(
            _("These fields belong to a later stage: %(fields)s") % {"fields": ", ".join(refused)}
        )
    cleaned = _clean_fields(problem, problem.platform, fields)
    changed = [name for name, value in cleaned.items() if getattr(problem, name) != value]
    if not changed:
        return problem
    for name in changed:
        setattr(problem, name, cleaned[name])
    problem.updated_at = timezone.now()
    problem.save(update_fields=[*changed, "updated_at"])
    _event(problem, ProblemEvent.Kind.UPDATED, actor, note=", ".join(changed))
    return problem


@transaction.atomic
def problem_advance(*, problem: Problem, actor: User, action: str) -> Problem:
    """Move the problem along the SARA cycle when its current stage is complete."""
    transition = TRANSITIONS_BY_ACTION.get(action)
    if transition is None:
        raise ValidationError(_("Unknown action."))
    if not permissions.can_view_problem(actor, problem):
        raise PermissionDenied
    locked = _locked(problem)
    if locked.stage != transition.source:
        raise ValidationError(
            _("Not possible while the problem is at the %(stage)s stage.")
            % {"stage": locked.get_stage_display()}
        )
    if not permissions.can_take_transition(actor, locked, transition):
        if transition.who == "secretariat":
            raise PermissionDenied(_("Only the forum's secretariat closes a problem."))
        raise PermissionDenied(_("Only members of the problem's own forum change it."))
    missing = stage_missing(locked, locked.stage)
    if missing:
        raise ValidationError(
            _("The %(stage)s stage is not complete. Missing: %(missing)s.")
            % {"stage": locked.get_stage_display(), "missing": "; ".join(missing)}
        )
    if transition.decision and locked.decision != transition.decision:
        raise ValidationError(
            _("The assessment decided: %(decision)s.") % {"decision": locked.get_decision_display()}
        )
    old = locked.stage
    locked.stage = transition.target
    locked.updated_at = timezone.now()
    fields = ["stage", "updated_at"]
    if transition.target == Stage.CLOSED:
        locked.closed_at = locked.updated_at
        fields.append("closed_at")
    if transition.source == Stage.ASSESSMENT and transition.target != Stage.CLOSED:
        # a new round: the next assessment records its own decision
        locked.decision = ""
        fields.append("decision")
    locked.save(update_fields=fields)
    _event(locked, ProblemEvent.Kind.STAGE, actor, old=old)
    _notify_secretariat(
        locked.platform,
        actor=actor,
        verb="problem.stage",
        title=Message(
            gettext_lazy("Problem at the %(stage)s stage: %(title)s"),
            {"stage": Stage(locked.stage).label, "title": isolate(locked.title)},
        ),
        url=locked.get_absolute_url(),
    )
    return locked


def _require_stage(problem: Problem, stages, message: str) -> None:
    if problem.stage not in stages:
        raise ValidationError(message)


@transaction.atomic
def measure_add(
    *, problem: Problem, actor: User, name: str, baseline_value, baseline_on, source: str = ""
) -> ProblemMeasure:
    """A baseline measure with its date (analysis)."""
    problem = _open_for_work(problem, actor)
    _require_stage(
        problem,
        (Stage.ANALYSIS, Stage.RESPONSE),
        _("Baseline measures are taken during analysis."),
    )
    name, source = (name or "").strip(), (source or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("Name the measure, e.g. calls about fights per month.")
    if baseline_value is None:
        errors["baseline_value"] = _("Give the baseline value.")
    if not baseline_on:
        errors["baseline_on"] = _("Give the date of the baseline.")
    if errors:
        raise ValidationError(errors)
    check_personal_data({"name": name, "source": source})
    measure = ProblemMeasure.objects.create(
        problem=problem,
        name=name,
        source=source,
        baseline_value=baseline_value,
        baseline_on=baseline_on,
    )
    _event(problem, ProblemEvent.Kind.UPDATED, actor, note=name)
    return measure


@transaction.atomic
def measure_record_after(
    *, measure: ProblemMeasure, actor: User, after_value, after_on
) -> ProblemMeasure:
    """The value after the response, against the baseline (assessment)."""
    problem = _open_for_work(measure.problem, actor)
    _require_stage(
        problem, (Stage.ASSESSMENT,), _("Values after the response are recorded in assessment.")
    )
    measure = ProblemMeasure.objects.select_for_update().get(pk=measure.pk, problem=problem)
    if after_value is None or not after_on:
        raise ValidationError({"after_value": _("Give the value and the date it was measured.")})
    if after_on < measure.baseline_on:
        raise ValidationError({"after_on": _("The measure after comes after the baseline.")})
    measure.after_value, measure.after_on = after_value, after_on
    measure.save(update_fields=["after_value", "after_on"])
    _event(problem, ProblemEvent.Kind.UPDATED, actor, note=measure.name)
    return measure


@transaction.atomic
def task_add(
    *,
    problem: Problem,
    actor: User,
    party: str,
    who: str,
    what: str,
    due,
    police_unit: PoliceUnit | None = None,
) -> ProblemTask:
    """Who does what by when, in the chosen response."""
    problem = _open_for_work(problem, actor)
    _require_stage(problem, (Stage.RESPONSE,), _("Tasks are set in the response stage."))
    who, what = (who or "").strip(), (what or "").strip()
    errors = {}
    if party not in TaskParty.values:
        errors["party"] = _("Choose one of the options.")
    if not who:
        errors["who"] = _("Name the body, e.g. the school, the ayil okmotu, the police unit.")
    if not what:
        errors["what"] = _("Say what they do.")
    if not due:
        errors["due"] = _("Give a deadline.")
    if errors:
        raise ValidationError(errors)
    check_personal_data({"who": who, "what": what})
    task = ProblemTask.objects.create(
        problem=problem, party=party, who=who, what=what, due=due, police_unit=police_unit
    )
    _event(problem, ProblemEvent.Kind.UPDATED, actor, note=what)
    return task


@transaction.atomic
def problem_log(*, problem: Problem, actor: User, note: str) -> ProblemEvent:
    """An entry of the implementation log (response and assessment stages)."""
    problem = _open_for_work(problem, actor)
    _require_stage(
        problem,
        (Stage.RESPONSE, Stage.ASSESSMENT),
        _("The implementation log starts with the response."),
    )
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Write what was done.")})
    check_personal_data({"note": note})
    return _event(problem, ProblemEvent.Kind.LOG, actor, note=note)


@transaction.atomic
def problem_link(
    *, problem: Problem, actor: User, proposal: Proposal | None = None, meeting=None
) -> Problem:
    """Link a proposal or a meeting of the same forum to the problem."""
    problem = _open_for_work(problem, actor)
    if proposal is not None:
        if proposal.state == Proposal.State.DRAFT or problem.platform_id not in (
            proposal.origin_id,
            proposal.platform_id,
        ):
            raise ValidationError({"proposal": _("Choose a proposal of this forum.")})
        problem.proposals.add(proposal)
        _event(problem, ProblemEvent.Kind.LINKED, actor, note=f"#{proposal.pk} {proposal.title}")
    if meeting is not None:
        if (
            meeting.platform_id != problem.platform_id
            and not meeting.guests.filter(pk=problem.platform_id).exists()
        ):
            raise ValidationError({"meeting": _("Choose a meeting of this forum.")})
        problem.meetings.add(meeting)
        _event(problem, ProblemEvent.Kind.LINKED, actor, note=meeting.title)
    return problem


@transaction.atomic
def problem_raise_proposal(*, problem: Problem, actor: User, title: str, body: str) -> Proposal:
    """A proposal for the upper platform, raised from the problem: submitted on the forum.

    The forum decides on it and escalates it as on any proposal; the problem keeps the link.
    """
    from forums.services import proposal_create

    problem = _open_for_work(problem, actor)
    if problem.platform.parent_id is None:
        raise ValidationError(_("The national council has no upper platform."))
    check_personal_data({"title": title or "", "body": body or ""})
    proposal = proposal_create(
        platform=problem.platform,
        author=actor,
        title=title,
        body=body,
        category=problem.category,
        place=problem.place,
        submit=True,
    )
    problem.proposals.add(proposal)
    _event(problem, ProblemEvent.Kind.PROPOSAL, actor, note=f"#{proposal.pk} {proposal.title}")
    return proposal


@transaction.atomic
def practice_publish(
    *,
    problem: Problem,
    actor: User,
    title: str,
    summary: str,
    what_worked: str,
    measures: str,
    contact: str,
) -> Practice:
    """The secretariat publishes a closed problem as an anonymised case study in the library."""
    if not platform_perms.can_act_as_secretariat(actor, problem.platform):
        raise PermissionDenied(_("Only the forum's secretariat publishes its case studies."))
    problem = _locked(problem)
    if problem.stage != Stage.CLOSED:
        raise ValidationError(_("Only a closed problem can be published as a case study."))
    if Practice.objects.filter(problem=problem).exists():
        raise ValidationError(_("This problem is already in the library."))
    data = {
        "title": (title or "").strip(),
        "summary": (summary or "").strip(),
        "what_worked": (what_worked or "").strip(),
        "measures": (measures or "").strip(),
        "contact": (contact or "").strip(),
    }
    errors = {name: _("This field is required.") for name, value in data.items() if not value}
    if errors:
        raise ValidationError(errors)
    # the contact is the forum's (an office, a public e-mail), so only the story is checked
    check_personal_data({k: v for k, v in data.items() if k != "contact"})
    practice = Practice.objects.create(
        problem=problem,
        platform=problem.platform,
        problem_type=problem.problem_type,
        category=problem.category,
        territory=problem.territory,
        published_by=actor,
        **data,
    )
    _event(problem, ProblemEvent.Kind.PUBLISHED, actor, note=practice.title)
    return practice


@transaction.atomic
def practice_adopt(
    *, practice: Practice, problem: Problem, actor: User, note: str = ""
) -> PracticeAdoption:
    """A forum says "we are trying this": its open problem is linked to the practice."""
    if not permissions.can_adopt_practice(actor, practice, problem):
        if problem.platform_id == practice.platform_id:
            raise ValidationError(_("This practice comes from your own forum."))
        raise PermissionDenied(_("Only members of the problem's own forum link it."))
    problem = _open_for_work(problem, actor)
    note = (note or "").strip()[:500]
    check_personal_data({"note": note})
    Practice.objects.select_for_update().filter(pk=practice.pk).values_list("pk").get()
    if PracticeAdoption.objects.filter(practice=practice, problem=problem).exists():
        raise ValidationError(_("This problem is already linked to the practice."))
    adoption = PracticeAdoption.objects.create(
        practice=practice, problem=problem, platform=problem.platform, note=note, created_by=actor
    )
    Practice.objects.filter(pk=practice.pk).update(adoption_count=F("adoption_count") + 1)
    _event(problem, ProblemEvent.Kind.PRACTICE, actor, note=practice.title)
    _notify_secretariat(
        practice.platform,
        actor=actor,
        verb="problem.practice_adopted",
        title=Message(
            gettext_lazy("%(forum)s is trying your practice: %(title)s"),
            {"forum": isolate(problem.platform.name), "title": isolate(practice.title)},
        ),
        url=practice.get_absolute_url(),
    )
    return adoption


@transaction.atomic
def review_add(
    *,
    problem: Problem,
    actor: User,
    analysis: int,
    goals: int,
    effectiveness: int,
    involvement: int,
    feedback: str,
) -> ProblemReview:
    """A council's secretariat scores a forum's problem record and gives feedback."""
    reviewer_platform = permissions.reviewing_platform(actor, problem)
    if reviewer_platform is None:
        raise PermissionDenied(
            _("Only the secretariat of a council above this forum reviews its problems.")
        )
    if problem.stage == Stage.SCANNING:
        raise ValidationError(_("Review a problem once its analysis has started."))
    scores = {
        "analysis": analysis,
        "goals": goals,
        "effectiveness": effectiveness,
        "involvement": involvement,
    }
    errors = {
        name: _("Score from 0 to %(max)d.") % {"max": ProblemReview.MAX_SCORE}
        for name, value in scores.items()
        if value is None or not 0 <= value <= ProblemReview.MAX_SCORE
    }
    feedback = (feedback or "").strip()
    if not feedback:
        errors["feedback"] = _("Write the feedback the forum will read.")
    if errors:
        raise ValidationError(errors)
    check_personal_data({"feedback": feedback})
    review = ProblemReview.objects.create(
        problem=problem,
        reviewer_platform=reviewer_platform,
        reviewer=actor,
        feedback=feedback,
        **scores,
    )
    _event(problem, ProblemEvent.Kind.REVIEWED, actor, note=reviewer_platform.name)
    users = [u for u in secretariat_users(problem.platform) if u != actor]
    if problem.created_by and problem.created_by not in users:
        users.append(problem.created_by)
    notify(
        users=users,
        verb="problem.reviewed",
        title=Message(
            gettext_lazy("%(council)s reviewed your problem: %(title)s"),
            {"council": isolate(reviewer_platform.name), "title": isolate(problem.title)},
        ),
        url=problem.get_absolute_url(),
        category="",
    )
    return review


MAX_EXCHANGE_GUESTS = 50
EXCHANGE_MEETING_KIND = {
    Exchange.Format.JOINT: Meeting.Kind.JOINT,
    Exchange.Format.SEMINAR: Meeting.Kind.SEMINAR,
    Exchange.Format.VISIT: Meeting.Kind.JOINT,
}


@transaction.atomic
def exchange_propose(
    *,
    host: Platform,
    actor: User,
    format: str,
    title: str,
    topic: str,
    starts_at,
    location: str = "",
    guests=(),
    practice: Practice | None = None,
    agenda=(),
) -> Exchange:
    """A forum invites other forums, on its level or across levels, to share experience."""
    from forums.services import agenda_item_add, meeting_create

    if not permissions.can_propose_exchange(actor, host):
        raise PermissionDenied(_("Only the secretariat invites other forums."))
    guests = [g for g in guests if g.pk != host.pk]
    errors = {}
    if format not in Exchange.Format.values:
        errors["format"] = _("Choose one of the options.")
    if not guests:
        errors["guests"] = _("Invite at least one other forum.")
    elif any(not g.is_public for g in guests):
        errors["guests"] = _("Only active forums can be invited.")
    topic = (topic or "").strip()
    if not topic:
        errors["topic"] = _("Say what the forums will share.")
    if errors:
        raise ValidationError(errors)
    check_personal_data({"topic": topic})
    if len(guests) > MAX_EXCHANGE_GUESTS:
        raise ValidationError(
            {"guests": _("Invite at most %(n)d forums.") % {"n": MAX_EXCHANGE_GUESTS}}
        )
    # An exchange reaches beyond the neighbours an ordinary joint meeting may invite (other
    # districts, other levels): the meeting is scheduled without guests, then this service,
    # which has checked them above, records them and the meeting's kind.
    meeting = meeting_create(
        platform=host,
        actor=actor,
        kind=Meeting.Kind.SEMINAR,
        title=title,
        starts_at=starts_at,
        location=location,
    )
    kind = EXCHANGE_MEETING_KIND[format]
    if kind != meeting.kind:
        meeting.kind = kind
        meeting.save(update_fields=["kind"])
    meeting.guests.set(guests)
    exchange = Exchange.objects.create(
        meeting=meeting,
        host=host,
        format=format,
        topic=topic,
        practice=practice,
        created_by=actor,
    )
    ExchangeInvitation.objects.bulk_create(
        [ExchangeInvitation(exchange=exchange, platform=g) for g in guests]
    )
    for item in agenda:
        if item.strip():
            agenda_item_add(meeting=meeting, actor=actor, title=item)
    for guest in guests:
        notify(
            users=secretariat_users(guest),
            verb="meeting.exchange_invited",
            title=Message(
                gettext_lazy("%(host)s invites your forum: %(title)s"),
                {"host": isolate(host.name), "title": isolate(meeting.title)},
            ),
            body=topic,
            url=exchange.get_absolute_url(),
        )
    return exchange


@transaction.atomic
def exchange_answer(
    *, invitation: ExchangeInvitation, actor: User, accept: bool, participants: str = ""
) -> ExchangeInvitation:
    """The invited forum's secretariat accepts (naming its participants) or declines."""
    if not permissions.can_answer_invitation(actor, invitation):
        raise PermissionDenied(_("Only the invited forum's secretariat answers."))
    invitation = (
        ExchangeInvitation.objects.select_for_update()
        .select_related("exchange__meeting", "exchange__host", "platform")
        .get(pk=invitation.pk)
    )
    if invitation.exchange.meeting.is_cancelled:
        raise ValidationError(_("This meeting was cancelled."))
    participants = "\n".join(
        line.strip() for line in (participants or "").splitlines() if line.strip()
    )
    if accept and not participants:
        raise ValidationError({"participants": _("Name who comes from your forum.")})
    invitation.answer = (
        ExchangeInvitation.Answer.ACCEPTED if accept else ExchangeInvitation.Answer.DECLINED
    )
    invitation.participants = participants if accept else ""
    invitation.answered_by, invitation.answered_at = actor, timezone.now()
    invitation.save(update_fields=["answer", "participants", "answered_by", "answered_at"])
    exchange = invitation.exchange
    notify(
        users=[u for u in secretariat_users(exchange.host) if u != actor],
        verb="meeting.exchange_answered",
        title=Message(
            gettext_lazy("%(forum)s %(answer)s: %(title)s"),
            {
                "forum": isolate(invitation.platform.name),
                "answer": ExchangeInvitation.Answer(invitation.answer).label,
                "title": isolate(exchange.meeting.title),
            },
        ),
        url=exchange.get_absolute_url(),
    )
    return invitation


@transaction.atomic
def exchange_publish_outcome(*, exchange: Exchange, actor: User, outcome: str) -> Exchange:
    """The host publishes what the forums learned, once the meeting has taken place."""
    if not permissions.can_publish_outcome(actor, exchange):
        raise PermissionDenied(_("Only the host forum's secretariat publishes the outcome."))
    exchange = (
        Exchange.objects.select_for_update().select_related("meeting", "host").get(pk=exchange.pk)
    )
    if exchange.outcome_published_at:
        raise ValidationError(_("The outcome is already published."))
    if exchange.meeting.is_cancelled:
        raise ValidationError(_("This meeting was cancelled."))
    if exchange.meeting.starts_at > timezone.now():
        raise ValidationError({"outcome": _("Publish the outcome once the exchange took place.")})
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": _("Write the outcome.")})
    check_personal_data({"outcome": outcome})
    exchange.outcome, exchange.outcome_published_at = outcome, timezone.now()
    exchange.save(update_fields=["outcome", "outcome_published_at"])
    guests = [i.platform for i in exchange.invitations.select_related("platform")]
    users = {u for g in guests for u in secretariat_users(g)}
    notify(
        users=[u for u in users if u != actor],
        verb="meeting.exchange_outcome",
        title=Message(
            gettext_lazy("Outcome published: %(title)s"), {"title": isolate(exchange.meeting.title)}
        ),
        url=exchange.get_absolute_url(),
    )
    return exchange
