import zlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models, router, transaction
from django.db.models import Q, Value
from django.db.models.functions import Concat, Substr
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from platforms.slugs import reserved_slugs


class TreeQuerySet(models.QuerySet):
    def below(self, node, *, include_self: bool = True):
        """Every node in the subtree of `node`, found by one indexed prefix match on `path`."""
        qs = self.filter(path__startswith=node.path)
        return qs if include_self else qs.exclude(pk=node.pk)


class TreeNode(models.Model):
    """A node with a materialised path ("/1/7/42/") so subtree queries are one SQL filter.

    Changing `parent` moves the whole subtree: one UPDATE rewrites the prefix of every path
    below, under a lock that also holds back new nodes until the move is committed.
    """

    path = models.CharField(max_length=255, db_index=True, editable=False, default="")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        update_fields = kwargs.get("update_fields")
        if self._state.adding or self.pk is None:
            with transaction.atomic(using=using):
                self._tree_lock(using, shared=True)
                super().save(*args, **kwargs)
                self._path_set(using)
        elif (update_fields is None or {"parent", "parent_id"} & set(update_fields)) and (
            getattr(self, "_stored_parent_id", models.DEFERRED) != self.parent_id
        ):
            with transaction.atomic(using=using):
                self._tree_lock(using, shared=False)
                self._move(using, *args, **kwargs)
        else:
            super().save(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # The parent as stored, so save() knows a move from a plain edit without a query.
        instance._stored_parent_id = dict(zip(field_names, values, strict=True)).get(
            "parent_id", models.DEFERRED
        )
        return instance

    def clean(self):
        super().clean()
        if self.parent_id and self.pk and self.pk in [*self.parent.ancestor_ids(), self.parent_id]:
            raise ValidationError({"parent": _("A node cannot be moved inside its own subtree.")})

    def compute_path(self) -> str:
        return f"{self.parent.path if self.parent_id else '/'}{self.pk}/"

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part][:-1]

    def _tree_lock(self, using: str, *, shared: bool) -> None:
        """Moves of one tree run one at a time, and never beside a new node's insert.

        A transaction-scoped advisory lock per table on PostgreSQL (exclusive for a move,
        shared for an insert); SQLite already admits one writer at a time.
        """
        connection = connections[using]
        if connection.vendor != "postgresql":
            return
        function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {function}(%s)", [zlib.crc32(self._meta.db_table.encode())])

    def _path_set(self, using: str) -> None:
        model = type(self)
        self.path = self.compute_path()
        if self.parent_id:
            # The parent's path as committed (it may have moved since it was loaded).
            parent_path = model._base_manager.using(using).filter(pk=self.parent_id).values("path")
            value = Concat(models.Subquery(parent_path), Value(f"{self.pk}/"))
        else:
            value = Value(self.path)
        model._base_manager.using(using).filter(pk=self.pk).update(path=value)
        self._stored_parent_id = self.parent_id

    def _move(self, using: str, *args, **kwargs) -> None:
        """Save under a new parent and rewrite the subtree's paths in one UPDATE."""
        nodes = type(self)._base_manager.using(using)
        old_path = nodes.select_for_update().filter(pk=self.pk).values_list("path", flat=True).get()
        parent_path = (
            nodes.filter(pk=self.parent_id).values_list("path", flat=True).get()
            if self.parent_id
            else "/"
        )
        if parent_path.startswith(old_path):
            raise ValidationError({"parent": _("A node cannot be moved inside its own subtree.")})
        self.path = old_path
        super().save(*args, **kwargs)
        new_path = f"{parent_path}{self.pk}/"
        if new_path != old_path:
            nodes.filter(path__startswith=old_path).update(
                path=Concat(Value(new_path), Substr("path", len(old_path) + 1))
            )
        self.path = new_path
        self._stored_parent_id = self.parent_id


class AppendOnlyModel(models.Model):
    """A history row: written once, never changed or deleted through the ORM."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(f"{type(self).__name__} rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(f"{type(self).__name__} rows are append-only.")


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
        indexes = [models.Index(fields=["platform", "status"], name="membership_platform_status")]
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
        Membership, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
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
        constraints = [
            models.CheckConstraint(
                condition=Q(platform__isnull=False) | Q(unit__isnull=False),
                name="event_names_platform_or_unit",
            )
        ]

    def __str__(self):
        return f"{self.platform_id or self.unit_id}: {self.kind} {self.old}->{self.new}"


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
