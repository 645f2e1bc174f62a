"""Memberships: parties, roles, terms, and thematic groups."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from platforms.models.choices import OFFICIAL_PARTIES, TERM_ROLES, Party, Role  # noqa: F401
from platforms.models.platform import Platform


class MembershipQuerySet(models.QuerySet):
    def current(self, on=None):
        """Active memberships whose term (if any) covers `on` (default: today)."""
        on = on or timezone.localdate()
        return self.filter(status=Membership.Status.ACTIVE).filter(
            Q(term_start__isnull=True) | Q(term_start__lte=on),
            Q(term_end__isnull=True) | Q(term_end__gte=on),
        )


class Membership(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        ACTIVE = "active", _("active")
        REFUSED = "refused", _("refused")
        ENDED = "ended", _("ended")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="memberships")
    party = models.CharField(_("party"), max_length=16, choices=Party.choices)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REQUESTED
    )
    term_start = models.DateField(_("term start"), null=True, blank=True)
    term_end = models.DateField(_("term end"), null=True, blank=True)
    delegated_from = models.ForeignKey(
        Platform,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegations",
        verbose_name=_("represents"),
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    motivation = models.TextField(_("why you want to join"), blank=True, max_length=2000)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["platform", "party", "role"]
        indexes = [
            models.Index(fields=["platform", "status"], name="membership_platform_status"),
            # a platform's members in the order its page lists them: read up to a LIMIT, never
            # sorted whole (platform_members, member_search)
            models.Index(
                fields=["platform", "party", "role", "id"],
                condition=Q(status="active"),
                name="membership_active_order",
            ),
            # the few term holders (secretariat, delegates) among thousands of members
            models.Index(
                fields=["platform"],
                condition=Q(status="active") & (Q(role="secretariat") | Q(party="delegate")),
                name="membership_term_holders",
            ),
            # join requests waiting on a platform, oldest first, paged by keyset
            models.Index(
                fields=["platform", "created_at", "id"],
                condition=Q(status="requested"),
                name="membership_requests",
            ),
        ]
        constraints = [
            # One open (requested or active) membership per user, platform and role.
            models.UniqueConstraint(
                fields=["user", "platform", "role"],
                condition=Q(status__in=["requested", "active"]),
                name="one_open_membership_per_role",
            ),
            models.CheckConstraint(
                condition=Q(term_end__isnull=True)
                | Q(term_start__isnull=True)
                | Q(term_end__gte=models.F("term_start")),
                name="term_end_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.user} @ {self.platform} ({self.role})"

    def clean(self):
        errors = {}
        if self.role in TERM_ROLES and not (self.term_start and self.term_end):
            errors["term_end"] = _("This role serves a definite term: give its start and end.")
        if self.term_start and self.term_end and self.term_end < self.term_start:
            errors["term_end"] = _("The term cannot end before it starts.")
        if self.party == Party.DELEGATE:
            if not self.delegated_from_id:
                errors["delegated_from"] = _("A delegate represents a lower platform.")
            elif self.platform_id and self.delegated_from.parent_id != self.platform_id:
                errors["delegated_from"] = _(
                    "A delegate represents a platform directly below this one."
                )
        elif self.delegated_from_id:
            errors["delegated_from"] = _("Only delegates represent another platform.")
        if errors:
            raise ValidationError(errors)


class ThematicGroup(models.Model):
    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="thematic_groups")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("coordinator"),
    )
    members = models.ManyToManyField(
        Membership, blank=True, related_name="thematic_groups", verbose_name=_("members")
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("thematic group")
        verbose_name_plural = _("thematic groups")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "name"], name="group_name_unique")
        ]

    def __str__(self):
        return self.name
