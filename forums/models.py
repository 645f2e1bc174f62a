from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from platforms.models import (
    AppendOnlyModel,
    Decision,
    Platform,
    PoliceUnit,
    Territory,
    ThematicGroup,
)


class Category(models.TextChoices):
    YOUTH = "youth", _("youth")
    DOMESTIC = "domestic", _("domestic conflict")
    INTERETHNIC = "interethnic", _("inter-ethnic tension")
    EXTREMISM = "extremism", _("extremism prevention")
    ROAD = "road", _("road safety")
    SCHOOL = "school", _("school extortion")
    EARLY_MARRIAGE = "early_marriage", _("early marriage conflicts")
    PATROL = "patrol", _("patrolling")
    OTHER = "other", _("other")


class ProposalQuerySet(models.QuerySet):
    def public(self):
        return self.exclude(state__in=Proposal.PRIVATE_STATES)

    def overdue(self, on=None):
        return self.filter(overdue_condition(on))


def awaiting_answer_condition(party: str = "") -> Q:
    """An addressee (or the given one: "police", "lsg") has not answered yet.

    Each party's deadline stands until that party answers.
    """
    police = Q(police_unit__isnull=False, police_answered_at__isnull=True)
    lsg = Q(lsg_territory__isnull=False, lsg_answered_at__isnull=True)
    return {"police": police, "lsg": lsg}.get(party, police | lsg)


def overdue_condition(on=None, party: str = "") -> Q:
    """Addressed proposals past their response date that an addressee has not answered yet."""
    return (
        Q(response_due__lt=on or timezone.localdate())
        & awaiting_answer_condition(party)
        & ~Q(state__in=Proposal.INACTIVE_STATES)
    )


# Public and submitted: what the tracker lists (the partial indexes below hold these rows).
PUBLIC_SUBMITTED = ~Q(state__in=("draft", "screening", "screened_out")) & Q(
    submitted_at__isnull=False
)

# Awaiting an addressee's answer in a state where one is still due (overdue_condition without
# the date): the partial index for the overdue filter holds these rows only.
AWAITING_ACTIVE = awaiting_answer_condition() & ~Q(
    state__in=(
        "resolved",
        "withdrawn",
        "duplicate",
        "rejected",
        "screened_out",
        "draft",
        "screening",
    )
)


class Proposal(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        # raised by a resident who is not a member: the secretariat screens it before it is public
        SCREENING = "screening", _("awaiting screening by the secretariat")
        SCREENED_OUT = "screened_out", _("not accepted at screening")
        SUBMITTED = "submitted", _("submitted")
        ON_AGENDA = "on_agenda", _("on the agenda")
        ADOPTED = "adopted", _("adopted")
        REJECTED = "rejected", _("rejected")
        ESCALATED = "escalated", _("escalated, awaiting registration")
        REGISTERED = "registered", _("registered at the upper platform")
        RESOLVED = "resolved", _("closed: resolved")
        WITHDRAWN = "withdrawn", _("closed: withdrawn")
        DUPLICATE = "duplicate", _("closed: duplicate")

    FINAL_STATES = (
        State.RESOLVED,
        State.WITHDRAWN,
        State.DUPLICATE,
        State.REJECTED,
        State.SCREENED_OUT,
    )
    # not public: only the author (and, when screened, the secretariat) see them
    PRIVATE_STATES = (State.DRAFT, State.SCREENING, State.SCREENED_OUT)
    # states in which nothing is awaited from anyone: no deadline, no support
    INACTIVE_STATES = (*FINAL_STATES, State.DRAFT, State.SCREENING)

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), max_length=20000)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    origin = models.ForeignKey(
        Platform,
        on_delete=models.PROTECT,
        related_name="raised_proposals",
        verbose_name=_("raised at"),
    )
    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("now at")
    )
    group = models.ForeignKey(
        ThematicGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("thematic group"),
    )
    police_unit = models.ForeignKey(
        PoliceUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("police unit addressed"),
    )
    lsg_territory = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("local self-government addressed"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
    )
    on_behalf_of = models.CharField(
        _("made by (recorded on behalf of)"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty for an anonymous citizen."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    place = models.CharField(
        _("place"),
        max_length=200,
        blank=True,
        help_text=_("An address or a landmark, e.g. the bus stop near school no. 3."),
    )
    protect_author = models.BooleanField(
        _("show my name to no one but the secretariat"), default=False
    )
    state = models.CharField(
        max_length=16, choices=State.choices, default=State.DRAFT, db_index=True
    )
    decision = models.ForeignKey(
        Decision, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals"
    )
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates"
    )
    assigned_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned liaison officer"),
    )
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    response_due = models.DateField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    # one per addressee: an answer by one party never clears the other's deadline
    police_answered_at = models.DateTimeField(null=True, blank=True)
    lsg_answered_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    overdue_marked_at = models.DateTimeField(null=True, blank=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["platform", "state"], name="proposal_platform_state"),
            models.Index(fields=["police_unit", "state"], name="proposal_unit_state"),
            # The liaison dashboard: a unit's open, public proposals in the order of waiting,
            # with what its counters test, so the page's keys and all four counters are read
            # from the index alone (forums.selectors.liaison_dashboard).
            models.Index(
                fields=["police_unit", "submitted_at", "id"],
                include=["state", "police_answered_at", "response_due", "assigned_officer"],
                condition=Q(submitted_at__isnull=False)
                & ~Q(
                    state__in=[
                        "draft",
                        "screening",
                        "screened_out",
                        "resolved",
                        "withdrawn",
                        "duplicate",
                        "rejected",
                    ]
                ),
                name="proposal_unit_open",
            ),
            # The tracker reads public proposals newest first, a page at a time by keyset
            # (forums.selectors.tracker_matches): each filter has an index in that order, so a
            # page reads its 31 rows. The condition repeats the tracker's own WHERE so the
            # planner can prove the partial index applies.
            models.Index(
                fields=["-submitted_at", "-id"],
                name="proposal_public_recent",
                condition=PUBLIC_SUBMITTED,
            ),
            models.Index(fields=["state", "-submitted_at", "-id"], name="proposal_state_recent"),
            models.Index(
                fields=["category", "-submitted_at", "-id"],
                name="proposal_category_recent",
                condition=PUBLIC_SUBMITTED,
            ),
            # overdue answers (the tracker's filter, reminders): the few rows still awaiting
            # an answer in an active state, by date due; the condition is overdue_condition's
            models.Index(
                fields=["response_due"],
                name="proposal_awaiting_due",
                condition=AWAITING_ACTIVE,
            ),
            # a person's own proposals, newest first (forums.selectors.personal_page)
            models.Index(fields=["author", "-created_at", "-id"], name="proposal_author_recent"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("forums:proposal", kwargs={"pk": self.pk})

    @property
    def overdue_parties(self) -> list[str]:
        """The addressees ("police", "lsg") whose answer is past the response date."""
        if (
            not self.response_due
            or self.state in self.INACTIVE_STATES
            or self.response_due >= timezone.localdate()
        ):
            return []
        parties = []
        if self.police_unit_id and self.police_answered_at is None:
            parties.append(PoliceResponse.Responder.POLICE)
        if self.lsg_territory_id and self.lsg_answered_at is None:
            parties.append(PoliceResponse.Responder.LSG)
        return parties

    @property
    def is_overdue(self) -> bool:
        return bool(self.overdue_parties)

    @property
    def answered_late(self) -> bool:
        """An addressee answered after the response date: the lateness stays visible."""
        if not self.response_due:
            return False
        return any(
            answered and timezone.localdate(answered) > self.response_due
            for answered in (self.police_answered_at, self.lsg_answered_at)
        )


ACTOR_ROLES = {
    "member": _("member"),
    "author": _("the author"),
    "resident": _("resident"),
    "secretariat": _("secretariat"),
    "police": _("police"),
    "lsg": _("local self-government"),
    "system": _("the portal (automatic)"),
}


class ProposalEvent(AppendOnlyModel):
    """The proposal's timeline: append-only, one row per state change, escalation or response."""

    class Kind(models.TextChoices):
        CREATED = "created", _("draft created")
        SUBMITTED = "submitted", _("submitted")
        RECORDED = "recorded", _("recorded by the secretariat")
        AGENDA = "agenda", _("put on the agenda")
        VOTE = "vote", _("vote opened")
        DECIDED = "decided", _("decided")
        ESCALATED = "escalated", _("escalated")
        REGISTERED = "registered", _("registered")
        RETURNED = "returned", _("returned")
        RESPONSE = "response", _("response published")
        ASSIGNED = "assigned", _("assigned to a liaison officer")
        OVERDUE = "overdue", _("response overdue")
        MERGED = "merged", _("merged")
        CLOSED = "closed", _("closed")
        MEETING = "meeting", _("discussed at a meeting")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    old_state = models.CharField(max_length=16, blank=True)
    new_state = models.CharField(max_length=16, blank=True)
    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_role = models.CharField(max_length=32, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["proposal", "at"], name="proposal_event_timeline"),
            # the audit log (platforms.audit) reads this table newest first, a page at a time
            models.Index(fields=["-at", "-id"], name="proposal_event_audit_time"),
        ]

    def __str__(self):
        return f"{self.proposal_id}: {self.kind}"

    @property
    def actor_role_label(self) -> str:
        """Who acted, in the reader's language (the stored value is a code)."""
        return str(ACTOR_ROLES.get(self.actor_role, self.actor_role))


class Escalation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting registration")
        REGISTERED = "registered", _("registered")
        RETURNED = "returned", _("returned")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="escalations")
    from_platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="+")
    to_platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="incoming_escalations"
    )
    note = models.TextField(_("note"), blank=True, max_length=5000)
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    escalated_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    sequence = models.PositiveIntegerField(null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(blank=True)
    # written once at registration, so a renamed territory never renumbers a proposal
    number = models.CharField(_("registration number"), max_length=80, blank=True)

    class Meta:
        ordering = ["escalated_at", "pk"]
        constraints = [
            # two secretaries registering at once cannot produce the same number
            models.UniqueConstraint(
                fields=["to_platform", "year", "sequence"], name="one_registration_number"
            ),
            # a proposal waits at most at one upper platform at a time
            models.UniqueConstraint(
                fields=["proposal"], condition=Q(status="pending"), name="one_pending_escalation"
            ),
        ]

    def __str__(self):
        return self.registration_number or f"{self.proposal_id} → {self.to_platform_id}"

    @property
    def registration_number(self) -> str:
        return self.number


def registration_code(platform: Platform) -> str:
    """A short public code of a registering platform: its territory code without the country."""
    code = platform.territory.code
    return code[3:] if code.startswith("KG-") else code


def format_registration_number(platform: Platform, year: int, sequence: int) -> str:
    return f"{registration_code(platform)}-{year}-{sequence:04d}"


class Supporter(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supporters")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="one_support_per_user")
        ]

    def __str__(self):
        return f"{self.user_id} supports {self.proposal_id}"


ALLOWED_UPLOADS = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".pdf": "application/pdf",
}
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def attachment_path(instance, filename):
    return f"proposals/{instance.proposal_id}/{timezone.now():%Y%m%d%H%M%S}{Path(filename).suffix.lower()}"


class Attachment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.name


class PoliceResponse(models.Model):
    class Status(models.TextChoices):
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        EVALUATING = "evaluating", _("evaluating")
        ACCEPTED = "accepted", _("accepted")
        PARTIAL = "partial", _("partially accepted")
        DECLINED = "declined", _("declined with reasons")
        NOT_COMPETENT = "not_competent", _("not within our competence")
        IN_PROGRESS = "in_progress", _("in progress")
        IMPLEMENTED = "implemented", _("implemented")

    class Responder(models.TextChoices):
        POLICE = "police", _("police")
        LSG = "lsg", _("local self-government")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="responses")
    responder = models.CharField(max_length=8, choices=Responder.choices, default=Responder.POLICE)
    unit = models.ForeignKey(
        PoliceUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="responses"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    text = models.TextField(_("answer"), max_length=10000)
    referral = models.CharField(
        _("the body that is competent"),
        max_length=300,
        blank=True,
        help_text=_("Required when the matter is not within your competence."),
    )
    next_due = models.DateField(_("date of the next step"), null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.proposal_id}: {self.status}"


class ResponseTemplate(models.Model):
    unit = models.ForeignKey(
        PoliceUnit, on_delete=models.CASCADE, related_name="response_templates"
    )
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=PoliceResponse.Status.choices)
    text = models.TextField(_("answer"), max_length=10000)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title


class Comment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("comment"), max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hidden_reason = models.CharField(_("reason for hiding"), max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.body[:40]


class Meeting(models.Model):
    class Kind(models.TextChoices):
        GENERAL = "general", _("general meeting")
        GROUP = "group", _("thematic group meeting")
        JOINT = "joint", _("joint meeting of several platforms")
        SEMINAR = "seminar", _("seminar")
        POLICE_REPORT = "police_report", _("police reporting meeting")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        CANCELLED = "cancelled", _("cancelled")

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="meetings")
    guests = models.ManyToManyField(
        Platform, blank=True, related_name="joint_meetings", verbose_name=_("joint with")
    )
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    location = models.CharField(_("place"), max_length=200, blank=True)
    group = models.ForeignKey(
        ThematicGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings"
    )
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="meetings_attended"
    )
    invited = models.TextField(
        _("invited guests"),
        blank=True,
        max_length=2000,
        help_text=_("People invited from outside the platform, one per line (name and role)."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SCHEDULED
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=500, blank=True)
    minutes = models.TextField(_("minutes"), blank=True, max_length=50000)
    minutes_published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("forums:meeting", kwargs={"pk": self.pk})

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def invited_list(self) -> list[str]:
        return [line.strip() for line in self.invited.splitlines() if line.strip()]


def meeting_file_path(instance, filename):
    return f"meetings/{instance.meeting_id}/{Path(filename).name}"


class MeetingAttachment(models.Model):
    """A file of a meeting (signed minutes, a police report); stored without its metadata."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=meeting_file_path)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return f"{self.meeting_id}: {self.pk}"


class MinutesCorrection(AppendOnlyModel):
    """Published minutes change only through a recorded correction: the old text is kept."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="corrections")
    old_minutes = models.TextField()
    new_minutes = models.TextField()
    reason = models.CharField(_("reason for the correction"), max_length=500)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            # the audit log (platforms.audit) reads this table newest first, a page at a time
            models.Index(fields=["-at", "-id"], name="minutes_correction_audit_time"),
        ]

    def __str__(self):
        return f"{self.meeting_id}: {self.at:%Y-%m-%d}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, null=True, blank=True, related_name="agenda_items"
    )
    title = models.CharField(_("item"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "proposal"],
                condition=Q(proposal__isnull=False),
                name="proposal_once_per_meeting",
            )
        ]

    def __str__(self):
        return self.title


# SARA problems, the library of practice and exchanges live in their own package (forums.problems)
from forums.problems.models import (  # noqa: E402, F401
    Exchange,
    ExchangeInvitation,
    Practice,
    PracticeAdoption,
    Problem,
    ProblemEvent,
    ProblemMeasure,
    ProblemReview,
    ProblemTask,
)
