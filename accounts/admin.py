from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import Notification, OutboxMessage, User
from accounts.services import outbox_retry


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("email", "display_name", "is_staff", "is_active", "date_joined")
    search_fields = ("email", "display_name", "first_name", "last_name")
    ordering = ("email",)
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Portal"), {"fields": ("display_name", "preferred_language")}),
    )


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "verb", "title", "created_at", "read_at")
    list_select_related = ("user",)
    list_filter = ("verb",)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """The outbox; filtered on "failed" it is the dead-letter list, with a retry action."""

    list_display = (
        "to",
        "subject",
        "status",
        "attempts",
        "next_attempt_at",
        "short_error",
        "created_at",
        "sent_at",
    )
    list_filter = ("status", "kind")
    search_fields = ("to", "subject")
    date_hierarchy = "created_at"
    actions = ["retry_now"]
    # Rows are written by services and the relay only; the admin reads them and retries.
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("last error"))
    def short_error(self, obj):
        return Truncator(obj.last_error).chars(120)

    @admin.action(description=_("Retry now (back to pending, every attempt restored)"))
    def retry_now(self, request, queryset):
        count = outbox_retry(ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("%(count)d e-mail queued again.", "%(count)d e-mails queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )
