"""Open data: the structure (territories, platforms, police units), read-only, public only."""

from django_filters import rest_framework as filters
from rest_framework import serializers

from accounts.api import IdFilter, OpenDataViewSet
from platforms.models import Platform, PoliceUnit, Territory


def territory_subtree(qs, field: str, code: str):
    """Rows whose `field` (a territory) is the territory with this code or under it; the API
    filters of every app find "this territory and below" with it."""
    territory = Territory.objects.filter(code=code).first()
    if territory is None:
        return qs.none()
    return qs.filter(**{f"{field}__path__startswith": territory.path})


def unit_subtree(qs, field: str, pk: int):
    """Rows whose `field` (a police unit) is this unit or one below it."""
    unit = PoliceUnit.objects.filter(pk=pk).first()
    return qs.filter(**{f"{field}__path__startswith": unit.path}) if unit else qs.none()


class TerritorySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Territory
        fields = ["code", "parent", "kind", "name_en", "name_ru", "name_ky", "name_uz"]


class PlatformSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    territory = serializers.SlugRelatedField(slug_field="code", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Platform
        fields = [
            "slug",
            "name",
            "level",
            "kind",
            "status",
            "parent",
            "territory",
            "aims",
            "membership_criteria",
            "response_days",
            "activated_at",
            "url",
        ]

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()


class PoliceUnitSerializer(serializers.ModelSerializer):
    territory = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = PoliceUnit
        fields = ["id", "name", "kind", "parent", "territory"]


class TerritoryFilter(filters.FilterSet):
    parent = filters.CharFilter(field_name="parent__code")

    class Meta:
        model = Territory
        fields = ["kind", "parent"]


class PlatformFilter(filters.FilterSet):
    territory = filters.CharFilter(method="within", label="territory code (and below)")
    parent = filters.CharFilter(field_name="parent__slug")

    class Meta:
        model = Platform
        fields = ["level", "kind", "status", "parent"]

    def within(self, qs, name, value):
        return territory_subtree(qs, "territory", value)


class PoliceUnitFilter(filters.FilterSet):
    territory = filters.CharFilter(method="within", label="territory code (and below)")
    parent = IdFilter(field_name="parent_id")

    class Meta:
        model = PoliceUnit
        fields = ["kind", "parent"]

    def within(self, qs, name, value):
        return territory_subtree(qs, "territory", value)


class TerritoryViewSet(OpenDataViewSet):
    """The administrative tree of Kyrgyzstan, with names in four languages."""

    queryset = Territory.objects.select_related("parent").order_by("pk")
    serializer_class = TerritorySerializer
    filterset_class = TerritoryFilter
    lookup_field = "code"
    ordering = "pk"


class PlatformViewSet(OpenDataViewSet):
    """Active and closed platforms of the three levels (drafts are never listed)."""

    queryset = (
        Platform.objects.filter(status__in=Platform.PUBLIC_STATUSES)
        .select_related("parent", "territory")
        .order_by("pk")
    )
    serializer_class = PlatformSerializer
    filterset_class = PlatformFilter
    lookup_field = "slug"
    ordering = "pk"


class PoliceUnitViewSet(OpenDataViewSet):
    """The police units, from the ministry down to local departments."""

    queryset = PoliceUnit.objects.select_related("territory").order_by("pk")
    serializer_class = PoliceUnitSerializer
    filterset_class = PoliceUnitFilter
    ordering = "pk"
