from django import forms
from django.utils.translation import gettext_lazy as _

from platforms import selectors
from platforms.models import Matter, Membership, Party, Platform, RuleKind, Territory, Vote
from platforms.services import REQUESTABLE_PARTIES


class TerritoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


REGISTRATION_KINDS = frozenset(
    {
        Territory.Kind.AYIL_AIMAK,
        Territory.Kind.CITY_DISTRICT,
        Territory.Kind.TOWN,
        Territory.Kind.RAYON,
        Territory.Kind.CITY,
        Territory.Kind.CITY_REPUBLICAN,
    }
)


def grouped_territory_choices(query: str = ""):
    """Oblast -> rayon -> ayil aimak or town, in the reader's language, one group per oblast."""
    return [("", "---------")] + [
        (
            region.name,
            [(t.pk, f"{'— ' if depth else ''}{t.name}") for t, depth in rows],
        )
        for region, rows in selectors.territory_groups(kinds=REGISTRATION_KINDS, query=query)
    ]


class BasicsForm(forms.Form):
    """Name and territory; "Find" narrows the territory list by a search, without JavaScript."""

    FIND = "find"

    name = forms.CharField(label=_("Name of the forum"), max_length=200)
    territory_q = forms.CharField(
        label=_("Find your territory"),
        required=False,
        max_length=100,
        help_text=_("Type part of a village, ayil aimak or rayon name and press “Find”."),
    )
    territory = TerritoryChoiceField(
        label=_("Territory"),
        queryset=Territory.objects.all(),
        help_text=_("The ayil aimak, town or city district where the forum works."),
        error_messages={"invalid_choice": _("Choose a territory from the list.")},
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        query = (self.data.get("territory_q") or "").strip()[:100] if self.is_bound else ""
        self.finding = self.is_bound and self.FIND in self.data
        self.fields["territory"].queryset = selectors.registration_territories()
        self.fields["territory"].choices = grouped_territory_choices(query if self.finding else "")

    def clean(self):
        data = super().clean()
        if self.finding:
            # a search is not a submission: show the narrowed list to choose from
            found = len(self.fields["territory"].choices) > 1
            self.add_error(
                "territory",
                _("Choose your territory among the matches below.")
                if found
                else _("No territory matches this search: try another spelling."),
            )
        elif not data.get("territory") and "territory" not in self.errors:
            self.add_error("territory", forms.Field.default_error_messages["required"])
        return data


class AimsForm(forms.Form):
    aims = forms.CharField(label=_("Aims and objectives"), widget=forms.Textarea, max_length=5000)
    problems = forms.CharField(
        label=_("Security problems the forum means to address"),
        widget=forms.Textarea,
        max_length=5000,
        required=False,
    )
    membership_criteria = forms.CharField(
        label=_("Who can join (membership criteria)"),
        widget=forms.Textarea,
        max_length=3000,
        required=False,
    )


class InitiativeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_(
            "The person receives an invitation at this address and becomes a member only "
            "by accepting it."
        ),
    )


class InvitationForm(forms.Form):
    """Accept (with the party to join as) or decline an invitation to an initiative group."""

    answer = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("decline", _("Decline"))],
        widget=forms.HiddenInput,
        initial="accept",
    )
    party = forms.ChoiceField(label=_("You join as"), required=False, widget=forms.RadioSelect)

    def __init__(self, *args, parties: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = [(p, Party(p).label) for p in parties]
        self.fields["party"].initial = parties[0] if parties else None


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            ("acknowledged", _("Acknowledge")),
            ("commented", _("Comment")),
            ("returned", _("Return with reasons")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment or reasons"), widget=forms.Textarea, max_length=4000, required=False
    )


class JoinForm(forms.Form):
    party = forms.ChoiceField(
        label=_("You join as"), choices=[(p, Party(p).label) for p in REQUESTABLE_PARTIES]
    )
    organisation = forms.CharField(label=_("Organisation (if any)"), max_length=200, required=False)
    motivation = forms.CharField(
        label=_("Why you want to join"), widget=forms.Textarea, max_length=2000, required=False
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Reason for refusing"), max_length=2000)


class DirectoryForm(forms.Form):
    """The directory's filters; a value that does not validate is ignored, never looked up."""

    level = forms.ChoiceField(choices=Platform.Level.choices, required=False)
    # a CharField first: it refuses NUL bytes before any query sees the value
    territory = forms.CharField(max_length=64, required=False)
    q = forms.CharField(required=False)

    def clean_territory(self):
        code = self.cleaned_data["territory"]
        if not code:
            return None
        territory = Territory.objects.filter(code=code).first()
        if territory is None:
            raise forms.ValidationError(_("Choose a territory from the list."))
        return territory

    def clean_q(self):
        return self.cleaned_data["q"][:100]

    def filters(self) -> dict:
        """The valid filters only: level, territory and query."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "level": data.get("level") or "",
            "territory": data.get("territory"),
            "query": data.get("q") or "",
        }


class RequestDecisionForm(forms.Form):
    """Approve or refuse one pending join request of this platform."""

    membership = forms.ModelChoiceField(
        queryset=Membership.objects.none(),
        error_messages={
            "invalid_choice": _("This request does not exist or has already been decided.")
        },
    )
    action = forms.ChoiceField(choices=[("approve", _("Approve")), ("refuse", _("Refuse"))])
    reason = forms.CharField(label=_("Reason for refusing"), max_length=2000, required=False)

    def __init__(self, *args, platform: Platform, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = selectors.pending_requests(platform)

    def clean(self):
        data = super().clean()
        if data.get("action") == "refuse" and not data.get("reason"):
            self.add_error("reason", _("Give the reason for refusing."))
        return data


class TermForm(forms.Form):
    term_start = forms.DateField(
        label=_("Term start"), widget=forms.DateInput(attrs={"type": "date"})
    )
    term_end = forms.DateField(label=_("Term end"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if (
            data.get("term_start")
            and data.get("term_end")
            and data["term_end"] < data["term_start"]
        ):
            self.add_error("term_end", _("The term cannot end before it starts."))
        return data


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.user.public_name} ({obj.get_party_display()})"


def offer_members(field, platform: Platform, query: str, chosen=None) -> bool:
    """Offer the members matching `query` as radio buttons instead of a select of everyone.

    The field still accepts any current member of the platform (one query when it validates);
    only the choices rendered are bounded. Returns whether more people match.
    """
    found, more = selectors.member_search(platform, query, include=chosen)
    field.queryset = Membership.objects.current().filter(platform=platform).select_related("user")
    field.widget = forms.RadioSelect()
    field.widget.choices = [(m.pk, field.label_from_instance(m)) for m in found]
    return more


class MemberSearchForm(forms.Form):
    """A name to narrow the members a form offers; works without JavaScript (a GET form)."""

    member_q = forms.CharField(label=_("Find a member by name"), max_length=100, required=False)

    def query(self) -> str:
        return self.cleaned_data.get("member_q", "") if self.is_valid() else ""


class DelegateForm(TermForm):
    member = MemberChoiceField(label=_("Member"), queryset=Membership.objects.none())
    member_search_limit = selectors.MEMBER_SEARCH_LIMIT

    def __init__(self, *args, platform: Platform, member_query: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.more_members = offer_members(
            self.fields["member"], platform, member_query, chosen=self.data.get("member")
        )


class DecisionForm(forms.Form):
    member_search_limit = selectors.MEMBER_SEARCH_LIMIT
    matter = forms.ChoiceField(label=_("Matter"), choices=Matter.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea, max_length=10000, required=False
    )
    closes_at = forms.DateTimeField(
        label=_("Voting closes"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    candidate = MemberChoiceField(
        label=_("Candidate (for the secretariat)"),
        queryset=Membership.objects.none(),
        required=False,
    )
    term_start = forms.DateField(
        label=_("Term start"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    term_end = forms.DateField(
        label=_("Term end"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, platform: Platform, member_query: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.more_members = offer_members(
            self.fields["candidate"],
            platform,
            member_query,
            chosen=self.data.get("candidate"),
        )


class VoteForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("Your vote"), choices=Vote.Choice.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason (required for an objection)"),
        widget=forms.Textarea,
        max_length=2000,
        required=False,
    )


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea, max_length=5000, required=False
    )


class CoordinatorForm(forms.Form):
    coordinator = forms.ModelChoiceField(label=_("Coordinator"), queryset=None, required=False)

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        from accounts.models import User

        self.fields["coordinator"].queryset = User.objects.filter(
            memberships__in=group.members.current()
        ).distinct()
        self.fields["coordinator"].label_from_instance = lambda u: u.public_name


class RuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Rule"), choices=RuleKind.choices)
    quorum_percent = forms.IntegerField(
        label=_("Quorum, percent of members"), min_value=0, max_value=100
    )
    threshold_percent = forms.IntegerField(
        label=_("Qualified majority, percent of yes and no"), min_value=50, max_value=100
    )
