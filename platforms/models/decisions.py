"""A platform's decisions under its rules, and the votes."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from platforms.models.membership import Membership
from platforms.models.platform import Platform


class Matter(models.TextChoices):
    SECRETARIAT = "secretariat", _("choosing the secretariat")
    PROPOSAL = "proposal", _("adopting a proposal")
    RECOMMENDATION = "recommendation", _("recommendation on a police head (e.g. dismissal)")
    PLAN = "plan", _("adopting the strategic plan")
    OTHER = "other", _("other matter")


class RuleKind(models.TextChoices):
    SIMPLE = "simple", _("simple majority of votes cast, with a quorum")
    QUALIFIED = "qualified", _("qualified majority")
    CONSENSUS = "consensus", _("special consensus (no standing objection)")


class DecisionRule(models.Model):
    """Which rule a platform applies to a kind of matter."""

    DEFAULTS = {
        Matter.SECRETARIAT: (RuleKind.SIMPLE, 50, 50),
        Matter.PROPOSAL: (RuleKind.SIMPLE, 50, 50),
        Matter.RECOMMENDATION: (RuleKind.CONSENSUS, 50, 100),
        Matter.PLAN: (RuleKind.QUALIFIED, 50, 67),
        Matter.OTHER: (RuleKind.SIMPLE, 50, 50),
    }

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="rules")
    matter = models.CharField(_("matter"), max_length=16, choices=Matter.choices)
    kind = models.CharField(_("rule"), max_length=16, choices=RuleKind.choices)
    quorum_percent = models.PositiveSmallIntegerField(
        _("quorum (percent of members who must vote)"), default=50
    )
    threshold_percent = models.PositiveSmallIntegerField(
        _("majority needed (percent of yes and no votes)"), default=67
    )

    class Meta:
        verbose_name = _("decision rule")
        verbose_name_plural = _("decision rules")
        constraints = [
            models.UniqueConstraint(fields=["platform", "matter"], name="one_rule_per_matter"),
            models.CheckConstraint(
                condition=Q(quorum_percent__lte=100) & Q(threshold_percent__lte=100),
                name="rule_percent_range",
            ),
        ]

    def __str__(self):
        return f"{self.platform_id}: {self.matter} = {self.kind}"


class Decision(models.Model):
    """A vote of a platform's members on one matter, closed with a recorded tally."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    class Outcome(models.TextChoices):
        PENDING = "", _("pending")
        ADOPTED = "adopted", _("adopted")
        REJECTED = "rejected", _("rejected")
        NO_QUORUM = "no_quorum", _("no quorum")

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="decisions")
    matter = models.CharField(_("matter"), max_length=16, choices=Matter.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=10000)
    rule_kind = models.CharField(max_length=16, choices=RuleKind.choices)
    quorum_percent = models.PositiveSmallIntegerField(default=50)
    threshold_percent = models.PositiveSmallIntegerField(default=50)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    candidate = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="candidacies",
        verbose_name=_("candidate"),
    )
    term_start = models.DateField(_("term start"), null=True, blank=True)
    term_end = models.DateField(_("term end"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closes_at = models.DateTimeField(_("voting closes"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    eligible = models.PositiveIntegerField(default=0)
    yes = models.PositiveIntegerField(default=0)
    no = models.PositiveIntegerField(default=0)
    abstain = models.PositiveIntegerField(default=0)
    objections = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-opened_at", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("platforms:decision", kwargs={"slug": self.platform.slug, "pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN and (
            self.closes_at is None or self.closes_at > timezone.now()
        )


class Vote(models.Model):
    class Choice(models.TextChoices):
        YES = "yes", _("yes")
        NO = "no", _("no")
        ABSTAIN = "abstain", _("abstain")
        OBJECT = "object", _("I object (blocks consensus)")

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    choice = models.CharField(_("your vote"), max_length=8, choices=Choice.choices)
    reason = models.TextField(_("reason"), blank=True, max_length=2000)
    cast_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # concurrent double votes fail here, not only in Python
            models.UniqueConstraint(fields=["decision", "user"], name="one_vote_per_member")
        ]

    def __str__(self):
        return f"{self.user_id}: {self.choice}"
