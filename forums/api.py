"""Open data: public proposals with their answers and timeline, and meetings; read-only.

Protected authors are never named; drafts and proposals awaiting screening are never listed.
"""

from django.db.models import Prefetch
from django_filters import rest_framework as filters
from rest_framework import serializers, viewsets

from forums.models import Meeting, PoliceResponse, Proposal, ProposalEvent
from forums.selectors import search
from platforms.models import PoliceUnit, Territory


class ResponseSerializer(serializers.ModelSerializer):
    class Meta:
        model = PoliceResponse
        fields = ["responder", "unit", "status", "text", "referral", "next_due", "published_at"]


class EventSerializer(serializers.ModelSerializer):
    platform = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = ProposalEvent
        fields = ["kind", "old_state", "new_state", "platform", "actor_role", "at"]


class ProposalSerializer(serializers.ModelSerializer):
    platform = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    origin = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    lsg_territory = serializers.SlugRelatedField(slug_field="code", read_only=True)
    author = serializers.SerializerMethodField()
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)
    answered_late = serializers.BooleanField(read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = [
            "id",
            "title",
            "body",
            "category",
            "state",
            "place",
            "origin",
            "platform",
            "police_unit",
            "lsg_territory",
            "author",
            "submitted_at",
            "response_due",
            "police_answered_at",
            "lsg_answered_at",
            "overdue",
            "answered_late",
            "url",
        ]

    def get_author(self, obj) -> str:
        """The public name, or "" for a protected or anonymous author."""
        if obj.protect_author:
            return ""
        if obj.author_id:
            return obj.author.public_name
        return obj.on_behalf_of

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()


class ProposalDetailSerializer(ProposalSerializer):
    responses = ResponseSerializer(many=True, read_only=True, source="published")
    timeline = EventSerializer(many=True, read_only=True, source="events")

    class Meta(ProposalSerializer.Meta):
        fields = [*ProposalSerializer.Meta.fields, "responses", "timeline"]


class ProposalFilter(filters.FilterSet):
    q = filters.CharFilter(method="text", label="words (Russian stemming, Kyrgyz prefixes)")
    platform = filters.CharFilter(method="at_platform", label="platform slug (raised or now at)")
    territory = filters.CharFilter(method="within", label="territory code of the raising forum")
    police_unit = filters.NumberFilter(method="unit_subtree", label="police unit id (and below)")
    submitted_after = filters.IsoDateTimeFilter(field_name="submitted_at", lookup_expr="gte")
    submitted_before = filters.IsoDateTimeFilter(field_name="submitted_at", lookup_expr="lte")

    class Meta:
        model = Proposal
        fields = ["state", "category"]

    def text(self, qs, name, value):
        return search(qs, value)

    def at_platform(self, qs, name, value):
        return qs.filter(platform__slug=value) | qs.filter(origin__slug=value)

    def within(self, qs, name, value):
        territory = Territory.objects.filter(code=value).first()
        return (
            qs.filter(origin__territory__path__startswith=territory.path)
            if territory
            else qs.none()
        )

    def unit_subtree(self, qs, name, value):
        unit = PoliceUnit.objects.filter(pk=value).first()
        return qs.filter(police_unit__path__startswith=unit.path) if unit else qs.none()


class ProposalViewSet(viewsets.ReadOnlyModelViewSet):
    """Public proposals: what was raised where, who it is addressed to, and what happened."""

    serializer_class = ProposalSerializer
    filterset_class = ProposalFilter
    ordering = "-pk"

    def get_queryset(self):
        qs = Proposal.objects.public().select_related(
            "platform", "origin", "lsg_territory", "author"
        )
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                Prefetch(
                    "responses",
                    queryset=PoliceResponse.objects.filter(published_at__isnull=False).order_by(
                        "published_at", "pk"
                    ),
                    to_attr="published",
                ),
                Prefetch("events", queryset=ProposalEvent.objects.select_related("platform")),
            )
        return qs.order_by("-pk")

    def get_serializer_class(self):
        return ProposalDetailSerializer if self.action == "retrieve" else ProposalSerializer


class MeetingSerializer(serializers.ModelSerializer):
    platform = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    minutes = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = ["id", "platform", "kind", "title", "starts_at", "location", "status", "minutes"]

    def get_minutes(self, obj) -> str:
        """Published minutes only."""
        return obj.minutes if obj.minutes_published_at else ""


class MeetingViewSet(viewsets.ReadOnlyModelViewSet):
    """Meetings of the platforms, with their minutes once published."""

    queryset = Meeting.objects.select_related("platform").order_by("-pk")
    serializer_class = MeetingSerializer
    filterset_fields = ["kind", "status"]
    ordering = "-pk"
