"""Police units and their liaison officers."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from platforms.models.base import TreeNode, TreeQuerySet
from platforms.models.territory import Territory


class PoliceUnit(TreeNode):
    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry of Internal Affairs")
        DIRECTORATE = "directorate", _("oblast/city directorate")
        DISTRICT = "district", _("district department")
        LOCAL = "local", _("local police department")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="police_units")

    objects = TreeQuerySet.as_manager()

    class Meta:
        verbose_name = _("police unit")
        verbose_name_plural = _("police units")
        ordering = ["name"]
        permissions = [("respond_policeunit", _("Respond for this unit"))]

    def __str__(self):
        return self.name


class PoliceUnitUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(PoliceUnit, on_delete=models.CASCADE)


class PoliceUnitGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(PoliceUnit, on_delete=models.CASCADE)


class LiaisonOfficer(models.Model):
    class Position(models.TextChoices):
        LIAISON = "liaison", _("liaison officer")
        HEAD = "head", _("head of unit")
        NEIGHBOURHOOD = "neighbourhood", _("neighbourhood inspector")
        JUVENILE = "juvenile", _("juvenile inspector")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="liaison_posts"
    )
    unit = models.ForeignKey(PoliceUnit, on_delete=models.CASCADE, related_name="officers")
    position = models.CharField(
        _("position"), max_length=16, choices=Position.choices, default=Position.LIAISON
    )
    active = models.BooleanField(_("active"), default=True)
    since = models.DateField(default=timezone.localdate)

    class Meta:
        verbose_name = _("liaison officer")
        verbose_name_plural = _("liaison officers")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit"], condition=Q(active=True), name="one_active_post_per_unit"
            )
        ]

    def __str__(self):
        return f"{self.user} ({self.get_position_display()}, {self.unit})"
