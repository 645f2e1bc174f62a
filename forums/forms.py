from datetime import timedelta

from django import forms
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from forums.models import Category, Meeting, PoliceResponse, Proposal
from forums.selectors import addressable_lsg, addressable_units, invitable_platforms
from platforms.models import LiaisonOfficer, Platform, PoliceUnit, Territory, ThematicGroup


class IdField(forms.IntegerField):
    """A posted database id: a positive integer that fits a bigint, or a validation error."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(**kwargs)


class NamedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return getattr(obj, "name", str(obj))


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Proposal"), widget=forms.Textarea, max_length=20000)
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("Choose a category")), *Category.choices]
    )
    place = forms.CharField(
        label=_("Place (address or landmark)"),
        max_length=200,
        required=False,
        help_text=_("An address or a landmark, e.g. the bus stop near school no. 3."),
    )
    group = NamedChoiceField(
        label=_("Thematic group"), queryset=ThematicGroup.objects.none(), required=False
    )
    police_unit = NamedChoiceField(
        label=_("Police unit addressed"), queryset=PoliceUnit.objects.none(), required=False
    )
    lsg_territory = NamedChoiceField(
        label=_("Local self-government addressed"),
        queryset=Territory.objects.none(),
        required=False,
    )
    attachment = forms.FileField(
        label=_("Attachment (JPEG, PNG or PDF, up to 5 MB)"), required=False
    )

    def __init__(self, *args, platform: Platform, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = platform.thematic_groups.all()
        self.fields["police_unit"].queryset = addressable_units(platform)
        self.fields["lsg_territory"].queryset = addressable_lsg(platform)


class MemberProposalForm(ProposalForm):
    protect_author = forms.BooleanField(
        label=_(
            "Show my name only to the secretariat of this forum (not to the police, not to"
            ' other platforms, not to the public); my comments will show as "the author"'
        ),
        required=False,
    )
    save_as = forms.ChoiceField(
        label=_("Save as"),
        choices=[("submit", _("Submit now (public)")), ("draft", _("Private draft"))],
        widget=forms.RadioSelect,
        initial="submit",
    )

    def __init__(self, *args, resident: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if resident:
            platform = kwargs.get("platform")
            self.fields["resident"] = forms.BooleanField(
                label=_("I live or work in %(territory)s")
                % {"territory": platform.territory.name if platform else ""},
                help_text=_(
                    "You are not a member of this forum: its secretariat checks the problem"
                    " before it is published."
                ),
            )
            self.fields["save_as"].choices = [
                ("submit", _("Send to the secretariat")),
                ("draft", _("Private draft")),
            ]


class RaiseSearchForm(forms.Form):
    q = forms.CharField(label=_("Village, aimak, town or forum"), max_length=100, required=False)


class RecordProposalForm(ProposalForm):
    on_behalf_of = forms.CharField(
        label=_("Made by (leave empty for an anonymous citizen)"), max_length=200, required=False
    )
    protect_author = forms.BooleanField(
        label=_(
            "Show this name only to the secretariat of this forum (not to the police, not to"
            " other platforms, not to the public)"
        ),
        required=False,
    )


class ResponseForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=PoliceResponse.Status.choices)
    text = forms.CharField(label=_("Answer"), widget=forms.Textarea, max_length=10000)
    referral = forms.CharField(
        label=_("Competent body (if not within your competence)"), max_length=300, required=False
    )
    next_due = forms.DateField(
        label=_("Date of the next step"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    publish = forms.BooleanField(label=_("Publish now"), required=False, initial=True)


class ResponseTemplateForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Police unit"), queryset=PoliceUnit.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    status = forms.ChoiceField(label=_("Status"), choices=PoliceResponse.Status.choices)
    text = forms.CharField(label=_("Answer"), widget=forms.Textarea, max_length=10000)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = lambda u: u.name


class TemplateChoiceForm(forms.Form):
    template = IdField()


class EscalateForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the upper platform"),
        widget=forms.Textarea,
        max_length=5000,
        required=False,
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reasons"), widget=forms.Textarea, max_length=2000)


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class MergeForm(forms.Form):
    into = IdField(label=_("Number of the proposal it duplicates"), widget=forms.NumberInput)


class HideCommentForm(forms.Form):
    comment = IdField()
    reason = forms.CharField(label=_("Reasons"), max_length=500)


class EscalationAnswerForm(forms.Form):
    """Register or return an escalation waiting at a platform."""

    platform = IdField()
    reason = forms.CharField(label=_("Reasons"), max_length=2000, required=False)


class CloseForm(forms.Form):
    reason = forms.CharField(label=_("Reasons"), max_length=2000, required=False)


class AssignForm(forms.Form):
    officer = forms.ModelChoiceField(label=_("Liaison officer"), queryset=None)

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        # each officer with the unit they serve in, so a head assigning across units can tell
        post = LiaisonOfficer.objects.filter(user=OuterRef("pk"), active=True).order_by(
            "-unit__path"
        )
        self.fields["officer"].queryset = officers.annotate(
            unit_name=Subquery(post.values("unit__name")[:1])
        )
        self.fields["officer"].label_from_instance = lambda u: (
            f"{u.public_name} — {u.unit_name}" if u.unit_name else u.public_name
        )


class BoundedMultipleChoiceField(forms.ModelMultipleChoiceField):
    """At most `limit` choices, refused before the ids reach the database."""

    def __init__(self, *args, limit: int = 50, **kwargs):
        self.limit = limit
        super().__init__(*args, **kwargs)

    def clean(self, value):
        if value and len(value) > self.limit:
            raise forms.ValidationError(
                _("Choose at most %(n)d.") % {"n": self.limit}, code="too_many"
            )
        return super().clean(value)


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=Meeting.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("Starts"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    location = forms.CharField(label=_("Place"), max_length=200, required=False)
    guests = BoundedMultipleChoiceField(
        label=_("Joint with (for joint meetings)"), queryset=Platform.objects.none(), required=False
    )
    invited = forms.CharField(
        label=_("Invited guests"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=_("People invited from outside the platform, one per line (name and role)."),
    )

    def __init__(self, *args, platform: Platform, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guests"].queryset = invitable_platforms(platform).order_by("name")


class MinutesForm(forms.Form):
    attendees = BoundedMultipleChoiceField(
        limit=2000,
        label=_("Present"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    minutes = forms.CharField(
        label=_("Minutes"), widget=forms.Textarea, max_length=50000, required=False
    )
    publish = forms.BooleanField(label=_("Publish the minutes"), required=False)
    correction_reason = forms.CharField(
        label=_("Reason for the correction (published minutes)"),
        max_length=500,
        required=False,
        help_text=_("The earlier text stays on record with this reason."),
    )

    def __init__(self, *args, members, shown=None, published: bool = False, **kwargs):
        """`members`: who may be recorded present (validation); `shown`: the few offered as
        boxes (those present, those ticked, those found), never every member at once."""
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = members
        if shown is not None:
            self.fields["attendees"].widget.choices = [(u.pk, u.public_name) for u in shown]
        if published:
            del self.fields["publish"]
        else:
            del self.fields["correction_reason"]
        self.fields["attendees"].label_from_instance = lambda u: u.public_name


AGENDA_CHOICES = 100


class LazyChoices:
    """A widget's choices read from the database only when the widget is rendered."""

    def __init__(self, load):
        self.load = load

    def __iter__(self):
        return iter(self.load())


class AgendaForm(forms.Form):
    proposal = forms.ModelChoiceField(
        label=_("Proposal"),
        queryset=Proposal.objects.none(),
        help_text=_(
            "The latest waiting proposals; an older one goes on the agenda from its own page."
        ),
    )

    def __init__(self, *args, platform: Platform, **kwargs):
        super().__init__(*args, **kwargs)
        waiting = Proposal.objects.filter(
            platform=platform, state__in=[Proposal.State.SUBMITTED, Proposal.State.REGISTERED]
        )
        self.fields["proposal"].queryset = waiting
        # the list offers the latest ones only (a council can have thousands waiting);
        # any waiting proposal still validates
        latest = waiting.order_by("-submitted_at", "-pk").only("pk", "title")[:AGENDA_CHOICES]
        self.fields["proposal"].widget.choices = LazyChoices(
            lambda: [("", "---------")] + [(p.pk, f"#{p.pk} {p.title}") for p in latest]
        )


class TrackerFilterForm(forms.Form):
    """The tracker's query string; an invalid value (a NUL byte, a forged id) is dropped."""

    q = forms.CharField(required=False)
    platform = forms.CharField(required=False, max_length=200)
    territory = forms.CharField(required=False, max_length=32)
    unit = IdField(required=False)
    district = forms.CharField(required=False, max_length=64)
    since = forms.DateField(required=False)
    until = forms.DateField(required=False)
    state = forms.ChoiceField(
        required=False, choices=[("", "")] + [c for c in Proposal.State.choices if c[0] != "draft"]
    )
    category = forms.ChoiceField(required=False, choices=[("", ""), *Category.choices])
    overdue = forms.CharField(required=False, max_length=1)

    def clean_q(self):
        return self.cleaned_data["q"].strip()[:100]

    def filters(self) -> dict:
        """Keyword arguments for selectors.tracker, looked up from the valid values only."""
        self.is_valid()
        data = self.cleaned_data
        platform = territory = unit = None
        if data.get("platform"):
            platform = Platform.objects.filter(slug=data["platform"]).first()
        if data.get("territory"):
            territory = Territory.objects.filter(code=data["territory"]).first()
        if data.get("unit"):
            unit = PoliceUnit.objects.filter(pk=data["unit"]).first()
        district = None
        if data.get("district"):
            district = Territory.objects.filter(
                code=data["district"], kind__in=Territory.COUNCIL_KINDS
            ).first()
        return {
            "district": district,
            "since": data.get("since"),
            "until": data.get("until"),
            "platform": platform,
            "state": data.get("state", ""),
            "category": data.get("category", ""),
            "territory": territory,
            "unit": unit,
            "overdue": data.get("overdue") == "1",
            "query": data.get("q", ""),
        }


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Agenda item"), max_length=200)


class MeetingFileForm(forms.Form):
    file = forms.FileField(label=_("File (signed minutes, a report: JPEG, PNG or PDF, up to 5 MB)"))


class ProposalAgendaForm(forms.Form):
    """Put a proposal on the agenda: one of the platform's coming meetings, or a new one."""

    meeting = forms.ModelChoiceField(
        label=_("Meeting"), queryset=Meeting.objects.none(), required=False
    )
    new_title = forms.CharField(label=_("or a new meeting: title"), max_length=200, required=False)
    new_starts_at = forms.DateTimeField(
        label=_("Starts"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def __init__(self, *args, platform: Platform, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = upcoming_meetings(platform)
        self.fields["meeting"].label_from_instance = lambda m: (
            f"{date_format(timezone.localtime(m.starts_at), 'SHORT_DATETIME_FORMAT')} · {m.title}"
        )

    def clean(self):
        data = super().clean()
        if not data.get("meeting") and not data.get("new_title"):
            raise forms.ValidationError(_("Choose the meeting, or schedule a new one."))
        if not data.get("meeting") and not data.get("new_starts_at"):
            self.add_error("new_starts_at", _("When does the new meeting start?"))
        return data


def upcoming_meetings(platform: Platform):
    """Meetings of the platform still to be held, soonest first."""
    return Meeting.objects.filter(
        platform=platform,
        status=Meeting.Status.SCHEDULED,
        minutes_published_at__isnull=True,
        starts_at__gte=timezone.now() - timedelta(hours=12),
    ).order_by("starts_at")
