from django import forms
from django.utils.translation import gettext_lazy as _

from forums.models import Category, Meeting, PoliceResponse, Proposal
from platforms.models import Platform, PoliceUnit, Territory, ThematicGroup


class NamedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return getattr(obj, "name", str(obj))


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Proposal"), widget=forms.Textarea, max_length=20000)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
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
        scope = platform.territory
        council_t = scope.council_territory() or scope
        self.fields["police_unit"].queryset = PoliceUnit.objects.filter(
            territory__in=[scope, council_t]
            + list(Territory.objects.filter(pk__in=scope.ancestor_ids()))
        )
        self.fields["lsg_territory"].queryset = Territory.objects.filter(
            pk__in={scope.pk, council_t.pk}
        )


class MemberProposalForm(ProposalForm):
    protect_author = forms.BooleanField(
        label=_(
            "Show my name to no one but the secretariat (not to the police, not to the public)"
        ),
        required=False,
    )
    save_as = forms.ChoiceField(
        label=_("Save as"),
        choices=[("submit", _("Submit now (public)")), ("draft", _("Private draft"))],
        widget=forms.RadioSelect,
        initial="submit",
    )


class RecordProposalForm(ProposalForm):
    on_behalf_of = forms.CharField(
        label=_("Made by (leave empty for an anonymous citizen)"), max_length=200, required=False
    )


class ResponseForm(forms.Form):
    template = forms.ChoiceField(label=_("Start from a template"), required=False)
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

    def __init__(self, *args, templates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [("", "---------")] + [(t.pk, t.title) for t in templates]


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
    into = forms.IntegerField(label=_("Number of the proposal it duplicates"), min_value=1)


class AssignForm(forms.Form):
    officer = forms.ModelChoiceField(label=_("Liaison officer"), queryset=None)

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers
        self.fields["officer"].label_from_instance = lambda u: u.public_name


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=Meeting.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("Starts"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    location = forms.CharField(label=_("Place"), max_length=200, required=False)
    guests = forms.ModelMultipleChoiceField(
        label=_("Joint with (for joint meetings)"), queryset=Platform.objects.none(), required=False
    )

    def __init__(self, *args, platform: Platform, **kwargs):
        super().__init__(*args, **kwargs)
        near = Platform.objects.filter(status=Platform.Status.ACTIVE).exclude(pk=platform.pk)
        if platform.parent_id:
            near = near.filter(parent_id=platform.parent_id) | Platform.objects.filter(
                pk=platform.parent_id
            )
        else:
            near = near.filter(parent=platform)
        self.fields["guests"].queryset = near.order_by("name")


class MinutesForm(forms.Form):
    attendees = forms.ModelMultipleChoiceField(
        label=_("Present"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    minutes = forms.CharField(
        label=_("Minutes"), widget=forms.Textarea, max_length=50000, required=False
    )
    publish = forms.BooleanField(label=_("Publish the minutes"), required=False)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = members
        self.fields["attendees"].label_from_instance = lambda u: u.public_name


class AgendaForm(forms.Form):
    proposal = forms.ModelChoiceField(label=_("Proposal"), queryset=Proposal.objects.none())

    def __init__(self, *args, platform: Platform, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].queryset = Proposal.objects.filter(
            platform=platform, state__in=[Proposal.State.SUBMITTED, Proposal.State.REGISTERED]
        )
