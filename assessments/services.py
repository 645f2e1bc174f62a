"""Every write of the assessments app: atomic, permission-checked, against the transition table."""

import re
import secrets
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.services import notify
from accounts.text import Message, isolate
from assessments import permissions
from assessments import transitions as T
from assessments.models import (
    Criterion,
    Evidence,
    Finding,
    Framework,
    Grade,
    Moderation,
    Poll,
    PollAnswer,
    PollParticipation,
    ProfileFigure,
    Recommendation,
    RecommendationUpdate,
    Residence,
    Round,
    RoundEvent,
    Score,
    Subject,
    Track,
)
from platforms.models import (
    Decision,
    Matter,
    Membership,
    Platform,
    PoliceUnit,
    RuleKind,
    Territory,
)

MIN_RATERS = 3
# Results at or below this grade in two consecutive rounds allow a career recommendation.
POOR_GRADE = Grade.REQUIRES_IMPROVEMENT
QUESTION_FIELDS = ("job", "confidence", "rely", "respect", "fair", "listen")
MAX_PAPER_BATCH = 2000


def _event(round_: Round, *, action: str, actor, old: str = "", new: str = "", reason: str = ""):
    RoundEvent.objects.create(
        round=round_, action=action, actor=actor, old=old, new=new, reason=reason[:2000]
    )


def _locked_round(round_: Round) -> Round:
    return (
        Round.objects.select_for_update(of=("self",))
        .select_related("platform__territory", "framework")
        .get(pk=round_.pk)
    )


def _officers_of(units) -> list[User]:
    return list(
        User.objects.filter(
            liaison_posts__active=True, liaison_posts__unit__in=list(units)
        ).distinct()
    )


def _members_of(platform: Platform) -> list[User]:
    return list(
        User.objects.filter(
            pk__in=Membership.objects.current().filter(platform=platform).values("user")
        )
    )


# Rounds --------------------------------------------------------------------------------------


@transaction.atomic
def round_create(
    *,
    platform: Platform,
    actor: User,
    framework: Framework,
    title: str,
    period_start: date,
    period_end: date,
    units=(),
    officers=(),
    poll_method: str = Poll.Method.PORTAL,
) -> Round:
    """Draft a round of the platform over units (or inspectors) in its scope."""
    if not permissions.can_manage_round(actor, platform):
        raise PermissionDenied(_("Only the secretariat of this platform opens assessment rounds."))
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("Give the round a title.")
    if not period_start or not period_end or period_end < period_start:
        errors["period_end"] = _("The period must end after it starts.")
    if poll_method not in Poll.Method.values:
        errors["poll_method"] = _("Choose how the poll is run.")
    kind = framework.target_kind
    if kind not in permissions.TARGETS_BY_LEVEL.get(platform.level, ()):
        errors["framework"] = _("This platform does not assess this kind of unit.")
    units, officers = list(units), list(officers)
    if kind in permissions.OFFICER_POSITION_BY_TARGET:
        allowed = set(permissions.officers_in_scope(platform, kind).values_list("pk", flat=True))
        if units or not officers:
            errors["officers"] = _("Choose the inspectors to assess.")
        elif any(o.pk not in allowed for o in officers):
            errors["officers"] = _(
                "Only inspectors of units in this platform's area can be assessed."
            )
    else:
        allowed = set(permissions.units_in_scope(platform, kind).values_list("pk", flat=True))
        if officers or not units:
            errors["units"] = _("Choose the units to assess.")
        elif any(u.pk not in allowed for u in units):
            errors["units"] = _("Only units in this platform's scope can be assessed.")
    if errors:
        raise ValidationError(errors)
    round_ = Round.objects.create(
        platform=platform,
        framework=framework,
        title=title.strip(),
        period_start=period_start,
        period_end=period_end,
        opened_by=actor,
    )
    Subject.objects.bulk_create(
        [Subject(round=round_, unit=u) for u in units]
        + [Subject(round=round_, unit_id=o.unit_id, officer=o) for o in officers]
    )
    Poll.objects.create(round=round_, method=poll_method)
    _event(round_, action="create", actor=actor, new=Round.State.DRAFT, reason=round_.title)
    return round_


def moderation_gaps(round_: Round) -> list[str]:
    """What stops the round from leaving scoring: criteria without a moderated result, external
    grades with fewer than three raters. Three queries whatever the size of the round."""
    criteria = list(round_.framework.criteria.all())
    subjects = list(round_.subjects.select_related("unit", "officer__user"))
    moderations = {
        (m["subject_id"], m["criterion_id"]): m
        for m in Moderation.objects.filter(subject__round=round_)
        .annotate(
            n=Count(
                "subject__scores__rater",
                filter=Q(subject__scores__criterion=F("criterion")),
                distinct=True,
            )
        )
        .values("subject_id", "criterion_id", "grade", "n")
    }
    gaps = []
    for subject in subjects:
        for criterion in criteria:
            m = moderations.get((subject.pk, criterion.pk))
            if m is None:
                gaps.append(
                    _("%(subject)s: no moderated result for “%(criterion)s”.")
                    % {"subject": subject, "criterion": criterion.local_question}
                )
            elif (
                criterion.graded
                and criterion.track == Track.EXTERNAL
                and m["grade"] is not None
                and m["n"] < MIN_RATERS
            ):
                gaps.append(
                    _("%(subject)s: “%(criterion)s” has %(n)s raters; at least %(min)s are needed.")
                    % {
                        "subject": subject,
                        "criterion": criterion.local_question,
                        "n": m["n"],
                        "min": MIN_RATERS,
                    }
                )
    return gaps


def _store_overall(round_: Round) -> None:
    """Store each subject's weighted-median grades, from one grouped SQL aggregate."""
    from assessments.selectors import subject_grade_weights, weighted_median

    weights = subject_grade_weights(round_.subjects.all())
    for subject in round_.subjects.all():
        w = weights.get(subject.pk, {})
        subject.overall_external = weighted_median(w.get(Track.EXTERNAL, {}))
        subject.overall_internal = weighted_median(w.get(Track.INTERNAL, {}))
        combined: dict[int, int] = {}
        for per_track in w.values():
            for grade, weight in per_track.items():
                combined[grade] = combined.get(grade, 0) + weight
        subject.overall = weighted_median(combined)
        subject.save(update_fields=["overall", "overall_external", "overall_internal"])


@transaction.atomic
def round_transition(*, round_: Round, actor: User, action: str, reason: str = "") -> Round:
    """Move a round along the transition table (open, score, reply, publish)."""
    round_ = _locked_round(round_)
    transition = T.BY_ACTION.get(action)
    if transition is None or transition.state != round_.state:
        raise ValidationError(
            _("This round is at the stage “%(state)s”: that step is not possible now.")
            % {"state": round_.get_state_display()}
        )
    check = getattr(permissions, transition.who)
    if not check(actor, round_.platform):
        raise PermissionDenied(_("Only the secretariat of this platform moves the round on."))
    if action in ("reply", "publish"):
        gaps = moderation_gaps(round_)
        if gaps:
            raise ValidationError(gaps[:10])
        unresolved = Finding.objects.filter(
            subject__round=round_, kind=Finding.Kind.CONCERN, recommendations__isnull=True
        )
        if unresolved.exists():
            raise ValidationError(_("Every cause of concern needs a recommendation."))
    old = round_.state
    round_.state = transition.next
    fields = ["state"]
    if action == "publish":
        round_.published_at = timezone.now()
        fields.append("published_at")
    round_.save(update_fields=fields)
    if action == "reply":
        _store_overall(round_)
    _event(round_, action=action, actor=actor, old=old, new=round_.state, reason=reason)
    _notify_transition(round_, action)
    return round_


def _notify_transition(round_: Round, action: str) -> None:
    title = isolate(round_.title)
    url = round_.get_absolute_url()
    units = [s.unit_id for s in round_.subjects.all()]
    if action == "open":
        notify(
            users=_members_of(round_.platform),
            verb="assessment.opened",
            title=Message(gettext_lazy("Assessment open: %(title)s"), {"title": title}),
            body=_("Add evidence and answer the residents' poll."),
            url=url,
        )
    elif action == "score":
        notify(
            users=_members_of(round_.platform),
            verb="assessment.scoring",
            title=Message(gettext_lazy("Grade the units: %(title)s"), {"title": title}),
            url=url,
        )
    elif action == "reply":
        notify(
            users=_officers_of(units),
            verb="assessment.reply",
            title=Message(gettext_lazy("Your right of reply: %(title)s"), {"title": title}),
            body=_("Read the draft result and write the unit's reply; it is published beside it."),
            url=url,
        )
    elif action == "publish":
        notify(
            users=_members_of(round_.platform) + _officers_of(units),
            verb="assessment.published",
            title=Message(gettext_lazy("Assessment published: %(title)s"), {"title": title}),
            url=url,
        )


def round_open(*, round_: Round, actor: User) -> Round:
    return round_transition(round_=round_, actor=actor, action="open")


def round_start_scoring(*, round_: Round, actor: User) -> Round:
    return round_transition(round_=round_, actor=actor, action="score")


def round_end_moderation(*, round_: Round, actor: User) -> Round:
    return round_transition(round_=round_, actor=actor, action="reply")


def round_publish(*, round_: Round, actor: User) -> Round:
    return round_transition(round_=round_, actor=actor, action="publish")


def _published_refusal() -> ValidationError:
    return ValidationError(_("This round is published: its results can no longer be changed."))


def _state_refusal(round_: Round) -> ValidationError:
    if round_.is_published:
        return _published_refusal()
    return ValidationError(
        _("Not possible at the stage “%(state)s”.") % {"state": round_.get_state_display()}
    )


# Evidence, scores, moderation ---------------------------------------------------------------


@transaction.atomic
def evidence_add(
    *,
    round_: Round,
    actor: User,
    kind: str,
    title: str,
    text: str = "",
    subject: Subject | None = None,
    criterion: Criterion | None = None,
    upload=None,
) -> Evidence:
    """A member attaches evidence (a cleaned file and/or a summary) to the round."""
    from forums.uploads import check_upload, clean_bytes

    round_ = _locked_round(round_)
    if round_.state not in T.EVIDENCE_STATES:
        raise _state_refusal(round_)
    if not permissions.can_add_evidence(actor, round_):
        raise PermissionDenied(_("Only members of this platform add evidence."))
    errors = {}
    if kind not in Evidence.Kind.values:
        errors["kind"] = _("Choose the kind of evidence.")
    if not (title or "").strip():
        errors["title"] = _("Give the evidence a title.")
    if not upload and not (text or "").strip():
        errors["text"] = _("Attach a file or write a summary.")
    if subject is not None and subject.round_id != round_.pk:
        errors["subject"] = _("That unit is not assessed in this round.")
    if criterion is not None and criterion.framework_id != round_.framework_id:
        errors["criterion"] = _("That criterion is not in this round's framework.")
    if errors:
        raise ValidationError(errors)
    evidence = Evidence(
        round=round_,
        subject=subject,
        criterion=criterion,
        kind=kind,
        title=title.strip(),
        text=(text or "").strip(),
        added_by=actor,
    )
    if upload:
        content_type = check_upload(upload, field="upload")
        upload.seek(0)
        data = clean_bytes(upload.read(), content_type=content_type)
        suffix = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}
        number = Evidence.objects.filter(round=round_).count() + 1
        evidence.file.save(
            f"round-{round_.pk}-evidence-{number}{suffix[content_type]}",
            ContentFile(data),
            save=False,
        )
    evidence.save()
    return evidence


def _check_grade(criterion: Criterion, grade, *, allow_none: bool = False) -> int | None:
    if allow_none and grade in (None, ""):
        return None
    if not criterion.graded:
        if grade not in (None, ""):
            raise ValidationError({"grade": _("This criterion is described, not graded.")})
        return None
    try:
        value = int(grade)
    except (TypeError, ValueError):
        value = None
    if value not in Grade.values:
        raise ValidationError(
            {
                "grade": _(
                    "Choose a grade on the scale: outstanding, good, adequate, requires improvement or inadequate."
                )
            }
        )
    return value


@transaction.atomic
def score_set(
    *, subject: Subject, criterion: Criterion, rater: User, grade, rationale: str
) -> Score:
    """A member grades one criterion with a rationale; changeable until scoring ends."""
    round_ = _locked_round(subject.round)
    subject.round = round_
    if round_.state not in T.SCORING_STATES:
        raise _state_refusal(round_)
    if not permissions.can_score(rater, subject):
        raise PermissionDenied(_("Only members of this platform (not the police) grade units."))
    if criterion.framework_id != round_.framework_id:
        raise ValidationError({"criterion": _("That criterion is not in this round's framework.")})
    if criterion.track == Track.INTERNAL:
        raise ValidationError(
            _("Internal criteria are entered from official data by the secretariat.")
        )
    value = _check_grade(criterion, grade)
    rationale = (rationale or "").strip()
    if not rationale:
        raise ValidationError({"rationale": _("Explain your grade.")})
    score, _created = Score.objects.update_or_create(
        subject=subject,
        criterion=criterion,
        rater=rater,
        defaults={"grade": value, "rationale": rationale, "at": timezone.now()},
    )
    return score


@transaction.atomic
def moderation_set(
    *,
    subject: Subject,
    criterion: Criterion,
    actor: User,
    grade,
    narrative: str,
    source: str = "",
) -> Moderation:
    """The secretariat records a criterion's result: external ones need three raters and a
    narrative; internal ones come from official data and need their source."""
    round_ = _locked_round(subject.round)
    subject.round = round_
    if round_.state not in T.MODERATION_STATES:
        raise _state_refusal(round_)
    if not permissions.can_moderate(actor, subject):
        raise PermissionDenied(_("Only the secretariat moderates the grades."))
    if criterion.framework_id != round_.framework_id:
        raise ValidationError({"criterion": _("That criterion is not in this round's framework.")})
    # a graded criterion may be left ungraded for want of evidence; it then carries no weight
    value = _check_grade(criterion, grade, allow_none=True)
    narrative = (narrative or "").strip()
    source = (source or "").strip()
    errors = {}
    if not narrative:
        errors["narrative"] = _("Write the narrative that explains the result.")
    raters = Score.objects.filter(subject=subject, criterion=criterion).count()
    if criterion.track == Track.INTERNAL:
        if not source:
            errors["source"] = _("Name the official source of this figure.")
    elif value is not None and raters < MIN_RATERS:
        errors["grade"] = _(
            "A moderated grade needs at least %(min)s raters; this criterion has %(n)s."
        ) % {"min": MIN_RATERS, "n": raters}
    if errors:
        raise ValidationError(errors)
    moderation, _created = Moderation.objects.update_or_create(
        subject=subject,
        criterion=criterion,
        defaults={
            "grade": value,
            "narrative": narrative,
            "source": source,
            "raters": raters,
            "moderated_by": actor,
            "at": timezone.now(),
        },
    )
    return moderation


# Findings, recommendations, reply ------------------------------------------------------------


@transaction.atomic
def finding_add(
    *, subject: Subject, actor: User, kind: str, text: str, criterion: Criterion | None = None
) -> Finding:
    """The secretariat records a strength, an area for improvement or a cause of concern."""
    round_ = _locked_round(subject.round)
    subject.round = round_
    if round_.state not in T.FINDING_STATES:
        raise _state_refusal(round_)
    if not permissions.can_add_finding(actor, subject):
        raise PermissionDenied(_("Only the secretariat records findings."))
    errors = {}
    if kind not in Finding.Kind.values:
        errors["kind"] = _("Choose the kind of finding.")
    if not (text or "").strip():
        errors["text"] = _("Write the finding.")
    if criterion is not None and criterion.framework_id != round_.framework_id:
        errors["criterion"] = _("That criterion is not in this round's framework.")
    if errors:
        raise ValidationError(errors)
    return Finding.objects.create(
        subject=subject, criterion=criterion, kind=kind, text=text.strip(), created_by=actor
    )


def previous_subject(subject: Subject) -> Subject | None:
    """The same unit (or inspector) in the platform's latest earlier published round."""
    return (
        Subject.objects.filter(
            unit_id=subject.unit_id,
            officer_id=subject.officer_id,
            round__platform_id=subject.round.platform_id,
            round__state=Round.State.PUBLISHED,
            round__period_end__lt=subject.round.period_start,
        )
        .order_by("-round__period_end", "-round__pk")
        .first()
    )


@transaction.atomic
def recommendation_add(
    *,
    subject: Subject,
    actor: User,
    text: str,
    addressee: str,
    due: date,
    finding: Finding | None = None,
    kind: str = Recommendation.Kind.IMPROVEMENT,
    decision: Decision | None = None,
) -> Recommendation:
    """A recommendation (from a cause of concern); dismissal or disciplinary review needs the
    platform's adopted special-consensus decision and two consecutive poor results."""
    round_ = _locked_round(subject.round)
    subject = Subject.objects.select_related("unit").get(pk=subject.pk)
    subject.round = round_
    if round_.state not in T.FINDING_STATES:
        raise _state_refusal(round_)
    if not permissions.can_add_finding(actor, subject):
        raise PermissionDenied(_("Only the secretariat makes recommendations."))
    errors = {}
    if not (text or "").strip():
        errors["text"] = _("Write the recommendation.")
    if not (addressee or "").strip():
        errors["addressee"] = _("Say to whom the recommendation is addressed.")
    if not due or due < timezone.localdate():
        errors["due"] = _("Give a due date in the future.")
    if finding is not None and finding.subject_id != subject.pk:
        errors["finding"] = _("That finding belongs to another unit.")
    if kind not in Recommendation.Kind.values:
        errors["kind"] = _("Choose the kind of recommendation.")
    if kind in Recommendation.CAREER_KINDS:
        ok = (
            decision is not None
            and decision.platform_id == round_.platform_id
            and decision.matter == Matter.RECOMMENDATION
            and decision.rule_kind == RuleKind.CONSENSUS
            and decision.status == Decision.Status.CLOSED
            and decision.outcome == Decision.Outcome.ADOPTED
        )
        if not ok:
            errors["decision"] = _(
                "A recommendation of dismissal or disciplinary review needs this platform's "
                "adopted special-consensus decision on it."
            )
        previous = previous_subject(subject)
        poor_now = round_.state == Round.State.REPLY and (
            subject.overall is not None and subject.overall <= POOR_GRADE
        )
        poor_before = previous is not None and (
            previous.overall is not None and previous.overall <= POOR_GRADE
        )
        if not (poor_now and poor_before):
            errors["kind"] = _(
                "Dismissal or disciplinary review can only be recommended after results of "
                "“requires improvement” or worse in two consecutive rounds."
            )
    elif decision is not None:
        errors["decision"] = _("Only dismissal or disciplinary review refers to a decision.")
    if errors:
        raise ValidationError(errors)
    recommendation = Recommendation.objects.create(
        subject=subject,
        finding=finding,
        kind=kind,
        text=text.strip(),
        addressee=addressee.strip(),
        due=due,
        decision=decision,
        created_by=actor,
    )
    RecommendationUpdate.objects.create(
        recommendation=recommendation, new=recommendation.status, actor=actor
    )
    _event(round_, action="recommendation", actor=actor, reason=recommendation.text)
    return recommendation


@transaction.atomic
def subject_reply(*, subject: Subject, actor: User, text: str) -> Subject:
    """The unit's reply to its draft result, published beside it."""
    round_ = _locked_round(subject.round)
    subject = Subject.objects.select_for_update().select_related("unit").get(pk=subject.pk)
    subject.round = round_
    if round_.state not in T.REPLY_STATES:
        raise _state_refusal(round_)
    if not permissions.can_reply(actor, subject):
        raise PermissionDenied(_("Only the unit's officers reply for it."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the reply.")})
    subject.reply, subject.reply_by, subject.reply_at = text, actor, timezone.now()
    subject.save(update_fields=["reply", "reply_by", "reply_at"])
    _event(round_, action="reply_written", actor=actor, reason=str(subject))
    notify(
        users=[
            m.user
            for m in Membership.objects.current()
            .filter(platform=round_.platform, role="secretariat")
            .select_related("user")
        ],
        verb="assessment.replied",
        title=Message(
            gettext_lazy("The unit replied: %(unit)s"), {"unit": isolate(str(subject.unit))}
        ),
        url=subject.get_absolute_url(),
    )
    return subject


@transaction.atomic
def recommendation_respond(
    *, recommendation: Recommendation, actor: User, response: str
) -> Recommendation:
    """The unit's written response to a recommendation."""
    recommendation = (
        Recommendation.objects.select_for_update(of=("self",))
        .select_related("subject__round__platform", "subject__unit")
        .get(pk=recommendation.pk)
    )
    if not permissions.can_respond_recommendation(actor, recommendation):
        raise PermissionDenied(_("Only the unit's officers respond to its recommendations."))
    response = (response or "").strip()
    if not response:
        raise ValidationError({"response": _("Write the response.")})
    recommendation.response = response
    recommendation.response_by, recommendation.response_at = actor, timezone.now()
    recommendation.save(update_fields=["response", "response_by", "response_at"])
    RecommendationUpdate.objects.create(
        recommendation=recommendation, note=_("The unit responded."), actor=actor
    )
    return recommendation


@transaction.atomic
def recommendation_follow_up(
    *, recommendation: Recommendation, actor: User, status: str, note: str = ""
) -> Recommendation:
    """The secretariat records progress: a red/amber/green status with a note (kept as history)."""
    recommendation = (
        Recommendation.objects.select_for_update(of=("self",))
        .select_related("subject__round__platform")
        .get(pk=recommendation.pk)
    )
    if not permissions.can_follow_up(actor, recommendation):
        raise PermissionDenied(_("Only the secretariat records the follow-up."))
    if status not in Recommendation.Status.values:
        raise ValidationError({"status": _("Choose red, amber or green.")})
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what was checked.")})
    old = recommendation.status
    recommendation.status = status
    recommendation.save(update_fields=["status"])
    RecommendationUpdate.objects.create(
        recommendation=recommendation, old=old, new=status, note=note, actor=actor
    )
    return recommendation


# Polls ---------------------------------------------------------------------------------------

ANSWER_RANGES = {
    "job": 5,
    "confidence": 5,
    "rely": 5,
    "respect": 5,
    "fair": 5,
    "listen": 5,
    "safe_dark": 4,
}


def _clean_answers(answers: dict) -> dict:
    cleaned, errors = {}, {}
    for field, top in ANSWER_RANGES.items():
        value = answers.get(field)
        if value in (None, ""):
            cleaned[field] = None
            continue
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = -1
        if not 1 <= value <= top:
            errors[field] = _("Choose one of the answers offered.")
        cleaned[field] = value
    for field in ("knows_inspector", "contacted"):
        value = answers.get(field)
        if value in (None, ""):
            cleaned[field] = None
        elif value in (True, False):
            cleaned[field] = value
        elif str(value).lower() in ("yes", "y", "1", "true", "да", "ооба"):
            cleaned[field] = True
        elif str(value).lower() in ("no", "n", "0", "false", "нет", "жок"):
            cleaned[field] = False
        else:
            errors[field] = _("Choose one of the answers offered.")
    cleaned["top_concern"] = (answers.get("top_concern") or "").strip()[:1000]
    if errors:
        raise ValidationError(errors)
    if all(v in (None, "") for v in cleaned.values()):
        raise ValidationError(_("The questionnaire is empty."))
    return cleaned


FIELDS_SWAPPED = (*ANSWER_RANGES, "knows_inspector", "contacted", "top_concern", "day", "paper")


def poll_answer_store(*, poll: Poll, answers: dict, paper: bool) -> None:
    """Store one questionnaire where no one can tell when it came.

    An inside-out Fisher-Yates shuffle: the new answer takes the place of a uniformly chosen
    row (itself included), whose content moves to the new row. The table's physical order and
    its keys then say nothing about who answered when. The chosen row is locked so that two
    concurrent submissions never move the same content twice.
    """
    content = {**answers, "day": timezone.localdate(), "paper": paper}
    count = PollAnswer.objects.filter(poll=poll).count()
    position = secrets.randbelow(count + 1)
    other = None
    if position < count:
        other = (
            PollAnswer.objects.select_for_update()
            .filter(poll=poll)
            .order_by("pk")[position : position + 1]
            .first()
        )
    if other is None:
        PollAnswer.objects.create(poll=poll, **content)
        return
    moved = {field: getattr(other, field) for field in FIELDS_SWAPPED}
    PollAnswer.objects.create(poll=poll, **moved)
    for field, value in content.items():
        setattr(other, field, value)
    other.save(update_fields=list(content))


@transaction.atomic
def poll_respond(*, poll: Poll, user: User, answers: dict) -> None:
    """A resident answers once; the participation row and the answer row are not linked."""
    poll = Poll.objects.select_related("round__platform__territory").get(pk=poll.pk)
    if not permissions.poll_open(poll):
        raise ValidationError(_("This poll is not open for answers on the portal."))
    if not permissions.is_verified(user):
        raise PermissionDenied(_("Confirm your e-mail address to answer the poll."))
    if not permissions.is_resident(user, poll.round.platform):
        raise PermissionDenied(
            _("Only residents of %(territory)s answer this poll.")
            % {"territory": poll.round.platform.territory.name}
        )
    cleaned = _clean_answers(answers)
    if PollParticipation.objects.filter(poll=poll, user=user).exists():
        raise ValidationError(_("You have already answered this poll."))
    try:
        with transaction.atomic():
            PollParticipation.objects.create(poll=poll, user=user)
    except IntegrityError as exc:  # a concurrent submission of the same user
        raise ValidationError(_("You have already answered this poll.")) from exc
    poll_answer_store(poll=poll, answers=cleaned, paper=False)


PAPER_COLUMNS = (*ANSWER_RANGES, "knows_inspector", "contacted", "top_concern")


def parse_paper_lines(text: str) -> list[dict]:
    """One questionnaire per line: 7 answers (1-5, safe after dark 1-4, '-' for none), then
    knows the inspector and contacted (y/n/-), then the top concern (optional)."""
    rows, errors = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in re.split(r"[;,]", line, maxsplit=len(PAPER_COLUMNS) - 1)]
        if len(parts) < len(PAPER_COLUMNS) - 1:
            errors.append(_("Line %(n)s: %(count)s answers expected.") % {"n": number, "count": 9})
            continue
        values = {
            field: ("" if value == "-" else value)
            for field, value in zip(PAPER_COLUMNS, parts, strict=False)
        }
        try:
            rows.append(_clean_answers(values))
        except ValidationError as exc:
            errors.append(
                _("Line %(n)s: %(error)s") % {"n": number, "error": " ".join(exc.messages)}
            )
    if errors:
        raise ValidationError({"lines": errors[:20]})
    if not rows:
        raise ValidationError({"lines": _("Enter at least one questionnaire.")})
    if len(rows) > MAX_PAPER_BATCH:
        raise ValidationError({"lines": _("Enter at most 2000 questionnaires at a time.")})
    return rows


@transaction.atomic
def poll_paper_batch(*, poll: Poll, actor: User, lines: str) -> int:
    """The secretariat enters a batch of paper questionnaires; all or nothing."""
    poll = Poll.objects.select_related("round__platform").get(pk=poll.pk)
    if poll.round.is_published:
        raise _published_refusal()
    if not permissions.can_enter_paper(actor, poll):
        raise PermissionDenied(
            _("Only the secretariat enters paper questionnaires while the poll runs.")
        )
    rows = parse_paper_lines(lines)
    for row in rows:
        poll_answer_store(poll=poll, answers=row, paper=True)
    _event(poll.round, action="paper_batch", actor=actor, reason=str(len(rows)))
    return len(rows)


@transaction.atomic
def residence_declare(*, user: User, territory: Territory) -> Residence:
    """A user says where they live; it can change at most once every 180 days."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in first."))
    if territory.kind == Territory.Kind.COUNTRY:
        raise ValidationError({"territory": _("Choose your district, town or ayil aimak.")})
    current = Residence.objects.select_for_update().filter(user=user).first()
    today = timezone.localdate()
    if current is None:
        return Residence.objects.create(user=user, territory=territory, declared_on=today)
    if current.territory_id == territory.pk:
        return current
    if (today - current.declared_on).days < 180:
        raise ValidationError(
            {"territory": _("You can change where you live once every 180 days.")}
        )
    current.territory, current.declared_on = territory, today
    current.save(update_fields=["territory", "declared_on"])
    return current


@transaction.atomic
def concern_to_proposal(*, poll: Poll, actor: User, title: str, body: str, category: str):
    """The secretariat turns a concern from the poll into a proposal, recorded anonymously."""
    from forums import services as forum_services

    poll = Poll.objects.select_related("round__platform").get(pk=poll.pk)
    if not permissions.can_read_concerns(actor, poll):
        raise PermissionDenied(_("Only the secretariat turns poll answers into proposals."))
    units = list(poll.round.subjects.values_list("unit_id", flat=True).distinct())
    unit = PoliceUnit.objects.filter(pk=units[0]).first() if len(units) == 1 else None
    proposal = forum_services.proposal_record(
        platform=poll.round.platform,
        actor=actor,
        title=title,
        body=body,
        category=category,
        police_unit=unit,
    )
    _event(poll.round, action="concern_to_proposal", actor=actor, reason=str(proposal.pk))
    return proposal


# Unit profiles -------------------------------------------------------------------------------


@transaction.atomic
def profile_figure_add(
    *,
    unit: PoliceUnit,
    actor: User,
    kind: str,
    label: str,
    source: str,
    as_of: date,
    value=None,
    measure: str = "",
    text: str = "",
) -> ProfileFigure:
    """Add or change a figure of a unit's profile; the earlier value stays in the history."""
    if not permissions.can_edit_profile(actor, unit):
        raise PermissionDenied(_("Only the unit's liaison officers or an administrator edit it."))
    errors = {}
    if kind not in ProfileFigure.Kind.values:
        errors["kind"] = _("Choose the kind of figure.")
    if not (label or "").strip():
        errors["label"] = _("Name the figure.")
    if not (source or "").strip():
        errors["source"] = _("Every figure needs its source.")
    if not as_of:
        errors["as_of"] = _("Give the date the figure refers to.")
    elif as_of > timezone.localdate():
        errors["as_of"] = _("The date cannot be in the future.")
    if value in ("", None):
        value = None
    else:
        try:
            value = Decimal(str(value))
        except InvalidOperation:
            errors["value"] = _("Enter a number.")
        else:
            # the column holds 14 digits before the point; "1e309" or "NaN" would overflow it
            if not value.is_finite():
                errors["value"] = _("Enter a number.")
            elif value >= Decimal(10) ** 14:
                errors["value"] = _("Enter a smaller number.")
            elif value < 0:
                errors["value"] = _("Enter a number that is not negative.")
    if value is None and not (text or "").strip():
        errors["value"] = _("Give a number or a text.")
    if errors:
        raise ValidationError(errors)
    return ProfileFigure.objects.create(
        unit=unit,
        kind=kind,
        label=label.strip(),
        value=value,
        measure=(measure or "").strip(),
        text=(text or "").strip(),
        source=source.strip(),
        as_of=as_of,
        entered_by=actor,
    )


@transaction.atomic
def profile_figure_withdraw(*, figure: ProfileFigure, actor: User, reason: str) -> ProfileFigure:
    """Withdraw a figure: a new row marks it withdrawn; the history keeps both."""
    if not permissions.can_edit_profile(actor, figure.unit):
        raise PermissionDenied(_("Only the unit's liaison officers or an administrator edit it."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the figure is withdrawn.")})
    return ProfileFigure.objects.create(
        unit=figure.unit,
        kind=figure.kind,
        label=figure.label,
        measure=figure.measure,
        text=reason.strip(),
        source=figure.source,
        as_of=timezone.localdate(),
        withdrawn=True,
        entered_by=actor,
    )


def officer_choices(platform: Platform, target_kind: str):
    return permissions.officers_in_scope(platform, target_kind).select_related("user", "unit")
