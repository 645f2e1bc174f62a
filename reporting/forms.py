from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from platforms.models import PoliceUnit
from reporting.models import AnnualReport, PlanAction


def _year_choices():
    this = timezone.localdate().year
    return [(y, y) for y in range(this + 1, this - 6, -1)]


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=_year_choices)


class PlanForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=_year_choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    objectives = forms.CharField(
        label=_("Objectives"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        help_text=_("One objective per line."),
    )


class PlanEditForm(PlanForm):
    year = None


class ActionForm(forms.Form):
    objective = forms.CharField(label=_("Objective"), max_length=300, required=False)
    title = forms.CharField(label=_("Action"), max_length=300)
    responsible = forms.ChoiceField(
        label=_("Responsible party"), choices=PlanAction.Responsible.choices
    )
    police_unit = forms.ModelChoiceField(
        label=_("Police unit (when the police are responsible)"),
        queryset=PoliceUnit.objects.none(),
        required=False,
    )
    responsible_name = forms.CharField(
        label=_("Responsible body or organisation"), max_length=200, required=False
    )
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["police_unit"].queryset = (
            units if units is not None else PoliceUnit.objects.none()
        )


class ProgressForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=PlanAction.Status.choices)
    progress = forms.IntegerField(label=_("Progress, %"), min_value=0, max_value=100)
    note = forms.CharField(
        label=_("Progress note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
    )


class EndorseForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )


class SectionsForm(forms.ModelForm):
    class Meta:
        model = AnnualReport
        fields = list(AnnualReport.SECTIONS)
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in AnnualReport.SECTIONS}


class CorrectionForm(SectionsForm):
    note = forms.CharField(
        label=_("What the correction changes"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
    )
    recompute = forms.BooleanField(
        label=_("Recompute the figures from today's data"), required=False
    )


class StatisticsForm(forms.Form):
    oblast = forms.CharField(required=False)
