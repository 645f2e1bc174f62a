"""SARA problem records, the library of practice, exchanges between forums, quality reviews.

Imported at the end of forums/models.py, so the models belong to the `forums` app.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forums.models import Category
from platforms.models import AppendOnlyModel, Platform, PoliceUnit, Territory

# Kyrgyzstan's bounding box, in coarse degrees: a point outside it is refused (service and
# database both), and the hot-spot map projects this box.
KG_LAT = (Decimal("39.10"), Decimal("43.30"))
KG_LON = (Decimal("69.20"), Decimal("80.30"))


class Stage(models.TextChoices):
    SCANNING = "scanning", _("scanning")
    ANALYSIS = "analysis", _("analysis")
    RESPONSE = "response", _("response")
    ASSESSMENT = "assessment", _("assessment")
    CLOSED = "closed", _("closed")


class ProblemType(models.TextChoices):
    BEHAVIOUR = "behaviour", _("behaviour")
    PLACE = "place", _("place")
    PERSON = "person", _("person")
    TIME = "time", _("time")


class NoticedVia(models.TextChoices):
    CALLS = "calls", _("calls to the police")
    COMPLAINTS = "complaints", _("complaints")
    POLL = "poll", _("concerns in a poll")
    PROPOSAL = "proposal", _("a proposal")
    MEETING = "meeting", _("a meeting")
    OTHER = "other", _("other")


class Outcome(models.TextChoices):
    YES = "yes", _("yes")
    PARTLY = "partly", _("partly")
    NO = "no", _("no")


class AssessmentDecision(models.TextChoices):
    CLOSE = "close", _("close the problem")
    ADJUST = "adjust", _("adjust the response")
    RESCAN = "rescan", _("scan again")


class ProblemQuerySet(models.QuerySet):
    def below(self, platform: Platform):
        """Problems of the platform and of every platform under it (one prefix match)."""
        return self.filter(platform__path__startswith=platform.path)


class Problem(models.Model):
    """A security problem a forum works through Scanning, Analysis, Response and Assessment."""

    platform = models.ForeignKey(
        Platform,
        on_delete=models.PROTECT,
        related_name="problem_records",
        verbose_name=_("platform"),
    )
    stage = models.CharField(
        _("stage"), max_length=16, choices=Stage.choices, default=Stage.SCANNING, db_index=True
    )
    # Scanning
    title = models.CharField(_("title"), max_length=200)
    problem_type = models.CharField(_("problem type"), max_length=16, choices=ProblemType.choices)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="+", verbose_name=_("territory")
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    # two decimals (about a kilometre): a hot spot, never a house
    lat = models.DecimalField(_("latitude"), max_digits=5, decimal_places=2, null=True, blank=True)
    lon = models.DecimalField(_("longitude"), max_digits=5, decimal_places=2, null=True, blank=True)
    period = models.CharField(_("period"), max_length=200, blank=True)
    noticed_via = models.CharField(
        _("how it was noticed"), max_length=16, choices=NoticedVia.choices, blank=True
    )
    source_proposal = models.ForeignKey(
        "forums.Proposal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="noticed_problems",
        verbose_name=_("noticed from the proposal"),
    )
    harm = models.TextField(_("harm"), blank=True, max_length=5000)
    frequency = models.CharField(_("frequency"), max_length=300, blank=True)
    priority_reason = models.TextField(_("why it is a priority"), blank=True, max_length=5000)
    incidents = models.TextField(_("similar incidents"), blank=True, max_length=10000)
    # Analysis: the problem triangle
    offender = models.TextField(_("offender"), blank=True, max_length=3000)
    handler = models.TextField(_("handler"), blank=True, max_length=3000)
    victim = models.TextField(_("victim or target"), blank=True, max_length=3000)
    guardian = models.TextField(_("guardian"), blank=True, max_length=3000)
    location = models.TextField(_("place (triangle)"), blank=True, max_length=3000)
    manager = models.TextField(_("place manager"), blank=True, max_length=3000)
    repeats = models.TextField(_("repeat patterns"), blank=True, max_length=5000)
    current_responses = models.TextField(
        _("current responses and their limits"), blank=True, max_length=5000
    )
    explanation = models.TextField(_("working explanation"), blank=True, max_length=5000)
    # Response
    options = models.TextField(_("options considered"), blank=True, max_length=10000)
    chosen_response = models.TextField(_("chosen response"), blank=True, max_length=5000)
    chosen_reason = models.TextField(_("why this response"), blank=True, max_length=5000)
    objectives = models.TextField(_("objectives"), blank=True, max_length=5000)
    # Assessment
    as_planned = models.CharField(
        _("done as planned"), max_length=8, choices=Outcome.choices, blank=True
    )
    displacement = models.TextField(_("displacement or spill-over"), blank=True, max_length=5000)
    goals_met = models.CharField(_("goals met"), max_length=8, choices=Outcome.choices, blank=True)
    decision = models.CharField(
        _("decision"), max_length=8, choices=AssessmentDecision.choices, blank=True
    )
    lessons = models.TextField(_("lessons learned"), blank=True, max_length=5000)

    proposals = models.ManyToManyField(
        "forums.Proposal", blank=True, related_name="problems", verbose_name=_("proposals")
    )
    meetings = models.ManyToManyField(
        "forums.Meeting", blank=True, related_name="problems", verbose_name=_("meetings")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["platform", "stage"], name="problem_platform_stage"),
            # a forum's problem list, a keyset page at a time (forums.problems.views)
            models.Index(fields=["platform", "-updated_at", "-id"], name="problem_platform_recent"),
            # the hot-spot map groups by cell: only rows with a point take part
            models.Index(
                fields=["lat", "lon"], name="problem_point", condition=Q(lat__isnull=False)
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(lat__isnull=True) & Q(lon__isnull=True))
                | (
                    Q(lat__gte=KG_LAT[0], lat__lte=KG_LAT[1])
                    & Q(lon__gte=KG_LON[0], lon__lte=KG_LON[1])
                ),
                name="problem_point_in_kyrgyzstan",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("forums:problem", kwargs={"pk": self.pk})

    @property
    def incident_list(self) -> list[str]:
        return [line.strip() for line in self.incidents.splitlines() if line.strip()]

    @property
    def is_closed(self) -> bool:
        return self.stage == Stage.CLOSED


class ProblemMeasure(models.Model):
    """One indicator: the baseline (analysis) and the value after the response (assessment)."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="measures")
    name = models.CharField(_("measure"), max_length=200)
    source = models.CharField(_("source"), max_length=200, blank=True)
    baseline_value = models.DecimalField(_("baseline"), max_digits=12, decimal_places=2)
    baseline_on = models.DateField(_("baseline measured on"))
    after_value = models.DecimalField(
        _("after the response"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    after_on = models.DateField(_("measured after on"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.name

    @property
    def change(self):
        if self.after_value is None:
            return None
        return self.after_value - self.baseline_value


class TaskParty(models.TextChoices):
    POLICE = "police", _("police unit")
    LSG = "lsg", _("local self-government body")
    SCHOOL = "school", _("school")
    LCPC = "lcpc", _("LCPC")
    NGO = "ngo", _("NGO")
    COMMUNITY = "community", _("residents")
    OTHER = "other", _("other")


class ProblemTask(models.Model):
    """Who does what by when, in the chosen response."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="tasks")
    party = models.CharField(_("who"), max_length=16, choices=TaskParty.choices)
    who = models.CharField(_("name of the body"), max_length=200)
    police_unit = models.ForeignKey(
        PoliceUnit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    what = models.CharField(_("what"), max_length=500)
    due = models.DateField(_("deadline"))

    class Meta:
        ordering = ["due", "pk"]

    def __str__(self):
        return self.what


class ProblemEvent(AppendOnlyModel):
    """The problem's history and implementation log: one row per change, never edited."""

    class Kind(models.TextChoices):
        CREATED = "created", _("recorded")
        UPDATED = "updated", _("updated")
        STAGE = "stage", _("stage changed")
        LOG = "log", _("implementation log")
        LINKED = "linked", _("linked")
        PRACTICE = "practice", _("trying a practice from the library")
        PUBLISHED = "published", _("published in the library")
        PROPOSAL = "proposal", _("proposal raised")
        REVIEWED = "reviewed", _("reviewed")

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    old_stage = models.CharField(max_length=16, blank=True)
    new_stage = models.CharField(max_length=16, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["problem", "at"], name="problem_event_timeline"),
            # the audit log (platforms.audit) reads this table newest first, a page at a time
            models.Index(fields=["-at", "-id"], name="problem_event_audit_time"),
        ]

    def __str__(self):
        return f"{self.problem_id}: {self.kind}"

    @property
    def old_stage_label(self) -> str:
        return Stage(self.old_stage).label if self.old_stage in Stage.values else ""

    @property
    def new_stage_label(self) -> str:
        return Stage(self.new_stage).label if self.new_stage in Stage.values else ""


class Practice(models.Model):
    """A closed problem published as a case study in the public library of practice."""

    problem = models.OneToOneField(Problem, on_delete=models.PROTECT, related_name="practice")
    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="practices")
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=10000)
    what_worked = models.TextField(_("what worked"), max_length=10000)
    measures = models.TextField(_("measures"), max_length=5000)
    contact = models.CharField(_("the forum's contact"), max_length=300)
    problem_type = models.CharField(_("problem type"), max_length=16, choices=ProblemType.choices)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="+")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)
    # how many forums link a problem of theirs: kept by practice_adopt, read by every list
    adoption_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("practice")
        verbose_name_plural = _("library of practice")
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["category", "problem_type"], name="practice_filters")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("forums:practice", kwargs={"pk": self.pk})


class PracticeAdoption(models.Model):
    """A forum says "we are trying this": its own problem linked to a practice."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="adoptions")
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="adoptions")
    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "problem"], name="adopt_practice_once")
        ]

    def __str__(self):
        return f"{self.problem_id} tries {self.practice_id}"


class ProblemReview(AppendOnlyModel):
    """A council secretariat's review of a forum's problem record, with feedback the forum sees.

    Scores 0-4; depth of analysis and measures of effectiveness count double.
    """

    WEIGHTS = {"analysis": 2, "goals": 1, "effectiveness": 2, "involvement": 1}
    MAX_SCORE = 4

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="reviews")
    reviewer_platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    analysis = models.PositiveSmallIntegerField(_("depth of analysis"))
    goals = models.PositiveSmallIntegerField(_("clear goals"))
    effectiveness = models.PositiveSmallIntegerField(_("measures of effectiveness"))
    involvement = models.PositiveSmallIntegerField(
        _("involvement of citizens and other organisations")
    )
    feedback = models.TextField(_("feedback"), max_length=5000)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    analysis__lte=4, goals__lte=4, effectiveness__lte=4, involvement__lte=4
                ),
                name="review_scores_0_4",
            )
        ]

    def __str__(self):
        return f"{self.problem_id}: {self.score}"

    @property
    def score(self) -> int:
        return sum(getattr(self, name) * weight for name, weight in self.WEIGHTS.items())

    @classmethod
    def max_total(cls) -> int:
        return cls.MAX_SCORE * sum(cls.WEIGHTS.values())


class Exchange(models.Model):
    """Experience exchange: a forum invites other forums, across levels or on the same one.

    Built on a joint meeting or seminar of the host (time, place, agenda, attendance); the
    exchange adds each forum's answer and participants and a published outcome.
    """

    class Format(models.TextChoices):
        JOINT = "joint", _("joint meeting")
        SEMINAR = "seminar", _("seminar")
        VISIT = "visit", _("exchange visit")

    meeting = models.OneToOneField(
        "forums.Meeting", on_delete=models.CASCADE, related_name="exchange"
    )
    host = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="hosted_exchanges")
    format = models.CharField(_("format"), max_length=16, choices=Format.choices)
    topic = models.TextField(_("what the forums will share"), max_length=5000)
    practice = models.ForeignKey(
        Practice,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="exchanges",
        verbose_name=_("practice from the library"),
    )
    outcome = models.TextField(_("outcome"), blank=True, max_length=20000)
    outcome_published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("experience exchange")
        verbose_name_plural = _("experience exchanges")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return str(self.meeting_id)

    def get_absolute_url(self):
        return reverse("forums:exchange", kwargs={"pk": self.pk})


class ExchangeInvitation(models.Model):
    class Answer(models.TextChoices):
        PENDING = "pending", _("awaiting an answer")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    exchange = models.ForeignKey(Exchange, on_delete=models.CASCADE, related_name="invitations")
    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="exchange_invitations"
    )
    answer = models.CharField(max_length=16, choices=Answer.choices, default=Answer.PENDING)
    participants = models.TextField(
        _("participants from the forum"),
        blank=True,
        max_length=2000,
        help_text=_("One per line: name and role (e.g. LCPC chair, neighbourhood inspector)."),
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["exchange", "platform"], name="invite_forum_once")
        ]

    def __str__(self):
        return f"{self.exchange_id} → {self.platform_id}"

    @property
    def participant_list(self) -> list[str]:
        return [line.strip() for line in self.participants.splitlines() if line.strip()]
