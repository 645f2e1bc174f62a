"""Read-only admin: plans and reports change only through their services (the secretariat's pages)."""

from django.contrib import admin

from reporting.models import (
    AnnualReport,
    PlanAction,
    PlanEndorsement,
    ReportEvent,
    ReportFile,
    ReportVersion,
    StrategicPlan,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PlanActionInline(admin.TabularInline):
    model = PlanAction
    extra = 0
    fields = [
        "title",
        "responsible",
        "police_unit",
        "responsible_name",
        "deadline",
        "status",
        "progress",
    ]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class PlanEndorsementInline(admin.TabularInline):
    model = PlanEndorsement
    extra = 0
    fields = ["party", "unit", "user", "note", "at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(StrategicPlan)
class StrategicPlanAdmin(ReadOnlyAdmin):
    list_display = ["title", "platform", "year", "status", "adopted_at"]
    list_filter = ["status", "year", "platform__level"]
    search_fields = ["title", "platform__name"]
    list_select_related = ["platform"]
    inlines = [PlanActionInline, PlanEndorsementInline]


class ReportVersionInline(admin.TabularInline):
    model = ReportVersion
    extra = 0
    fields = ["number", "published_at", "published_by", "note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ReportEventInline(admin.TabularInline):
    model = ReportEvent
    extra = 0
    fields = ["at", "action", "old", "new", "actor", "note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AnnualReport)
class AnnualReportAdmin(ReadOnlyAdmin):
    list_display = ["platform", "year", "status", "job", "generated_at", "published_at"]
    list_filter = ["status", "year", "platform__level"]
    search_fields = ["platform__name"]
    list_select_related = ["platform"]
    exclude = ["figures"]
    inlines = [ReportVersionInline, ReportEventInline]


@admin.register(ReportFile)
class ReportFileAdmin(ReadOnlyAdmin):
    list_display = ["version", "language", "size", "created_at"]
    list_select_related = ["version__report__platform"]
