"""Open data: published annual reports (their frozen versions) and adopted strategic plans.

A report in draft or review never appears, and a published report shows only what its frozen
versions hold, never the narrative being edited for a correction.
"""

from django.db.models import OuterRef, Prefetch, Subquery
from django_filters import rest_framework as filters
from rest_framework import serializers

from accounts.api import IdFilter, OpenDataViewSet
from platforms.api import territory_subtree
from platforms.models import Platform
from reporting.models import AnnualReport, PlanAction, ReportVersion, StrategicPlan


class ReportSerializer(serializers.ModelSerializer):
    platform = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    level = serializers.CharField(source="platform.level", read_only=True)
    version = serializers.IntegerField(source="latest_number", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = AnnualReport
        fields = ["id", "platform", "level", "year", "status", "published_at", "version", "url"]

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()


class VersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportVersion
        fields = ["number", "published_at", "note"]


class ReportDetailSerializer(ReportSerializer):
    versions = VersionSerializer(many=True, read_only=True, source="published_versions")
    sections = serializers.SerializerMethodField()
    figures = serializers.SerializerMethodField()

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "versions", "sections", "figures"]

    def _latest(self, obj):
        return obj.published_versions[0] if obj.published_versions else None

    def get_sections(self, obj) -> dict:
        """The narrative of the latest published version, by section."""
        latest = self._latest(obj)
        return latest.sections if latest else {}

    def get_figures(self, obj) -> dict:
        """The frozen figures of the latest published version."""
        latest = self._latest(obj)
        return latest.figures if latest else {}


class ReportFilter(filters.FilterSet):
    platform = filters.CharFilter(field_name="platform__slug")
    territory = filters.CharFilter(method="within", label="territory code (and below)")
    level = filters.ChoiceFilter(field_name="platform__level", choices=Platform.Level.choices)
    year = IdFilter()
    year_from = IdFilter(field_name="year", lookup_expr="gte")
    year_to = IdFilter(field_name="year", lookup_expr="lte")
    status = filters.ChoiceFilter(
        choices=[c for c in AnnualReport.Status.choices if c[0] in AnnualReport.PUBLIC_STATUSES]
    )

    class Meta:
        model = AnnualReport
        fields = ["year", "status"]

    def within(self, qs, name, value):
        return territory_subtree(qs, "platform__territory", value)


class ReportViewSet(OpenDataViewSet):
    """Published annual reports; a report's detail carries its latest frozen version."""

    filterset_class = ReportFilter
    ordering = "-pk"

    def get_queryset(self):
        latest = ReportVersion.objects.filter(report=OuterRef("pk")).order_by("-number")
        qs = (
            AnnualReport.objects.filter(
                status__in=AnnualReport.PUBLIC_STATUSES,
                platform__status__in=Platform.PUBLIC_STATUSES,
            )
            .select_related("platform")
            .annotate(latest_number=Subquery(latest.values("number")[:1]))
        )
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                Prefetch(
                    "versions",
                    queryset=ReportVersion.objects.order_by("-number"),
                    to_attr="published_versions",
                )
            )
        return qs.order_by("-pk")

    def get_serializer_class(self):
        return ReportDetailSerializer if self.action == "retrieve" else ReportSerializer


class PlanActionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanAction
        fields = [
            "objective",
            "title",
            "responsible",
            "police_unit",
            "responsible_name",
            "deadline",
            "status",
            "progress",
        ]


class PlanSerializer(serializers.ModelSerializer):
    platform = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    objectives = serializers.ListField(
        source="objective_list", child=serializers.CharField(), read_only=True
    )
    actions = PlanActionSerializer(many=True, read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = StrategicPlan
        fields = ["id", "platform", "year", "title", "objectives", "adopted_at", "actions", "url"]

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()


class PlanFilter(filters.FilterSet):
    platform = filters.CharFilter(field_name="platform__slug")
    territory = filters.CharFilter(method="within", label="territory code (and below)")
    level = filters.ChoiceFilter(field_name="platform__level", choices=Platform.Level.choices)
    year = IdFilter()

    class Meta:
        model = StrategicPlan
        fields = ["year"]

    def within(self, qs, name, value):
        return territory_subtree(qs, "platform__territory", value)


class PlanViewSet(OpenDataViewSet):
    """Adopted strategic plans with their actions and progress (drafts and votes never)."""

    serializer_class = PlanSerializer
    filterset_class = PlanFilter
    ordering = "-pk"

    def get_queryset(self):
        return (
            StrategicPlan.objects.filter(
                status=StrategicPlan.Status.ADOPTED,
                platform__status__in=Platform.PUBLIC_STATUSES,
            )
            .select_related("platform")
            .prefetch_related(
                Prefetch(
                    "actions", queryset=PlanAction.objects.order_by("position", "deadline", "pk")
                )
            )
            .order_by("-pk")
        )
