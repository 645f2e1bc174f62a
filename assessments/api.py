"""Open data: published assessment results (scorecards) and police unit profiles; read-only.

Only rounds in the published stage appear: a draft, a round in scoring or awaiting the unit's
reply, individual members' grades and poll answers never do (a result carries the moderated
grades and aggregates only).
"""

from django.db.models import Exists, OuterRef, Prefetch, Q
from django_filters import rest_framework as filters
from rest_framework import serializers

from accounts.api import IdFilter, OpenDataViewSet
from assessments.models import (
    Finding,
    Moderation,
    ProfileFigure,
    Recommendation,
    Round,
    Subject,
    TargetKind,
)
from platforms.api import PoliceUnitFilter, territory_subtree
from platforms.models import Platform, PoliceUnit


def _published_subjects():
    return Subject.objects.filter(round__state=Round.State.PUBLISHED)


class ResultSerializer(serializers.ModelSerializer):
    round = serializers.IntegerField(source="round_id", read_only=True)
    round_title = serializers.CharField(source="round.title", read_only=True)
    platform = serializers.SlugRelatedField(
        source="round.platform", slug_field="slug", read_only=True
    )
    target_kind = serializers.CharField(source="round.framework.target_kind", read_only=True)
    period_start = serializers.DateField(source="round.period_start", read_only=True)
    period_end = serializers.DateField(source="round.period_end", read_only=True)
    published_at = serializers.DateTimeField(source="round.published_at", read_only=True)
    inspector = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Subject
        fields = [
            "id",
            "round",
            "round_title",
            "platform",
            "target_kind",
            "period_start",
            "period_end",
            "published_at",
            "unit",
            "inspector",
            "overall",
            "overall_external",
            "overall_internal",
            "reply",
            "url",
        ]

    def get_inspector(self, obj) -> str:
        """The public name of the assessed inspector, "" when the unit itself is assessed."""
        return obj.officer.user.public_name if obj.officer_id else ""

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()


class ModerationSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="criterion.code", read_only=True)
    question = serializers.CharField(source="criterion.question", read_only=True)
    track = serializers.CharField(source="criterion.track", read_only=True)
    weight = serializers.IntegerField(source="criterion.weight", read_only=True)

    class Meta:
        model = Moderation
        fields = ["code", "question", "track", "weight", "grade", "narrative", "source", "raters"]


class FindingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Finding
        fields = ["kind", "text"]


class RecommendationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Recommendation
        fields = ["kind", "text", "addressee", "due", "status", "response"]


class ResultDetailSerializer(ResultSerializer):
    criteria = ModerationSerializer(many=True, read_only=True, source="moderations")
    findings = FindingSerializer(many=True, read_only=True)
    recommendations = RecommendationSerializer(many=True, read_only=True)

    class Meta(ResultSerializer.Meta):
        fields = [*ResultSerializer.Meta.fields, "criteria", "findings", "recommendations"]


class ResultFilter(filters.FilterSet):
    platform = filters.CharFilter(field_name="round__platform__slug")
    territory = filters.CharFilter(method="within", label="territory code of the unit (and below)")
    target_kind = filters.ChoiceFilter(
        field_name="round__framework__target_kind", choices=TargetKind.choices
    )
    level = filters.ChoiceFilter(
        field_name="round__platform__level", choices=Platform.Level.choices
    )
    period_after = filters.DateFilter(field_name="round__period_end", lookup_expr="gte")
    period_before = filters.DateFilter(field_name="round__period_end", lookup_expr="lte")
    unit = IdFilter(field_name="unit_id")
    round = IdFilter(field_name="round_id")

    class Meta:
        model = Subject
        fields = ["unit", "round", "overall"]

    def within(self, qs, name, value):
        return territory_subtree(qs, "unit__territory", value)


class AssessmentResultViewSet(OpenDataViewSet):
    """Published results of assessed units and inspectors: the scorecards' grades."""

    filterset_class = ResultFilter
    ordering = "-pk"

    def get_queryset(self):
        qs = _published_subjects().select_related(
            "round__platform", "round__framework", "officer__user"
        )
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                Prefetch(
                    "moderations",
                    queryset=Moderation.objects.select_related("criterion").order_by(
                        "criterion__position", "pk"
                    ),
                ),
                "findings",
                "recommendations",
            )
        return qs.order_by("-pk")

    def get_serializer_class(self):
        return ResultDetailSerializer if self.action == "retrieve" else ResultSerializer


class FigureSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProfileFigure
        fields = ["kind", "label", "value", "measure", "text", "source", "as_of"]


class UnitResultSerializer(serializers.ModelSerializer):
    round = serializers.IntegerField(source="round_id", read_only=True)
    period_end = serializers.DateField(source="round.period_end", read_only=True)

    class Meta:
        model = Subject
        fields = ["id", "round", "period_end", "overall", "overall_external", "overall_internal"]


class UnitProfileSerializer(serializers.ModelSerializer):
    territory = serializers.SlugRelatedField(slug_field="code", read_only=True)
    figures = FigureSerializer(many=True, read_only=True, source="current_figures")
    results = UnitResultSerializer(many=True, read_only=True, source="published_results")

    class Meta:
        model = PoliceUnit
        fields = ["id", "name", "kind", "parent", "territory", "figures", "results"]


def current_figures():
    """The latest row of each figure (kind, label), withdrawn ones left out."""
    newer = ProfileFigure.objects.filter(
        unit=OuterRef("unit"), kind=OuterRef("kind"), label=OuterRef("label")
    ).filter(
        Q(entered_at__gt=OuterRef("entered_at"))
        | Q(entered_at=OuterRef("entered_at"), pk__gt=OuterRef("pk"))
    )
    return (
        ProfileFigure.objects.filter(withdrawn=False)
        .filter(~Exists(newer))
        .order_by("kind", "label")
    )


class UnitProfileViewSet(OpenDataViewSet):
    """Each police unit's public profile: its current figures with their sources, and the
    results of published assessment rounds (three queries per page)."""

    serializer_class = UnitProfileSerializer
    filterset_class = PoliceUnitFilter  # the same filters as the units list
    ordering = "-pk"

    def get_queryset(self):
        return (
            PoliceUnit.objects.select_related("territory")
            .prefetch_related(
                Prefetch("profile_figures", queryset=current_figures(), to_attr="current_figures"),
                Prefetch(
                    "assessments",
                    queryset=_published_subjects()
                    .filter(officer__isnull=True)
                    .select_related("round")
                    .order_by("round__period_end", "pk"),
                    to_attr="published_results",
                ),
            )
            .order_by("-pk")
        )
