"""Kyrgyzstan's administrative tree."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from platforms.models.base import TreeNode, TreeQuerySet


class Territory(TreeNode):
    class Kind(models.TextChoices):
        COUNTRY = "country", _("country")
        OBLAST = "oblast", _("oblast")
        CITY_REPUBLICAN = "city_republican", _("city of republican significance")
        RAYON = "rayon", _("rayon")
        CITY = "city", _("city")
        CITY_DISTRICT = "city_district", _("city district")
        AYIL_AIMAK = "ayil_aimak", _("ayil aimak")
        TOWN = "town", _("town")

    # Kinds whose platforms are district/city councils.
    COUNCIL_KINDS = (Kind.RAYON, Kind.CITY, Kind.CITY_REPUBLICAN)

    code = models.CharField(_("code"), max_length=64, unique=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_ru = models.CharField(_("name (Russian)"), max_length=120, blank=True)
    name_ky = models.CharField(_("name (Kyrgyz)"), max_length=120, blank=True)
    name_uz = models.CharField(_("name (Uzbek)"), max_length=120, blank=True)

    objects = TreeQuerySet.as_manager()

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["name_en"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language, falling back to Russian, then English."""
        lang = (translation.get_language() or "en")[:2]
        return getattr(self, f"name_{lang}", "") or self.name_ru or self.name_en

    def clean(self):
        if self.parent_id and self.pk and self.pk in self.parent.ancestor_ids() + [self.parent_id]:
            raise ValidationError({"parent": _("A territory cannot be inside itself.")})

    def council_territory(self):
        """The rayon/city whose council a community forum here belongs to."""
        node = self
        while node is not None and node.kind not in self.COUNCIL_KINDS:
            node = node.parent
        return node
