"""The admin changes roles, posts and statuses only through the services.

Memberships and liaison posts are added through membership_grant / liaison_assign and ended by
actions that call membership_end / liaison_end; a platform is closed or reopened by actions;
their role and status fields are read-only. guardian's object-permission pages are not
installed: its tables are a cache that platforms.roles alone writes.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources
from import_export.admin import ImportExportModelAdmin
from import_export.widgets import ForeignKeyWidget

from accounts.exports import safe_cell
from platforms import decisions, services
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

    def export_field(self, field, instance, **kwargs):
        # import-export only strips a leading "=": +, - and @ start formulas too (CSV injection)
        return safe_cell(super().export_field(field, instance, **kwargs))


@admin.register(Territory)
class TerritoryAdmin(TreeMoveAdminMixin, ImportExportModelAdmin):
    resource_classes = [TerritoryResource]
    list_display = ("code", "name_en", "name_ru", "name_ky", "kind", "parent")
    list_filter = ("kind",)
    list_select_related = ("parent",)
    search_fields = ("code", "name_en", "name_ru", "name_ky", "name_uz")
    raw_id_fields = ("parent",)


def _each(modeladmin, request, queryset, service, done_message):
    """Run a service per selected row; report what it refused instead of failing the batch."""
    done = 0
    for obj in queryset:
        try:
            service(obj)
            done += 1
        except (ValidationError, PermissionDenied) as exc:
            text = " ".join(getattr(exc, "messages", [str(exc)]))
            modeladmin.message_user(request, f"{obj}: {text}", messages.ERROR)
    if done:
        modeladmin.message_user(request, done_message % {"n": done}, messages.SUCCESS)


class MembershipInline(admin.TabularInline):
    """Shown on the platform, never edited there: memberships change through their services."""

    model = Membership
    fk_name = "platform"
    extra = 0
    fields = ("user", "party", "role", "status", "term_start", "term_end", "delegated_from")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Platform)
class PlatformAdmin(TreeMoveAdminMixin, LcpcImportAdminMixin, admin.ModelAdmin):
    list_display = ("name", "level", "kind", "status", "territory", "parent")
    list_filter = ("level", "kind", "status")
    list_select_related = ("territory", "parent")
    search_fields = ("name", "slug")
    raw_id_fields = ("parent", "territory", "created_by")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]
    actions = ["close_platforms", "reopen_platforms"]

    def get_readonly_fields(self, request, obj=None):
        # the status moves only by the registration services and the actions below
        return ("status",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            services.event_record(
                platform=obj, kind=PlatformEvent.Kind.CREATED, actor=request.user, new=obj.status
            )

    @admin.action(description=_("Close the selected platforms"))
    def close_platforms(self, request, queryset):
        _each(
            self,
            request,
            queryset,
            lambda p: services.platform_close(platform=p, actor=request.user, reason="admin"),
            _("%(n)d platforms closed."),
        )

    @admin.action(description=_("Reopen the selected platforms"))
    def reopen_platforms(self, request, queryset):
        _each(
            self,
            request,
            queryset,
            lambda p: services.platform_reopen(platform=p, actor=request.user, reason="admin"),
            _("%(n)d platforms reopened."),
        )


class MembershipAddForm(forms.ModelForm):
    """The grant's own refusals as form errors, before the service runs."""

    class Meta:
        model = Membership
        fields = (
            "user",
            "platform",
            "party",
            "role",
            "term_start",
            "term_end",
            "delegated_from",
            "organisation",
        )

    def clean(self):
        data = super().clean()
        open_statuses = [Membership.Status.REQUESTED, Membership.Status.ACTIVE]
        if (
            data.get("user")
            and data.get("platform")
            and Membership.objects.filter(
                user=data["user"],
                platform=data["platform"],
                role=data.get("role"),
                status__in=open_statuses,
            ).exists()
        ):
            raise ValidationError(_("This person already holds this role on this platform."))
        return data


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Added through membership_grant, ended through membership_end; never edited by hand."""

    list_display = ("user", "platform", "party", "role", "status", "term_start", "term_end")
    list_filter = ("party", "role", "status")
    list_select_related = ("user", "platform")
    search_fields = ("user__email", "user__display_name", "platform__name")
    raw_id_fields = ("user", "platform", "delegated_from")
    form = MembershipAddForm
    fields = (
        "user",
        "platform",
        "party",
        "role",
        "term_start",
        "term_end",
        "delegated_from",
        "organisation",
    )
    actions = ["end_memberships"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # ended, never deleted: the history points at it

    def save_model(self, request, obj, form, change):
        """A new membership is granted by the service: event, grants, the same checks."""
        granted = services.membership_grant(
            platform=obj.platform,
            user=obj.user,
            party=obj.party,
            role=obj.role,
            term_start=obj.term_start,
            term_end=obj.term_end,
            delegated_from=obj.delegated_from,
            organisation=obj.organisation,
            actor=request.user,
        )
        obj.pk, obj.status = granted.pk, granted.status
        obj._state.adding = False

    @admin.action(description=_("End the selected memberships"))
    def end_memberships(self, request, queryset):
        _each(
            self,
            request,
            queryset,
            lambda m: services.membership_end(membership=m, actor=request.user, reason="admin"),
            _("%(n)d memberships ended."),
        )


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
    list_display = ("at", "platform", "unit", "kind", "old", "new", "actor")
    list_filter = ("kind",)
    list_select_related = ("platform", "unit", "actor")


@admin.register(ThematicGroup)
class ThematicGroupAdmin(admin.ModelAdmin):
    """Name and description here; members join and coordinators are named on the portal."""

    list_display = ("name", "platform", "coordinator")
    list_select_related = ("platform", "coordinator")
    raw_id_fields = ("platform",)
    fields = ("platform", "name", "description", "coordinator")
    readonly_fields = ("coordinator",)


class LiaisonInline(admin.TabularInline):
    """Shown on the unit, never edited there: posts change through liaison_assign/_end."""

    model = LiaisonOfficer
    extra = 0
    fields = ("user", "position", "active", "since")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PoliceUnit)
class PoliceUnitAdmin(TreeMoveAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "territory", "parent")
    list_filter = ("kind",)
    list_select_related = ("territory", "parent")
    search_fields = ("name",)
    raw_id_fields = ("parent", "territory")
    inlines = [LiaisonInline]


@admin.register(LiaisonOfficer)
class LiaisonOfficerAdmin(admin.ModelAdmin):
    """Posted through liaison_assign, ended through liaison_end; never edited by hand."""

    list_display = ("user", "unit", "position", "active", "since")
    list_filter = ("position", "active")
    list_select_related = ("user", "unit")
    raw_id_fields = ("user", "unit")
    fields = ("user", "unit", "position")
    actions = ["end_posts"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # ended, never deleted: the history points at it

    def save_model(self, request, obj, form, change):
        post = services.liaison_assign(
            user=obj.user, unit=obj.unit, position=obj.position, actor=request.user
        )
        obj.pk, obj.active, obj.since = post.pk, post.active, post.since
        obj._state.adding = False

    @admin.action(description=_("End the selected posts"))
    def end_posts(self, request, queryset):
        _each(
            self,
            request,
            queryset,
            lambda post: services.liaison_end(post=post, actor=request.user),
            _("%(n)d posts ended."),
        )


@admin.register(DecisionRule)
class DecisionRuleAdmin(admin.ModelAdmin):
    """Saved through the same service as the platform's rules page: checked, and recorded in the
    platform's history. A rule is changed, never deleted (the decisions taken under it name it)."""

    list_display = ("platform", "matter", "kind", "quorum_percent", "threshold_percent")
    list_filter = ("matter", "kind")
    list_select_related = ("platform",)
    raw_id_fields = ("platform",)

    def get_readonly_fields(self, request, obj=None):
        return ("platform", "matter") if obj else ()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        rule = decisions.decision_rule_set(
            platform=obj.platform,
            actor=request.user,
            matter=obj.matter,
            kind=obj.kind,
            quorum_percent=obj.quorum_percent,
            threshold_percent=obj.threshold_percent,
        )
        obj.pk = rule.pk
        obj._state.adding = False


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
    list_display = ("name", "platform", "committee", "is_head", "source", "invitation")
    list_filter = ("source", "committee", "invitation")
    list_select_related = ("platform", "committee")
    raw_id_fields = ("platform",)
    search_fields = ("name", "platform__name")
    # the account and the answer are set only by the invited person accepting or declining
    readonly_fields = ("user", "invitation", "party", "answered_at")


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    """The committees an LCPC import accepts, with their names in each language."""

    list_display = ("name_en", "name_ru", "name_ky", "name_uz", "code")
    search_fields = ("code", "name_en", "name_ru", "name_ky", "name_uz", "aliases")
