"""Forms only collect input; the services check and write it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.models import (
    Evidence,
    Finding,
    Framework,
    Grade,
    Poll,
    ProfileFigure,
    Recommendation,
)
from assessments.permissions import TARGETS_BY_LEVEL
from forums.models import Category
from platforms.models import Decision, Matter, Territory

GRADE_CHOICES = [("", _("— choose —"))] + [(str(v), label) for v, label in Grade.choices]
AGREE = [
    ("5", _("strongly agree")),
    ("4", _("tend to agree")),
    ("3", _("neither agree nor disagree")),
    ("2", _("tend to disagree")),
    ("1", _("strongly disagree")),
    ("", _("don't know")),
]
JOB = [
    ("5", _("excellent")),
    ("4", _("good")),
    ("3", _("fair")),
    ("2", _("poor")),
    ("1", _("very poor")),
    ("", _("don't know")),
]
SAFE = [
    ("4", _("very safe")),
    ("3", _("fairly safe")),
    ("2", _("a bit unsafe")),
    ("1", _("very unsafe")),
    ("", _("don't know")),
]
YES_NO = [("yes", _("yes")), ("no", _("no")), ("", _("don't know"))]

# field: question, the choices of its answer (read by the form, the results page and exports)
POLL_QUESTIONS = {
    "job": (
        _("Taking everything into account, how good a job are the police in this area doing?"),
        JOB,
    ),
    "confidence": (_("I have confidence in the police in this area."), AGREE),
    "rely": (_("The police in this area can be relied on to be there when needed."), AGREE),
    "respect": (_("The police in this area treat people with respect."), AGREE),
    "fair": (_("The police in this area treat everyone fairly, whoever they are."), AGREE),
    "listen": (_("The police in this area listen to the concerns of local residents."), AGREE),
    "safe_dark": (_("How safe do you feel walking alone in this area after dark?"), SAFE),
    "knows_inspector": (_("Do you know your neighbourhood inspector?"), YES_NO),
    "contacted": (
        _("Have you been in contact with your neighbourhood inspector in the last 12 months?"),
        YES_NO,
    ),
}


class RoundForm(forms.Form):
    framework = forms.ModelChoiceField(queryset=Framework.objects.none(), label=_("Framework"))
    title = forms.CharField(label=_("Title"), max_length=200)
    period_start = forms.DateField(
        label=_("Period from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=_("Period to"), widget=forms.DateInput(attrs={"type": "date"})
    )
    units = forms.MultipleChoiceField(
        label=_("Units to assess"), required=False, widget=forms.CheckboxSelectMultiple
    )
    officers = forms.MultipleChoiceField(
        label=_("Inspectors to assess"), required=False, widget=forms.CheckboxSelectMultiple
    )
    poll_method = forms.ChoiceField(
        label=_("Residents' poll"), choices=Poll.Method.choices, initial=Poll.Method.PORTAL
    )

    def __init__(self, *args, platform, units, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework"].queryset = Framework.objects.filter(
            target_kind__in=TARGETS_BY_LEVEL.get(platform.level, ())
        )
        self.fields["units"].choices = [(str(u.pk), u.name) for u in units]
        self.fields["officers"].choices = [
            (str(o.pk), f"{o.user.public_name} — {o.get_position_display()}, {o.unit.name}")
            for o in officers
        ]
        if not officers:
            del self.fields["officers"]


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Evidence.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    subject = forms.ChoiceField(label=_("About"), required=False)
    criterion = forms.ChoiceField(label=_("Criterion"), required=False)
    upload = forms.FileField(
        label=_("File (JPEG, PNG or PDF, up to 5 MB)"),
        required=False,
        help_text=_("Names, camera and location data are removed from the file."),
    )

    def __init__(self, *args, subjects, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = [("", _("the whole round"))] + [
            (str(s.pk), str(s)) for s in subjects
        ]
        self.fields["criterion"].choices = [("", _("all criteria"))] + [
            (str(c.pk), c.local_question) for c in criteria
        ]


class ScoreForm(forms.Form):
    grade = forms.ChoiceField(label=_("Your grade"), choices=GRADE_CHOICES, required=False)
    rationale = forms.CharField(
        label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )


class ModerationForm(forms.Form):
    grade = forms.ChoiceField(label=_("Moderated grade"), choices=GRADE_CHOICES, required=False)
    narrative = forms.CharField(label=_("Narrative"), widget=forms.Textarea(attrs={"rows": 3}))
    source = forms.CharField(label=_("Source of the official data"), max_length=300, required=False)


class FindingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Finding.Kind.choices)
    text = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 2}))


class RecommendationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Recommendation.Kind.choices)
    finding = forms.ChoiceField(label=_("From the finding"), required=False)
    text = forms.CharField(label=_("Recommendation"), widget=forms.Textarea(attrs={"rows": 2}))
    addressee = forms.CharField(label=_("Addressed to"), max_length=200)
    due = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))
    decision = forms.ChoiceField(
        label=_("Decision of the platform (special consensus)"),
        required=False,
        help_text=_("Needed for dismissal or disciplinary review."),
    )

    def __init__(self, *args, findings, platform, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["finding"].choices = [("", "—")] + [
            (str(f.pk), f"{f.get_kind_display()}: {f.text[:80]}") for f in findings
        ]
        self.fields["decision"].choices = [("", "—")] + [
            (str(d.pk), d.title)
            for d in Decision.objects.filter(platform=platform, matter=Matter.RECOMMENDATION)
        ]


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("The unit's reply"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )


class ResponseForm(forms.Form):
    response = forms.CharField(
        label=_("The unit's response"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000
    )


class FollowUpForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Recommendation.Status.choices)
    note = forms.CharField(label=_("What was checked"), widget=forms.Textarea(attrs={"rows": 2}))


class PollForm(forms.Form):
    top_concern = forms.CharField(
        label=_("What is the biggest safety problem where you live?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=1000,
        help_text=_("Please do not name people. The secretariat may turn it into a proposal."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = {}
        for name, (question, choices) in POLL_QUESTIONS.items():
            fields[name] = forms.ChoiceField(
                label=question, choices=choices, required=False, widget=forms.RadioSelect
            )
        fields["top_concern"] = self.fields["top_concern"]
        self.fields = fields


class ResidenceForm(forms.Form):
    territory = forms.ModelChoiceField(
        label=_("Where do you live?"),
        queryset=Territory.objects.exclude(kind=Territory.Kind.COUNTRY).order_by("name_en"),
    )


class PaperBatchForm(forms.Form):
    lines = forms.CharField(
        label=_("Questionnaires, one per line"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Nine answers separated by commas, in the order of the questionnaire: 1-5 for the "
            "first six (5 best), 1-4 for safety after dark (4 very safe), y or n for the last two, "
            "- for no answer; then the open answer if any. Example: 4,4,3,5,4,3,2,y,n,dark streets"
        ),
    )


class ConcernForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)


class FigureForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ProfileFigure.Kind.choices)
    label = forms.CharField(
        label=_("Label"), max_length=200, help_text=_("e.g. Patrol service, or Fuel")
    )
    value = forms.CharField(label=_("Value"), required=False, max_length=20)
    measure = forms.CharField(
        label=_("Unit of measure"),
        required=False,
        max_length=40,
        help_text=_("e.g. officers, thousand som"),
    )
    text = forms.CharField(
        label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    source = forms.CharField(label=_("Source"), max_length=300, required=False)
    as_of = forms.DateField(label=_("As of"), widget=forms.DateInput(attrs={"type": "date"}))


class CompareForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of unit"),
        choices=[
            ("territorial", _("territorial police unit")),
            ("local", _("local police department")),
            ("ministry", _("Ministry of Internal Affairs")),
        ],
        required=False,
    )
    territory = forms.ModelChoiceField(
        label=_("Territory"),
        queryset=Territory.objects.none(),
        required=False,
        empty_label=_("all of Kyrgyzstan"),
    )

    def __init__(self, *args, territories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = territories
