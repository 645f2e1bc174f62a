"""Platforms of the three levels, their registration contacts, acknowledgements and history."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from platforms.models.base import AppendOnlyModel, TreeNode, TreeQuerySet
from platforms.models.choices import Party
from platforms.models.territory import Territory
from platforms.slugs import reserved_slugs


class Platform(TreeNode):
    class Level(models.TextChoices):
        COMMUNITY = "community", _("community security forum")
        DISTRICT = "district", _("district/city public security council")
        NATIONAL = "national", _("national public security council")

    class Kind(models.TextChoices):
        INITIATIVE = "initiative", _("initiative group forum")
        LCPC = "lcpc", _("local crime prevention centre")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned")
        ACTIVE = "active", _("active")
        CLOSED = "closed", _("closed")

    PARENT_LEVEL = {Level.COMMUNITY: Level.DISTRICT, Level.DISTRICT: Level.NATIONAL}
    PUBLIC_STATUSES = (Status.ACTIVE, Status.CLOSED)

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent platform"),
    )
    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="platforms", verbose_name=_("territory")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    aims = models.TextField(_("aims and objectives"), blank=True)
    problems = models.TextField(_("security problems to address"), blank=True)
    membership_criteria = models.TextField(_("membership criteria"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    response_days = models.PositiveSmallIntegerField(
        _("days the police and local self-government have to answer a proposal"), default=30
    )
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(blank=True)
    # People with an active membership here (a member elected to the secretariat counts once).
    # Kept by the membership services in the transaction that changes a membership, so lists of
    # platforms never count memberships per request; `recount_members` repairs any drift.
    member_count = models.PositiveIntegerField(_("members"), default=0, editable=False)
    # People per party among current members ({"ngo": 3, …}), kept with member_count.
    party_counts = models.JSONField(default=dict, editable=False)

    objects = TreeQuerySet.as_manager()

    class Meta:
        verbose_name = _("platform")
        verbose_name_plural = _("platforms")
        ordering = ["name"]
        permissions = [
            ("participate_platform", _("Take part as a member")),
            ("secretariat_platform", _("Act as the secretariat")),
            ("moderate_platform", _("Moderate")),
            ("administer_platform", _("Manage memberships and roles")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["level"], condition=Q(level="national"), name="one_national_council"
            ),
            models.UniqueConstraint(
                fields=["territory", "name"], name="platform_name_unique_in_territory"
            ),
            models.CheckConstraint(
                condition=Q(level="community") | Q(kind=""), name="kind_only_for_community"
            ),
            models.CheckConstraint(
                condition=Q(level="national", parent__isnull=True)
                | (~Q(level="national") & Q(parent__isnull=False))
                | Q(status__in=["draft", "submitted", "returned"]),
                name="platform_parent_by_level",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("platforms:detail", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return self.status in self.PUBLIC_STATUSES

    def clean(self):
        errors = {}
        if self.level == self.Level.NATIONAL:
            if self.parent_id:
                errors["parent"] = _("The national council has no parent.")
            others = Platform.objects.filter(level=self.Level.NATIONAL).exclude(pk=self.pk)
            if others.exists():
                errors["level"] = _("There is only one national council.")
        elif self.parent_id:
            expected = self.PARENT_LEVEL[self.level]
            if self.parent.level != expected:
                errors["parent"] = _("The parent of a %(level)s must be a %(expected)s.") % {
                    "level": self.get_level_display(),
                    "expected": self.Level(expected).label,
                }
            elif self.level == self.Level.COMMUNITY and self.territory_id:
                council_territory = self.territory.council_territory()
                if council_territory is None or self.parent.territory_id != council_territory.pk:
                    errors["parent"] = _(
                        "A community forum belongs to the council of its own district or city."
                    )
            if self.pk and (self.parent_id == self.pk or self.pk in self.parent.ancestor_ids()):
                errors["parent"] = _("A platform cannot be its own ancestor.")
        if self.slug in reserved_slugs():
            errors["slug"] = _("“%(slug)s” is an address of the portal itself: choose another.") % {
                "slug": self.slug
            }
        if self.level != self.Level.COMMUNITY and self.kind:
            errors["kind"] = _("Only community forums have a kind.")
        if self.level == self.Level.COMMUNITY and not self.kind:
            errors["kind"] = _("Choose whether this forum is an initiative group or an LCPC.")
        if errors:
            raise ValidationError(errors)


class PlatformUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Platform, on_delete=models.CASCADE)


class PlatformGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Platform, on_delete=models.CASCADE)


class Committee(models.Model):
    """A committee of an LCPC (aksakal court, women's council, mahalla…): a list administrators keep.

    Imports accept any of its names or aliases, compared case-insensitively.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_ru = models.CharField(_("name (Russian)"), max_length=120, blank=True)
    name_ky = models.CharField(_("name (Kyrgyz)"), max_length=120, blank=True)
    name_uz = models.CharField(_("name (Uzbek)"), max_length=120, blank=True)
    aliases = models.TextField(
        _("other names"),
        blank=True,
        help_text=_("Other spellings accepted in imports, one per line."),
    )

    class Meta:
        verbose_name = _("LCPC committee")
        verbose_name_plural = _("LCPC committees")
        ordering = ["name_en"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language, falling back to Russian, then English."""
        lang = (translation.get_language() or "en")[:2]
        return getattr(self, f"name_{lang}", "") or self.name_ru or self.name_en

    def spellings(self) -> list[str]:
        """Every name an import accepts for this committee."""
        names = [self.code, self.name_en, self.name_ru, self.name_ky, self.name_uz]
        names += self.aliases.splitlines()
        return [name.strip() for name in names if name and name.strip()]


class PlatformContact(models.Model):
    """A named person of a forum without (or before) an account: initiative group, LCPC rolls."""

    class Source(models.TextChoices):
        INITIATIVE = "initiative", _("initiative group")
        IMPORT = "import", _("LCPC import")

    class Invitation(models.TextChoices):
        NONE = "", _("not invited")
        PENDING = "pending", _("invited")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="contacts")
    # Set only when the person accepts (or for the initiator): an address typed by someone else
    # is never linked to the account behind it without that account's consent.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    committee = models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("committee"),
    )
    is_head = models.BooleanField(_("head"), default=False)
    source = models.CharField(max_length=16, choices=Source.choices)
    invitation = models.CharField(
        _("invitation"), max_length=16, choices=Invitation.choices, blank=True, default=""
    )
    # SHA-256 of the invitation link's random token; the token itself is only in the message.
    token_hash = models.CharField(max_length=64, blank=True, editable=False)
    party = models.CharField(_("joins as"), max_length=16, choices=Party.choices, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["-is_head", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "email"], condition=~Q(email=""), name="contact_email_unique"
            ),
            # also the index the invitation page looks the token up by
            models.UniqueConstraint(
                fields=["token_hash"], condition=~Q(token_hash=""), name="contact_token_unique"
            ),
        ]

    def __str__(self):
        return self.name


class ForumAcknowledgement(AppendOnlyModel):
    """Local self-government or police answering a forum registration (append-only)."""

    class Answer(models.TextChoices):
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        COMMENTED = "commented", _("commented")
        RETURNED = "returned", _("returned with reasons")

    platform = models.ForeignKey(
        Platform, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    party = models.CharField(max_length=16, choices=Party.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(max_length=16, choices=Answer.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=4000)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            # the audit log (platforms.audit) reads this table newest first, a page at a time
            models.Index(fields=["-at", "-id"], name="acknowledgement_audit_time"),
        ]

    def __str__(self):
        return f"{self.platform_id} {self.party} {self.answer}"


class PlatformEvent(AppendOnlyModel):
    """Append-only history of every state change of a platform and its memberships."""

    class Kind(models.TextChoices):
        CREATED = "created", _("created")
        STATUS = "status", _("status changed")
        MEMBERSHIP = "membership", _("membership changed")
        ROLE = "role", _("role changed")
        DECISION = "decision", _("decision")
        GROUP = "group", _("thematic group")
        INVITATION = "invitation", _("invitation answered")
        MOVED = "moved", _("moved")
        POST = "post", _("liaison post changed")

    # A liaison post belongs to a police unit, not a platform: its events name the unit instead.
    platform = models.ForeignKey(
        Platform, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    membership = models.ForeignKey(
        "Membership", on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    # history outlives nothing it names: a unit or post with events is not deleted
    unit = models.ForeignKey(
        "PoliceUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    post = models.ForeignKey(
        "LiaisonOfficer", on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    old = models.CharField(max_length=32, blank=True)
    new = models.CharField(max_length=32, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            # the membership history of a platform pages by keyset on this order
            models.Index(
                fields=["platform", "-at", "-id"],
                condition=Q(membership__isnull=False),
                name="event_membership_history",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(platform__isnull=False) | Q(unit__isnull=False),
                name="event_names_platform_or_unit",
            )
        ]

    def __str__(self):
        return f"{self.platform_id or self.unit_id}: {self.kind} {self.old}->{self.new}"
