from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PortalUserManager(UserManager):
    """Users sign in by e-mail; the username is kept only for the admin and is derived."""

    def _create_user(self, username, email, password, **extra_fields):
        username = username or (email or "").lower()
        return super()._create_user(username, email, password, **extra_fields)

    def create_user(self, username=None, email=None, password=None, **extra_fields):
        return super().create_user(username, email, password, **extra_fields)

    def create_superuser(self, username=None, email=None, password=None, **extra_fields):
        return super().create_superuser(username, email, password, **extra_fields)


class Gender(models.TextChoices):
    FEMALE = "female", _("female")
    MALE = "male", _("male")
    UNSTATED = "unstated", _("prefer not to say")


class User(AbstractUser):
    email = models.EmailField(_("e-mail address"), unique=True)
    # AbstractUser's, declared again so their labels come from this project's catalogue:
    # Django's Kyrgyz one has "last name" as the father's name.
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    display_name = models.CharField(
        _("public name"),
        max_length=120,
        blank=True,
        help_text=_("Shown on public pages instead of your e-mail address."),
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, blank=True
    )

    # Self-stated, optional: only counted, in annual reports, as shares among those who stated
    # them and only from ten people on; never shown on a person's page.
    gender = models.CharField(
        _("gender"), max_length=16, choices=Gender.choices, blank=True, default=""
    )
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )

    objects = PortalUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.public_name

    @property
    def public_name(self) -> str:
        """The name shown on public pages; never the e-mail address."""
        if self.email.endswith("@erased.invalid"):  # deleted by its owner (accounts.privacy)
            return _("former member")
        full = f"{self.first_name} {self.last_name}".strip()
        return self.display_name or full or _("Member #%(id)s") % {"id": self.pk}


class NotificationCategory(models.TextChoices):
    """What a notification is about; members choose an e-mail frequency per category."""

    REGISTRATION = "registration", _("Forum registration and acknowledgements")
    MEMBERSHIP = "membership", _("Membership: join requests, approvals and terms")
    DECISION = "decision", _("Decisions: votes opened and closed")
    PROPOSAL = "proposal", _("Proposals: escalation and responses")
    MEETING = "meeting", _("Meetings")
    PROBLEM = "problem", _("Security problems (SARA) and the library of practice")
    ASSESSMENT = "assessment", _("Assessments of police units and citizen polls")
    REPORT = "report", _("Strategic plans and annual reports")


class NotificationFrequency(models.TextChoices):
    IMMEDIATE = "immediate", _("E-mail at once")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")
    OFF = "off", _("No e-mail, on the site only")


class Notification(models.Model):
    """An in-app notification; its e-mail copy goes through the outbox, at once or in a digest."""

    Category = NotificationCategory

    class EmailState(models.TextChoices):
        NONE = "none", _("no e-mail wanted")
        QUEUED = "queued", _("queued")
        DIGEST = "digest", _("waiting for a digest")
        DIGESTED = "digested", _("included in a digest")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    verb = models.CharField(_("event"), max_length=64)
    # Blank for verbs outside the known categories: those are always e-mailed at once.
    category = models.CharField(
        _("category"), max_length=16, choices=NotificationCategory.choices, blank=True, default=""
    )
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    email_state = models.CharField(
        _("e-mail"), max_length=16, choices=EmailState.choices, default=EmailState.NONE
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_unread"),
            # The inbox pages by keyset on this order (accounts.views.notifications).
            models.Index(fields=["user", "-created_at", "-id"], name="notification_inbox"),
            # The digest runs scan only the rows still waiting; the partial index stays small.
            models.Index(
                fields=["user", "category"],
                condition=models.Q(email_state="digest"),
                name="notification_digest",
            ),
        ]

    def __str__(self):
        return self.title


class OutboxMessage(models.Model):
    """A side effect written in the same transaction as its cause, relayed later by Celery.

    A failed send is retried with growing delays (accounts.services.OUTBOX_RETRY_DELAYS); a row
    is FAILED, a dead letter shown in the admin, only once every retry has failed.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=32, default="email")
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("text"))
    # The HTML alternative of the plain-text body, when the e-mail has one (allauth's do).
    html_body = models.TextField(_("HTML body"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["created_at"]
        # The relay takes the pending rows whose next attempt has come, the earliest first.
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self):
        return f"{self.kind} to {self.to}: {self.subject}"


class NotificationPreference(models.Model):
    """How often a user wants e-mail for one category; no row means immediately."""

    Category = NotificationCategory
    Frequency = NotificationFrequency

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    category = models.CharField(_("category"), max_length=16, choices=NotificationCategory.choices)
    frequency = models.CharField(
        _("e-mail"),
        max_length=16,
        choices=NotificationFrequency.choices,
        default=NotificationFrequency.IMMEDIATE,
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "category"], name="notification_preference_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(category__in=NotificationCategory.values)
                & models.Q(frequency__in=NotificationFrequency.values),
                name="notification_preference_valid",
            ),
        ]

    def __str__(self):
        return f"{self.user_id} {self.category}: {self.frequency}"
