from django.contrib import admin

from forums.models import (
    Comment,
    Escalation,
    Meeting,
    PoliceResponse,
    Proposal,
    ProposalEvent,
    ResponseTemplate,
)
from platforms.admin import ReadOnlyAdmin


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    """Proposals move only through their services; the admin reads them."""

    list_display = ("pk", "title", "state", "category", "platform", "police_unit", "submitted_at")
    list_filter = ("state", "category")
    list_select_related = ("platform", "police_unit")
    search_fields = ("title",)


@admin.register(ProposalEvent)
class ProposalEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "proposal", "kind", "old_state", "new_state", "platform", "actor_role")
    list_filter = ("kind",)
    list_select_related = ("proposal", "platform")


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin):
    list_display = ("proposal", "from_platform", "to_platform", "status", "year", "sequence")
    list_select_related = ("proposal", "from_platform", "to_platform")


@admin.register(PoliceResponse)
class PoliceResponseAdmin(ReadOnlyAdmin):
    list_display = ("proposal", "unit", "status", "published_at")
    list_select_related = ("proposal", "unit")


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(admin.ModelAdmin):
    list_display = ("title", "unit", "status")
    list_select_related = ("unit",)
    raw_id_fields = ("unit",)


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ("title", "platform", "kind", "starts_at", "minutes_published_at")
    list_select_related = ("platform",)


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ("proposal", "author", "created_at", "hidden_at")
    list_select_related = ("proposal", "author")
