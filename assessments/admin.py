"""System administrators keep the frameworks; rounds and answers are read-only here.

A framework already used by a round is frozen: a change is a new version.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from assessments.models import (
    Criterion,
    Framework,
    ProfileFigure,
    Recommendation,
    Round,
    RoundEvent,
    Subject,
)


class CriterionInline(admin.StackedInline):
    model = Criterion
    extra = 0
    fields = (
        ("position", "code", "track", "weight", "graded"),
        "question",
        "guidance",
        "evidence_expected",
        # the same texts in the other languages (empty: the page shows the English text)
        ("question_ru", "question_ky", "question_uz"),
        ("guidance_ru", "guidance_ky", "guidance_uz"),
        ("evidence_expected_ru", "evidence_expected_ky", "evidence_expected_uz"),
    )

    def _frozen(self, obj):
        return obj is not None and obj.rounds.exists()

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._frozen(obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not self._frozen(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._frozen(obj)


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ("title", "target_kind", "version", "published_on")
    list_filter = ("target_kind",)
    inlines = [CriterionInline]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.rounds.exists():
            return (
                "target_kind",
                "version",
                "title",
                "title_ru",
                "title_ky",
                "title_uz",
                "description",
                "published_on",
            )
        return ()

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (
            obj is not None and obj.rounds.exists()
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    """Writes go through the services (and the pages); the admin only reads."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SubjectInline(admin.TabularInline):
    model = Subject
    extra = 0
    fields = ("unit", "officer", "overall", "overall_external", "overall_internal", "reply_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Round)
class RoundAdmin(ReadOnlyAdmin):
    list_display = ("title", "platform", "framework", "state", "period_end", "published_at")
    list_filter = ("state", "framework__target_kind")
    search_fields = ("title", "platform__name")
    inlines = [SubjectInline]


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnlyAdmin):
    list_display = ("text", "kind", "status", "due", "subject")
    list_filter = ("status", "kind")


@admin.register(ProfileFigure)
class ProfileFigureAdmin(ReadOnlyAdmin):
    list_display = ("unit", "kind", "label", "value", "measure", "source", "as_of", "withdrawn")
    list_filter = ("kind", "withdrawn")
    search_fields = ("unit__name", "label")


@admin.register(RoundEvent)
class RoundEventAdmin(ReadOnlyAdmin):
    list_display = ("round", "action", "old", "new", "actor", "at")
    verbose_name = _("round event")
