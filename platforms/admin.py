from django.contrib import admin
from guardian.admin import GuardedModelAdmin
from import_export import fields, resources
from import_export.admin import ImportExportModelAdmin
from import_export.widgets import ForeignKeyWidget

from platforms.admin_imports import LcpcImportAdminMixin
from platforms.models import (
    Committee,
    Decision,
    DecisionRule,
    ForumAcknowledgement,
    LiaisonOfficer,
    Membership,
    Platform,
    PlatformContact,
    PlatformEvent,
    PoliceUnit,
    Territory,
    ThematicGroup,
)
from platforms.trees import TreeMoveAdminMixin


class TerritoryResource(resources.ModelResource):
    """Territories by code; the parent is named by its code so the tree can grow by import."""

    parent = fields.Field(
        attribute="parent", column_name="parent_code", widget=ForeignKeyWidget(Territory, "code")
    )

    class Meta:
        model = Territory
        import_id_fields = ["code"]
        fields = ("code", "parent", "kind", "name_en", "name_ru", "name_ky", "name_uz")
        skip_unchanged = True
        use_transactions = True


@admin.register(Territory)
class TerritoryAdmin(TreeMoveAdminMixin, ImportExportModelAdmin):
    resource_classes = [TerritoryResource]
    list_display = ("code", "name_en", "name_ru", "name_ky", "kind", "parent")
    list_filter = ("kind",)
    list_select_related = ("parent",)
    search_fields = ("code", "name_en", "name_ru", "name_ky", "name_uz")
    raw_id_fields = ("parent",)


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "platform"
    extra = 0
    raw_id_fields = ("user", "delegated_from")
    readonly_fields = ("status", "role", "party")
    can_delete = False
    show_change_link = True


@admin.register(Platform)
class PlatformAdmin(TreeMoveAdminMixin, LcpcImportAdminMixin, GuardedModelAdmin):
    list_display = ("name", "level", "kind", "status", "territory", "parent")
    list_filter = ("level", "kind", "status")
    list_select_related = ("territory", "parent")
    search_fields = ("name", "slug")
    raw_id_fields = ("parent", "territory", "created_by")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Read-mostly: roles and permissions change only through the membership services."""

    list_display = ("user", "platform", "party", "role", "status", "term_start", "term_end")
    list_filter = ("party", "role", "status")
    list_select_related = ("user", "platform")
    search_fields = ("user__email", "user__display_name", "platform__name")
    raw_id_fields = ("user", "platform", "delegated_from")

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written only by services: visible to administrators, never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PlatformEvent)
class PlatformEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "platform", "kind", "old", "new", "actor")
    list_filter = ("kind",)
    list_select_related = ("platform", "actor")


@admin.register(ThematicGroup)
class ThematicGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "platform", "coordinator")
    list_select_related = ("platform", "coordinator")
    raw_id_fields = ("platform", "coordinator", "members")


class LiaisonInline(admin.TabularInline):
    model = LiaisonOfficer
    extra = 0
    raw_id_fields = ("user",)
    can_delete = False


@admin.register(PoliceUnit)
class PoliceUnitAdmin(TreeMoveAdminMixin, GuardedModelAdmin):
    list_display = ("name", "kind", "territory", "parent")
    list_filter = ("kind",)
    list_select_related = ("territory", "parent")
    search_fields = ("name",)
    raw_id_fields = ("parent", "territory")
    inlines = [LiaisonInline]


@admin.register(LiaisonOfficer)
class LiaisonOfficerAdmin(admin.ModelAdmin):
    list_display = ("user", "unit", "position", "active", "since")
    list_filter = ("position", "active")
    list_select_related = ("user", "unit")
    raw_id_fields = ("user", "unit")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DecisionRule)
class DecisionRuleAdmin(admin.ModelAdmin):
    list_display = ("platform", "matter", "kind", "quorum_percent", "threshold_percent")
    list_filter = ("matter", "kind")
    list_select_related = ("platform",)
    raw_id_fields = ("platform",)


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("title", "platform", "matter", "rule_kind", "status", "outcome", "opened_at")
    list_filter = ("matter", "rule_kind", "status", "outcome")
    list_select_related = ("platform",)


@admin.register(ForumAcknowledgement)
class ForumAcknowledgementAdmin(ReadOnlyAdmin):
    list_display = ("platform", "party", "answer", "user", "at")
    list_select_related = ("platform", "user")


@admin.register(PlatformContact)
class PlatformContactAdmin(admin.ModelAdmin):
    list_display = ("name", "platform", "committee", "is_head", "source")
    list_filter = ("source", "committee")
    list_select_related = ("platform", "committee")
    raw_id_fields = ("platform", "user")
    search_fields = ("name", "platform__name")


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    """The committees an LCPC import accepts, with their names in each language."""

    list_display = ("name_en", "name_ru", "name_ky", "name_uz", "code")
    search_fields = ("code", "name_en", "name_ru", "name_ky", "name_uz", "aliases")
