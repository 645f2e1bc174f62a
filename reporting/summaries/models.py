"""The summary rows: one per (platform, year), one per (platform, year, party), one per year."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from platforms.models import Party, Platform


class SummaryYear(models.Model):
    """A year whose summary rows are complete, and the day they describe (`as_of`): the reader
    uses them only when `as_of` is the day the report takes its figures on."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    as_of = models.DateField()
    refreshed_at = models.DateTimeField()
    seconds = models.FloatField(default=0)

    class Meta:
        verbose_name = _("figures summary year")
        verbose_name_plural = _("figures summary years")

    def __str__(self):
        return f"{self.year} (as of {self.as_of})"


class PlatformYearFigures(models.Model):
    """A platform's figures for a year.

    Own counts (`members`, `joined`, `left`, `renewed`) are of this platform alone and add up
    over a subtree (a member is a distinct (platform, person) pair, so pairs never repeat across
    platforms). The people counts are already over the platform's whole subtree (public
    platforms only), each person once: distinct people cannot be added up.
    """

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    members = models.PositiveIntegerField(default=0)
    joined = models.PositiveIntegerField(default=0)
    left = models.PositiveIntegerField(default=0)
    renewed = models.PositiveIntegerField(default=0)
    subtree_people = models.PositiveIntegerField(default=0)
    subtree_gender_stated = models.PositiveIntegerField(default=0)
    subtree_women = models.PositiveIntegerField(default=0)
    subtree_age_stated = models.PositiveIntegerField(default=0)
    subtree_young = models.PositiveIntegerField(default=0)
    # meetings held here in the year (adds up): {kind: n}, attendances, minutes published
    meetings_by_kind = models.JSONField(default=dict)
    attendance = models.PositiveIntegerField(default=0)
    minutes_published = models.PositiveIntegerField(default=0)
    # published citizen polls of this platform whose round ends in the year, as the
    # assessments selector gives them, each with its sort key [period end, round id]
    polls = models.JSONField(default=list)

    class Meta:
        verbose_name = _("platform figures of a year")
        verbose_name_plural = _("platform figures of a year")
        constraints = [
            models.UniqueConstraint(fields=["year", "platform"], name="platform_year_figures_once")
        ]

    def __str__(self):
        return f"{self.platform_id}/{self.year}"


class PlatformYearParty(models.Model):
    """Members of one party of a platform at the year's end (distinct people; adds up)."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    party = models.CharField(_("party"), max_length=16, choices=Party.choices)
    members = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("party members of a year")
        verbose_name_plural = _("party members of a year")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "platform", "party"], name="platform_year_party_once"
            )
        ]

    def __str__(self):
        return f"{self.platform_id}/{self.year}/{self.party}"
