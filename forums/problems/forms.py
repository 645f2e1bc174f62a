"""Forms of problem records, the library, reviews and exchanges; services do the checking."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from forums.forms import BoundedMultipleChoiceField, IdField, NamedChoiceField
from forums.models import Category, Meeting, Proposal
from forums.problems.models import (
    AssessmentDecision,
    Exchange,
    NoticedVia,
    Outcome,
    Practice,
    ProblemReview,
    ProblemType,
    Stage,
    TaskParty,
)
from platforms.models import Platform, Territory

PRIVACY_HELP = _(
    "No names, addresses, ID numbers or phone numbers of victims, minors or anyone else: "
    'describe people by their role ("a pupil of grade 7", "the shop owner").'
)


def _text(label, help_text="", rows=3, required=False, max_length=5000):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _choice(label, choices, required=False):
    return forms.ChoiceField(label=label, choices=[("", _("Choose…")), *choices], required=required)


class TerritoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        depth = obj.path.count("/") - 2
        return f"{'— ' * max(depth - self.base_depth, 0)}{obj.name}"


class ScanningForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_(
            'Name the harm and the place, e.g. "Youths gathering near shop Ak-Bata in the '
            'early evening", not "youth problems".'
        ),
    )
    problem_type = _choice(_("Problem type"), ProblemType.choices, required=True)
    category = _choice(_("Category"), Category.choices, required=True)
    territory = TerritoryChoiceField(
        label=_("Where (territory)"), queryset=Territory.objects.none()
    )
    place = forms.CharField(
        label=_("Place"), max_length=200, required=False, help_text=_("A landmark, not a house.")
    )
    lat = forms.DecimalField(
        label=_("Latitude (optional)"),
        max_digits=5,
        decimal_places=2,
        required=False,
        help_text=_("Two decimals at most, e.g. 42.87: the map shows an area, never a house."),
    )
    lon = forms.DecimalField(
        label=_("Longitude (optional)"), max_digits=5, decimal_places=2, required=False
    )
    period = forms.CharField(
        label=_("Period"),
        max_length=200,
        required=False,
        help_text=_("When it happens, e.g. weekdays 17:00-20:00 since September."),
    )
    noticed_via = _choice(_("How it was noticed"), NoticedVia.choices)
    source_proposal = forms.IntegerField(
        label=_("Noticed from the proposal no. (optional)"),
        required=False,
        min_value=1,
        max_value=2**63 - 1,
    )
    harm = _text(_("Harm"), _("Who is harmed and how."))
    frequency = forms.CharField(label=_("How often"), max_length=300, required=False)
    priority_reason = _text(_("Why it is a priority"))
    incidents = _text(
        _("Similar incidents"),
        _("At least two, one per line: date and what happened, without names."),
        rows=4,
        max_length=10000,
    )

    def __init__(self, *args, platform: Platform, **kwargs):
        super().__init__(*args, **kwargs)
        scope = platform.territory
        field = self.fields["territory"]
        field.queryset = Territory.objects.below(scope).order_by("path")
        field.base_depth = scope.path.count("/") - 2
        self.platform = platform

    def clean_source_proposal(self):
        number = self.cleaned_data["source_proposal"]
        if not number:
            return None
        proposal = (
            Proposal.objects.public()
            .filter(Q(platform=self.platform) | Q(origin=self.platform), pk=number)
            .first()
        )
        if proposal is None:
            raise forms.ValidationError(_("No proposal of this forum has this number."))
        return proposal


class AnalysisForm(forms.Form):
    offender = _text(_("Offender"), _("Who causes the harm (by role, not by name)."))
    handler = _text(_("Handler"), _("Who has influence over the offender: parents, a coach."))
    victim = _text(_("Victim or target"))
    guardian = _text(_("Guardian"), _("Who can protect the victim or target."))
    location = _text(_("Place"), _("What about the place makes it happen there."))
    manager = _text(_("Place manager"), _("Who is responsible for the place."))
    repeats = _text(_("Repeat patterns"), _("Repeat offenders, repeat victims, repeat places."))
    current_responses = _text(_("Current responses and their limits"))
    explanation = _text(_("Working explanation"), _("Why the problem happens, in a few lines."))


class ResponseStageForm(forms.Form):
    options = _text(
        _("Options considered"),
        _("Including what other forums tried: see the practices suggested below."),
        rows=4,
        max_length=10000,
    )
    chosen_response = _text(_("Chosen response"))
    chosen_reason = _text(_("Why this response"))
    objectives = _text(_("Objectives"), _("What should change, by how much, by when."))


class AssessmentForm(forms.Form):
    as_planned = _choice(_("Done as planned?"), Outcome.choices)
    displacement = _text(
        _("Displacement or spill-over"),
        _("Did the problem move elsewhere, or did nearby places also improve?"),
    )
    goals_met = _choice(_("Goals met?"), Outcome.choices)
    decision = _choice(_("Decision"), AssessmentDecision.choices)
    lessons = _text(_("Lessons learned"))


STAGE_FORMS = {
    Stage.SCANNING: ScanningForm,
    Stage.ANALYSIS: AnalysisForm,
    Stage.RESPONSE: ResponseStageForm,
    Stage.ASSESSMENT: AssessmentForm,
}


class MeasureForm(forms.Form):
    name = forms.CharField(label=_("Measure"), max_length=200)
    source = forms.CharField(
        label=_("Source"), max_length=200, required=False, help_text=_("e.g. police call log")
    )
    baseline_value = forms.DecimalField(label=_("Baseline value"), max_digits=12, decimal_places=2)
    baseline_on = forms.DateField(
        label=_("Measured on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class AfterForm(forms.Form):
    measure = IdField()
    after_value = forms.DecimalField(label=_("Value after"), max_digits=12, decimal_places=2)
    after_on = forms.DateField(
        label=_("Measured on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class TaskForm(forms.Form):
    party = _choice(_("Who"), TaskParty.choices, required=True)
    who = forms.CharField(label=_("Name of the body"), max_length=200)
    what = forms.CharField(label=_("What"), max_length=500)
    due = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))


class LogForm(forms.Form):
    note = _text(_("What was done"), rows=2, required=True, max_length=2000)


class LinkForm(forms.Form):
    proposal = forms.IntegerField(
        label=_("Proposal number"), required=False, min_value=1, max_value=2**63 - 1
    )
    meeting = NamedChoiceField(label=_("Meeting"), queryset=Meeting.objects.none(), required=False)

    def __init__(self, *args, platform: Platform, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = (
            Meeting.objects.filter(Q(platform=platform) | Q(guests=platform))
            .distinct()
            .order_by("-starts_at")[:100]
        )
        self.fields["meeting"].label_from_instance = lambda m: f"{m.starts_at:%Y-%m-%d} {m.title}"

    def clean(self):
        data = super().clean()
        number = data.get("proposal")
        data["proposal"] = None
        if number:
            data["proposal"] = Proposal.objects.public().filter(pk=number).first()
            if data["proposal"] is None:
                self.add_error("proposal", _("No such proposal."))
        if not data["proposal"] and not data.get("meeting") and not self.errors:
            raise forms.ValidationError(_("Choose a proposal or a meeting."))
        return data


class RaiseProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = _text(_("Proposal"), PRIVACY_HELP, rows=4, required=True, max_length=20000)


class PracticeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = _text(_("Summary"), PRIVACY_HELP, rows=5, required=True, max_length=10000)
    what_worked = _text(_("What worked"), rows=4, required=True, max_length=10000)
    measures = _text(_("Measures, before and after"), rows=3, required=True)
    contact = forms.CharField(
        label=_("The forum's contact"),
        max_length=300,
        help_text=_("The forum's office or public e-mail, not a private person's number."),
    )


class AdoptForm(forms.Form):
    problem = NamedChoiceField(label=_("Your problem"), queryset=None)
    note = forms.CharField(label=_("Note (optional)"), max_length=500, required=False)

    def __init__(self, *args, problems, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["problem"].queryset = problems
        self.fields["problem"].label_from_instance = lambda p: f"{p.title} ({p.platform.name})"


SCORE_CHOICES = [(i, str(i)) for i in range(ProblemReview.MAX_SCORE + 1)]


class ReviewForm(forms.Form):
    analysis = forms.TypedChoiceField(
        label=_("Depth of analysis (counts double)"),
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    goals = forms.TypedChoiceField(
        label=_("Clear goals"), choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    effectiveness = forms.TypedChoiceField(
        label=_("Measures of effectiveness (counts double)"),
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    involvement = forms.TypedChoiceField(
        label=_("Involvement of citizens and other organisations"),
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    feedback = _text(_("Feedback to the forum"), rows=4, required=True)


def exchange_partners(platform: Platform):
    """Forums to invite: the same level nearby, the level above and the levels below."""
    active = Platform.objects.filter(status=Platform.Status.ACTIVE).exclude(pk=platform.pk)
    near = Q(parent=platform)  # below
    if platform.parent_id:
        near |= Q(parent_id=platform.parent_id)  # same level, same council
        near |= Q(pk=platform.parent_id)  # above
        if platform.parent.parent_id:
            near |= Q(parent_id=platform.parent.parent_id)  # other councils
            near |= Q(pk=platform.parent.parent_id)
    return active.filter(near).order_by("level", "name")


class ExchangeForm(forms.Form):
    format = forms.ChoiceField(label=_("Format"), choices=Exchange.Format.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    topic = _text(_("What the forums will share"), rows=3, required=True)
    starts_at = forms.DateTimeField(
        label=_("Starts"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    location = forms.CharField(label=_("Place"), max_length=200, required=False)
    guests = BoundedMultipleChoiceField(
        label=_("Forums invited"),
        queryset=Platform.objects.none(),
        help_text=_("Forums of your district, your council, other councils and forums below."),
    )
    practice = NamedChoiceField(
        label=_("Practice from the library (optional)"),
        queryset=Practice.objects.none(),
        required=False,
    )
    agenda = _text(_("Agenda"), _("One item per line."), rows=3, max_length=3000)

    def __init__(self, *args, platform: Platform, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guests"].queryset = exchange_partners(platform)
        self.fields["practice"].queryset = Practice.objects.order_by("-published_at")
        self.fields["practice"].label_from_instance = lambda p: p.title

    def clean_agenda(self):
        return [line.strip()[:200] for line in self.cleaned_data["agenda"].splitlines() if line]


class InvitationAnswerForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Answer"),
        choices=[("1", _("We come")), ("0", _("We cannot come"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    participants = _text(
        _("Participants from your forum"),
        _("One per line: name and role (e.g. LCPC chair, neighbourhood inspector)."),
        max_length=2000,
    )


class OutcomeForm(forms.Form):
    outcome = _text(_("Outcome"), _("What the forums learned and will try."), rows=6, required=True)


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    problem_type = forms.ChoiceField(
        label=_("Problem type"), required=False, choices=[("", _("All")), *ProblemType.choices]
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All")), *Category.choices]
    )
    region = forms.CharField(label=_("Region"), required=False, max_length=64)

    def filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        region = None
        if data.get("region"):
            region = Territory.objects.filter(code=data["region"]).first()
        return {
            "query": (data.get("q") or "").strip(),
            "problem_type": data.get("problem_type", ""),
            "category": data.get("category", ""),
            "region": region,
        }


class MapFilterForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All")), *Category.choices]
    )
    stage = forms.ChoiceField(
        label=_("Stage of problems"), required=False, choices=[("", _("All")), *Stage.choices]
    )

    def filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"category": data.get("category", ""), "stage": data.get("stage", "")}


class StageFilterForm(forms.Form):
    stage = forms.ChoiceField(required=False, choices=[("", _("All")), *Stage.choices])
