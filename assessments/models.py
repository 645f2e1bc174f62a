"""Assessments of police units by the platforms: frameworks, rounds, grades, polls, profiles.

The round's state machine is `assessments.transitions.TRANSITIONS`; every write is a service
in `assessments.services`. Poll answers (`PollAnswer`) carry no link to a person: the one
response per user is enforced on `PollParticipation`, a separate table with no answer in it.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from platforms.models import AppendOnlyModel, Decision, LiaisonOfficer, Platform, PoliceUnit


class TargetKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministry of Internal Affairs")
    TERRITORIAL = "territorial", _("territorial police unit")
    LOCAL = "local", _("local police department")
    NEIGHBOURHOOD = "neighbourhood", _("neighbourhood inspector")
    JUVENILE = "juvenile", _("juvenile inspector")


class Grade(models.IntegerChoices):
    """The five grades, best first; stored as 5..1 so that SQL can order and bucket them."""

    OUTSTANDING = 5, _("outstanding")
    GOOD = 4, _("good")
    ADEQUATE = 3, _("adequate")
    REQUIRES_IMPROVEMENT = 2, _("requires improvement")
    INADEQUATE = 1, _("inadequate")


class Track(models.TextChoices):
    EXTERNAL = "external", _("external (public)")
    INTERNAL = "internal", _("internal (official data)")


def localized(obj, field: str, lang: str | None = None) -> str:
    """The text in the active language (``<field>_ru``/``_ky``/``_uz``), else the base field."""
    lang = (lang or translation.get_language() or "en")[:2]
    return getattr(obj, f"{field}_{lang}", "") or getattr(obj, field)


class Framework(models.Model):
    """A versioned set of criteria for one target kind; a round keeps the version it opened with."""

    target_kind = models.CharField(_("assesses"), max_length=16, choices=TargetKind.choices)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=200)
    title_ru = models.CharField(_("title (Russian)"), max_length=200, blank=True)
    title_ky = models.CharField(_("title (Kyrgyz)"), max_length=200, blank=True)
    title_uz = models.CharField(_("title (Uzbek)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    published_on = models.DateField(_("published on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("assessment framework")
        verbose_name_plural = _("assessment frameworks")
        ordering = ["target_kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["target_kind", "version"], name="framework_version_unique"
            )
        ]

    def __str__(self):
        return f"{self.local_title} v{self.version}"

    def get_absolute_url(self):
        return reverse("assessments:framework", kwargs={"pk": self.pk})

    @property
    def local_title(self) -> str:
        return localized(self, "title")


class Criterion(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    code = models.SlugField(_("code"), max_length=40)
    question = models.CharField(_("question"), max_length=300)
    guidance = models.TextField(_("what good looks like"))
    track = models.CharField(_("track"), max_length=16, choices=Track.choices)
    evidence_expected = models.TextField(_("evidence expected"), blank=True)
    # the same texts in the portal's other languages; empty falls back to the base (English)
    question_ru = models.CharField(_("question (Russian)"), max_length=300, blank=True)
    question_ky = models.CharField(_("question (Kyrgyz)"), max_length=300, blank=True)
    question_uz = models.CharField(_("question (Uzbek)"), max_length=300, blank=True)
    guidance_ru = models.TextField(_("what good looks like (Russian)"), blank=True)
    guidance_ky = models.TextField(_("what good looks like (Kyrgyz)"), blank=True)
    guidance_uz = models.TextField(_("what good looks like (Uzbek)"), blank=True)
    evidence_expected_ru = models.TextField(_("evidence expected (Russian)"), blank=True)
    evidence_expected_ky = models.TextField(_("evidence expected (Kyrgyz)"), blank=True)
    evidence_expected_uz = models.TextField(_("evidence expected (Uzbek)"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    graded = models.BooleanField(_("graded"), default=True)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["framework", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="criterion_code_unique"),
            models.CheckConstraint(condition=Q(weight__gte=1), name="criterion_weight_positive"),
        ]

    def __str__(self):
        return self.local_question

    @property
    def local_question(self) -> str:
        return localized(self, "question")

    @property
    def local_guidance(self) -> str:
        return localized(self, "guidance")

    @property
    def local_evidence_expected(self) -> str:
        return localized(self, "evidence_expected")


class Round(models.Model):
    """One assessment round of a platform: period, subjects, framework version, poll."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        EVIDENCE = "evidence", _("evidence")
        SCORING = "scoring", _("scoring")
        REPLY = "reply", _("right of reply")
        PUBLISHED = "published", _("published")

    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="assessment_rounds"
    )
    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("framework")
    )
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    state = models.CharField(
        _("stage"), max_length=16, choices=State.choices, default=State.DRAFT, db_index=True
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("assessment round")
        verbose_name_plural = _("assessment rounds")
        ordering = ["-period_end", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="round_period_order"
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("assessments:round", kwargs={"pk": self.pk})

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED


class Subject(models.Model):
    """A unit (or one of its inspectors) assessed in a round, with the unit's right of reply.

    The overall grades are the weighted median of the moderated grades, stored when moderation
    ends (the reply stage), so scorecards and comparisons read them without recomputing.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="subjects")
    unit = models.ForeignKey(PoliceUnit, on_delete=models.PROTECT, related_name="assessments")
    officer = models.ForeignKey(
        LiaisonOfficer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
        verbose_name=_("inspector"),
    )
    overall = models.PositiveSmallIntegerField(choices=Grade.choices, null=True, blank=True)
    overall_external = models.PositiveSmallIntegerField(
        choices=Grade.choices, null=True, blank=True
    )
    overall_internal = models.PositiveSmallIntegerField(
        choices=Grade.choices, null=True, blank=True
    )
    reply = models.TextField(_("the unit's reply"), blank=True, max_length=10000)
    reply_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reply_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("assessed unit")
        verbose_name_plural = _("assessed units")
        ordering = ["round", "unit__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "unit"],
                condition=Q(officer__isnull=True),
                name="subject_unit_once_per_round",
            ),
            models.UniqueConstraint(
                fields=["round", "officer"],
                condition=Q(officer__isnull=False),
                name="subject_officer_once_per_round",
            ),
        ]
        indexes = [models.Index(fields=["unit", "round"], name="subject_unit_round")]

    def __str__(self):
        if self.officer_id:
            return f"{self.officer.user.public_name} ({self.unit})"
        return str(self.unit)

    def get_absolute_url(self):
        return reverse("assessments:subject", kwargs={"pk": self.round_id, "sid": self.pk})


class Evidence(models.Model):
    class Kind(models.TextChoices):
        DOCUMENT = "document", _("document")
        STATISTICS = "statistics", _("statistics")
        MEETING_NOTES = "meeting_notes", _("meeting notes")
        POLL = "poll", _("poll aggregates")
        OBSERVATION = "observation", _("observation")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="evidence")
    subject = models.ForeignKey(
        Subject, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("summary"), blank=True, max_length=10000)
    file = models.FileField(_("file"), upload_to="assessments/evidence/", blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["-added_at", "-pk"]

    def __str__(self):
        return self.title


class Score(models.Model):
    """One member's grade and rationale for one criterion of one subject (changeable in scoring)."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    grade = models.PositiveSmallIntegerField(
        _("grade"), choices=Grade.choices, null=True, blank=True
    )
    rationale = models.TextField(_("rationale"), max_length=4000)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "criterion", "rater"], name="one_score_per_rater"
            ),
            models.CheckConstraint(
                condition=Q(grade__isnull=True) | Q(grade__gte=1, grade__lte=5),
                name="score_grade_on_scale",
            ),
        ]

    def __str__(self):
        return f"{self.subject_id}/{self.criterion_id}: {self.grade}"


class Moderation(models.Model):
    """The criterion's agreed grade with its narrative (external) or official source (internal)."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="moderations")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="moderations")
    grade = models.PositiveSmallIntegerField(
        _("grade"), choices=Grade.choices, null=True, blank=True
    )
    narrative = models.TextField(_("narrative"), max_length=10000)
    source = models.CharField(_("source of the official data"), max_length=300, blank=True)
    raters = models.PositiveSmallIntegerField(default=0)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subject", "criterion"], name="one_moderation"),
            models.CheckConstraint(
                condition=Q(grade__isnull=True) | Q(grade__gte=1, grade__lte=5),
                name="moderation_grade_on_scale",
            ),
        ]

    def __str__(self):
        return f"{self.subject_id}/{self.criterion_id}: {self.grade}"


class Finding(models.Model):
    class Kind(models.TextChoices):
        STRENGTH = "strength", _("strength")
        IMPROVEMENT = "improvement", _("area for improvement")
        CONCERN = "concern", _("cause of concern")

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="findings")
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    text = models.TextField(_("finding"), max_length=4000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "pk"]

    def __str__(self):
        return self.text[:60]


class Recommendation(models.Model):
    class Kind(models.TextChoices):
        IMPROVEMENT = "improvement", _("improvement")
        DISCIPLINARY = "disciplinary", _("disciplinary review")
        DISMISSAL = "dismissal", _("dismissal of the head")

    class Status(models.TextChoices):
        RED = "red", _("red: not started or off track")
        AMBER = "amber", _("amber: in progress")
        GREEN = "green", _("green: done")

    # Kinds that weigh on a career: they need the platform's consensus and two poor rounds.
    CAREER_KINDS = (Kind.DISCIPLINARY, Kind.DISMISSAL)

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="recommendations")
    finding = models.ForeignKey(
        Finding, on_delete=models.PROTECT, null=True, blank=True, related_name="recommendations"
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=Kind.choices, default=Kind.IMPROVEMENT
    )
    text = models.TextField(_("recommendation"), max_length=4000)
    addressee = models.CharField(_("addressed to"), max_length=200)
    due = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.RED)
    decision = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decision of the platform"),
    )
    response = models.TextField(_("the unit's response"), blank=True, max_length=10000)
    response_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    response_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind__in=["disciplinary", "dismissal"]) | Q(decision__isnull=False),
                name="career_recommendation_needs_decision",
            )
        ]

    def __str__(self):
        return self.text[:60]

    def get_absolute_url(self):
        return reverse("assessments:recommendation", kwargs={"pk": self.pk})


class RecommendationUpdate(AppendOnlyModel):
    """The follow-up of a recommendation: status changes and notes, never edited."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="updates"
    )
    old = models.CharField(max_length=8, blank=True)
    new = models.CharField(max_length=8, blank=True)
    note = models.TextField(blank=True, max_length=4000)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.recommendation_id}: {self.old}->{self.new}"


class RoundEvent(AppendOnlyModel):
    """Every transition and notable write of a round, append-only."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=32)
    old = models.CharField(max_length=16, blank=True)
    new = models.CharField(max_length=16, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            # the audit log (platforms.audit) reads this table newest first, a page at a time
            models.Index(fields=["-at", "-id"], name="round_event_audit_time"),
        ]

    def __str__(self):
        return f"{self.round_id}: {self.action} {self.old}->{self.new}"


# Polls -------------------------------------------------------------------------------------


class Poll(models.Model):
    class Method(models.TextChoices):
        PORTAL = "portal", _("open portal poll (self-selected respondents)")
        SAMPLE = "sample", _("random sample (paper questionnaires)")

    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="poll")
    method = models.CharField(
        _("method"), max_length=8, choices=Method.choices, default=Method.PORTAL
    )

    class Meta:
        verbose_name = _("citizen poll")
        verbose_name_plural = _("citizen polls")

    def __str__(self):
        return f"{self.round}"


class PollParticipation(models.Model):
    """Who has answered a poll: one row per user, with no answer and no time in it."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="participations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            # 20 concurrent submissions of one user: all but one fail here
            models.UniqueConstraint(fields=["poll", "user"], name="one_poll_response_per_user")
        ]

    def __str__(self):
        return f"{self.poll_id}: {self.user_id}"


class PollAnswer(models.Model):
    """One questionnaire: no user, no time finer than the day, a random key.

    Rows are not kept in submission order: each new answer swaps its content with a random
    earlier row of the same poll (assessments.services.poll_answer_store).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="answers")
    day = models.DateField()
    paper = models.BooleanField(default=False)
    # 1 (worst) .. 5 (best) on the questions' scales; null = no answer / don't know
    job = models.PositiveSmallIntegerField(null=True, blank=True)
    confidence = models.PositiveSmallIntegerField(null=True, blank=True)
    rely = models.PositiveSmallIntegerField(null=True, blank=True)
    respect = models.PositiveSmallIntegerField(null=True, blank=True)
    fair = models.PositiveSmallIntegerField(null=True, blank=True)
    listen = models.PositiveSmallIntegerField(null=True, blank=True)
    # 1 very unsafe .. 4 very safe
    safe_dark = models.PositiveSmallIntegerField(null=True, blank=True)
    knows_inspector = models.BooleanField(null=True, blank=True)
    contacted = models.BooleanField(null=True, blank=True)
    top_concern = models.TextField(blank=True, max_length=1000)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(job__lte=5)
                & Q(confidence__lte=5)
                & Q(rely__lte=5)
                & Q(respect__lte=5)
                & Q(fair__lte=5)
                & Q(listen__lte=5)
                & Q(safe_dark__lte=4),
                name="poll_answer_on_scale",
            )
        ]

    def __str__(self):
        return str(self.pk)


class Residence(models.Model):
    """Where a user says they live: the territory whose polls they may answer."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="residence"
    )
    territory = models.ForeignKey(
        "platforms.Territory",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("I live in"),
    )
    declared_on = models.DateField(default=timezone.localdate)

    def __str__(self):
        return f"{self.user_id}: {self.territory_id}"


# Unit profiles -----------------------------------------------------------------------------


class ProfileFigure(AppendOnlyModel):
    """A figure of a unit's public profile, with its source and date; the latest row counts.

    A change is a new row (the history stays); removal is a row with `withdrawn`.
    """

    class Kind(models.TextChoices):
        STAFF = "staff", _("staff numbers by service")
        BUDGET = "budget", _("budget line")
        SYSTEM = "system", _("staff assessment system")
        OTHER = "other", _("other figure")

    unit = models.ForeignKey(PoliceUnit, on_delete=models.CASCADE, related_name="profile_figures")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    label = models.CharField(_("label"), max_length=200)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2, null=True, blank=True)
    measure = models.CharField(_("unit of measure"), max_length=40, blank=True)
    text = models.TextField(_("text"), blank=True, max_length=4000)
    source = models.CharField(_("source"), max_length=300)
    as_of = models.DateField(_("as of"))
    withdrawn = models.BooleanField(default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("profile figure")
        verbose_name_plural = _("profile figures")
        ordering = ["unit", "kind", "label", "-entered_at", "-pk"]
        indexes = [models.Index(fields=["unit", "kind", "label"], name="profile_figure_key")]
        constraints = [
            models.CheckConstraint(condition=~Q(source=""), name="profile_figure_has_source")
        ]

    def __str__(self):
        return f"{self.unit_id}: {self.label}"
