"""Open data: public proposals with their answers and timeline, police and local
self-government answers, meetings and SARA problem records; read-only.

Protected authors are never named; drafts and proposals awaiting screening are never listed;
answers appear once published; minutes once published; nothing of a draft platform.
"""

from django.db.models import Prefetch
from django_filters import rest_framework as filters
from rest_framework import serializers

from accounts.api import DateTimeFilter, IdFilter, OpenDataViewSet
from forums.models import Meeting, PoliceResponse, Problem, Proposal, ProposalEvent
from forums.selectors import search
from platforms.api import territory_subtree, unit_subtree
from platforms.models import Platform


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
    lsg_territory = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
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
    level = filters.ChoiceFilter(
        field_name="platform__level", choices=Platform.Level.choices, label="level it is now at"
    )
    police_unit = IdFilter(method="units_below", label="police unit id (and below)")
    submitted_after = DateTimeFilter(field_name="submitted_at", lookup_expr="gte")
    submitted_before = DateTimeFilter(field_name="submitted_at", lookup_expr="lte")
    state = filters.ChoiceFilter(
        choices=[c for c in Proposal.State.choices if c[0] not in Proposal.PRIVATE_STATES]
    )

    class Meta:
        model = Proposal
        fields = ["state", "category"]

    def text(self, qs, name, value):
        return search(qs, value)

    def at_platform(self, qs, name, value):
        return qs.filter(platform__slug=value) | qs.filter(origin__slug=value)

    def within(self, qs, name, value):
        return territory_subtree(qs, "origin__territory", value)

    def units_below(self, qs, name, value):
        return unit_subtree(qs, "police_unit", value)


class ProposalViewSet(OpenDataViewSet):
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


class PoliceResponseSerializer(serializers.ModelSerializer):
    proposal_title = serializers.CharField(source="proposal.title", read_only=True)
    platform = serializers.SlugRelatedField(
        source="proposal.platform", slug_field="slug", read_only=True
    )

    class Meta:
        model = PoliceResponse
        fields = [
            "id",
            "proposal",
            "proposal_title",
            "platform",
            "responder",
            "unit",
            "status",
            "text",
            "referral",
            "next_due",
            "published_at",
        ]


class PoliceResponseFilter(filters.FilterSet):
    territory = filters.CharFilter(method="within", label="territory code of the raising forum")
    level = filters.ChoiceFilter(
        field_name="proposal__platform__level", choices=Platform.Level.choices
    )
    police_unit = IdFilter(method="units_below", label="police unit id (and below)")
    proposal = IdFilter(field_name="proposal_id")
    category = filters.ChoiceFilter(
        field_name="proposal__category", choices=Proposal._meta.get_field("category").choices
    )
    published_after = DateTimeFilter(field_name="published_at", lookup_expr="gte")
    published_before = DateTimeFilter(field_name="published_at", lookup_expr="lte")

    class Meta:
        model = PoliceResponse
        fields = ["proposal", "responder", "status"]

    def within(self, qs, name, value):
        return territory_subtree(qs, "proposal__origin__territory", value)

    def units_below(self, qs, name, value):
        return unit_subtree(qs, "unit", value)


class PoliceResponseViewSet(OpenDataViewSet):
    """Published answers of police units and local self-government to public proposals."""

    serializer_class = PoliceResponseSerializer
    filterset_class = PoliceResponseFilter
    ordering = "-pk"

    def get_queryset(self):
        return (
            PoliceResponse.objects.filter(published_at__isnull=False)
            .exclude(proposal__state__in=Proposal.PRIVATE_STATES)
            .select_related("proposal__platform")
            .order_by("-pk")
        )


class MeetingSerializer(serializers.ModelSerializer):
    platform = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    minutes = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "platform",
            "kind",
            "title",
            "starts_at",
            "location",
            "status",
            "minutes",
            "url",
        ]

    def get_minutes(self, obj) -> str:
        """Published minutes only."""
        return obj.minutes if obj.minutes_published_at else ""

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()


class MeetingFilter(filters.FilterSet):
    platform = filters.CharFilter(field_name="platform__slug")
    territory = filters.CharFilter(method="within", label="territory code (and below)")
    level = filters.ChoiceFilter(field_name="platform__level", choices=Platform.Level.choices)
    starts_after = DateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = DateTimeFilter(field_name="starts_at", lookup_expr="lte")

    class Meta:
        model = Meeting
        fields = ["kind", "status"]

    def within(self, qs, name, value):
        return territory_subtree(qs, "platform__territory", value)


class MeetingViewSet(OpenDataViewSet):
    """Meetings of the public platforms, with their minutes once published."""

    queryset = (
        Meeting.objects.filter(platform__status__in=Platform.PUBLIC_STATUSES)
        .select_related("platform")
        .order_by("-pk")
    )
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    ordering = "-pk"


class ProblemSerializer(serializers.ModelSerializer):
    platform = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    territory = serializers.SlugRelatedField(slug_field="code", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Problem
        fields = [
            "id",
            "platform",
            "stage",
            "title",
            "problem_type",
            "category",
            "territory",
            "place",
            "lat",
            "lon",
            "period",
            "noticed_via",
            "harm",
            "chosen_response",
            "objectives",
            "goals_met",
            "lessons",
            "created_at",
            "closed_at",
            "url",
        ]

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()


class ProblemFilter(filters.FilterSet):
    platform = filters.CharFilter(field_name="platform__slug")
    territory = filters.CharFilter(method="within", label="territory code (and below)")
    level = filters.ChoiceFilter(field_name="platform__level", choices=Platform.Level.choices)
    created_after = DateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = DateTimeFilter(field_name="created_at", lookup_expr="lte")

    class Meta:
        model = Problem
        fields = ["stage", "category", "problem_type"]

    def within(self, qs, name, value):
        return territory_subtree(qs, "territory", value)


class ProblemViewSet(OpenDataViewSet):
    """SARA problem records of the public platforms (they hold no personal data)."""

    queryset = (
        Problem.objects.filter(platform__status__in=Platform.PUBLIC_STATUSES)
        .select_related("platform", "territory")
        .order_by("-pk")
    )
    serializer_class = ProblemSerializer
    filterset_class = ProblemFilter
    ordering = "-pk"
