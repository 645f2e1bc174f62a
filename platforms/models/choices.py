"""Choices shared by memberships, contacts and history rows."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Party(models.TextChoices):
    CITIZEN = "citizen", _("citizen")
    NGO = "ngo", _("NGO")
    LSG = "lsg", _("local self-government")
    LOCAL_ADMIN = "local_admin", _("local administration")
    POLICE = "police", _("police")
    LCPC = "lcpc", _("LCPC")
    AUTHORITY = "authority", _("authority / ministry")
    NATIONAL_NGO = "national_ngo", _("national NGO")
    DELEGATE = "delegate", _("delegate")


OFFICIAL_PARTIES = (Party.LSG, Party.LOCAL_ADMIN, Party.POLICE, Party.LCPC, Party.AUTHORITY)


class Role(models.TextChoices):
    MEMBER = "member", _("member")
    SECRETARIAT = "secretariat", _("secretariat")
    COORDINATOR = "coordinator", _("coordinator")
    MODERATOR = "moderator", _("moderator")
    ADMIN = "admin", _("platform admin")


# Roles that serve a definite term.
TERM_ROLES = (Role.SECRETARIAT,)
