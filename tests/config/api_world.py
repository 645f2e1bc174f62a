"""A small open-data world: one of each public thing and one of each private thing.

Every private value carries the marker SECRET, so a test can look for it in any response.
"""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from assessments.models import (
    Criterion,
    Framework,
    Moderation,
    Poll,
    PollAnswer,
    ProfileFigure,
    Round,
    Score,
    Subject,
    TargetKind,
)
from forums import services
from forums.models import Meeting, PoliceResponse, Problem, Proposal
from platforms.models import Party, Platform, Role
from platforms.services import membership_grant
from reporting.models import AnnualReport, ReportVersion, StrategicPlan
from tests.factories import PlatformFactory, UserFactory

PRIVATE = (
    "SECRET",
    "witness@hidden.kg",
    "member@hidden.kg",
    "WITNESS-NAME",
)


@dataclass
class World:
    public_proposal: Proposal
    protected: Proposal
    draft: Proposal
    screening: Proposal
    draft_platform: Platform
    published_subject: Subject
    draft_subject: Subject
    report: AnnualReport
    draft_report: AnnualReport


def _round(platform, framework, unit, *, state, title, reply, overall=None):
    round_ = Round.objects.create(
        platform=platform,
        framework=framework,
        title=title,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 6, 30),
        state=state,
        published_at=timezone.now() if state == Round.State.PUBLISHED else None,
    )
    subject = Subject.objects.create(round=round_, unit=unit, overall=overall, reply=reply)
    return round_, subject


def build(forum, leo, local_unit, *, n: int = 1) -> World:
    """The world, with `n` public rows of each kind (for query-count flatness)."""
    member = UserFactory(email="member@hidden.kg", display_name="Asel Public")
    witness = UserFactory(email="witness@hidden.kg", display_name="WITNESS-NAME")
    for user in (member, witness):
        membership_grant(
            platform=forum,
            user=user,
            party=Party.CITIZEN,
            role=Role.MEMBER,
            actor=None,
            check=False,
        )
    public = []
    for i in range(n):
        p = services.proposal_create(
            platform=forum,
            author=member,
            title=f"Street lights {i}",
            body="Dark street",
            category="road",
            police_unit=local_unit,
            submit=True,
        )
        services.response_log(proposal=p, actor=leo, status="accepted", text="=HYPERLINK(1)")
        public.append(p)
    PoliceResponse.objects.create(
        proposal=public[0],
        unit=local_unit,
        author=leo,
        status="accepted",
        text="SECRET draft answer",
    )
    protected = services.proposal_create(
        platform=forum,
        author=witness,
        title="Protected case",
        body="b",
        category="youth",
        police_unit=local_unit,
        protect_author=True,
        submit=True,
    )
    draft = services.proposal_create(
        platform=forum, author=member, title="SECRET draft", body="SECRET", category="youth"
    )
    screening = Proposal.objects.create(
        origin=forum,
        platform=forum,
        author=witness,
        title="SECRET screening",
        body="SECRET",
        category="youth",
        state=Proposal.State.SCREENING,
    )
    draft_platform = PlatformFactory(name="SECRET forum", status="draft")
    for platform, title in ((forum, "Public meeting"), (draft_platform, "SECRET meeting")):
        for i in range(n):
            Meeting.objects.create(
                platform=platform,
                kind="general",
                title=f"{title} {i}",
                starts_at=timezone.now(),
                minutes="SECRET unpublished minutes",
            )
    for platform, title in ((forum, "Teenagers at the shop"), (draft_platform, "SECRET problem")):
        for i in range(n):
            Problem.objects.create(
                platform=platform,
                title=f"{title} {i}",
                problem_type="behaviour",
                category="youth",
                territory=forum.territory,
            )

    framework = Framework.objects.get(target_kind=TargetKind.LOCAL, version=1)
    criterion = Criterion.objects.filter(framework=framework).first()
    for i in range(n):
        published_round, published_subject = _round(
            forum,
            framework,
            local_unit,
            state=Round.State.PUBLISHED,
            title=f"Round {i}",
            reply="Our reply",
            overall=4,
        )
        Moderation.objects.create(
            subject=published_subject, criterion=criterion, grade=4, narrative="Agreed"
        )
        Score.objects.create(
            subject=published_subject,
            criterion=criterion,
            rater=member,
            grade=2,
            rationale="SECRET rationale",
        )
        poll = Poll.objects.create(round=published_round)
        PollAnswer.objects.create(poll=poll, day=date(2025, 3, 1), top_concern="SECRET concern")
    _, draft_subject = _round(
        forum,
        framework,
        local_unit,
        state=Round.State.SCORING,
        title="SECRET round",
        reply="SECRET reply",
    )
    ProfileFigure.objects.create(
        unit=local_unit,
        kind="staff",
        label="Inspectors",
        value=12,
        source="MVD",
        as_of=date(2025, 1, 1),
    )
    ProfileFigure.objects.create(
        unit=local_unit,
        kind="budget",
        label="SECRET line",
        source="x",
        as_of=date(2025, 1, 1),
        withdrawn=True,
    )

    report = None
    for i in range(n):
        report = AnnualReport.objects.create(
            platform=forum,
            year=2015 + i,
            status=AnnualReport.Status.PUBLISHED,
            published_at=timezone.now(),
            # a correction being drafted: never public until it is published as a version
            summary="SECRET correction in progress",
        )
        ReportVersion.objects.create(
            report=report,
            number=1,
            figures={"proposals": {"total": 3}},
            sections={"summary": "Done"},
        )
    draft_report = AnnualReport.objects.create(
        platform=forum, year=2040, summary="SECRET draft report"
    )
    StrategicPlan.objects.create(platform=forum, year=2041, title="SECRET plan", objectives="x")
    for i in range(n):
        StrategicPlan.objects.create(
            platform=forum,
            year=2000 + i,
            title=f"Plan {i}",
            objectives="Safer streets",
            status=StrategicPlan.Status.ADOPTED,
        )
    return World(
        public_proposal=public[0],
        protected=protected,
        draft=draft,
        screening=screening,
        draft_platform=draft_platform,
        published_subject=published_subject,
        draft_subject=draft_subject,
        report=report,
        draft_report=draft_report,
    )


LISTS = (
    "territories",
    "platforms",
    "police-units",
    "unit-profiles",
    "proposals",
    "responses",
    "meetings",
    "problems",
    "assessment-results",
    "reports",
    "plans",
)
