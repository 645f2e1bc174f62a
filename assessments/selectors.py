"""Reads of the assessments app: bounded queries, aggregates computed in SQL.

For other apps (reporting): `published_results(platform_ids, year)` and
`published_poll_results(platform_ids, year)`.
"""

import math
from collections import defaultdict

from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Sum,
)
from django.utils import translation

from assessments.models import (
    Criterion,
    Finding,
    Grade,
    Moderation,
    Poll,
    PollAnswer,
    ProfileFigure,
    Recommendation,
    Round,
    Score,
    Subject,
    TargetKind,
    Track,
)
from assessments.permissions import UNIT_KINDS_BY_TARGET
from platforms.models import LiaisonOfficer, PoliceUnit, Territory

# Display rules of poll results (issue 10): under MIN_SHOWN only the count; up to
# INDICATIVE_BELOW-1 responses the figures are marked indicative.
MIN_SHOWN = 10
INDICATIVE_BELOW = 100

# (field, the answers counted as positive): 5-point scales are stored 5 (best) .. 1.
POLL_QUESTIONS = (
    ("job", Q(job__gte=4)),
    ("confidence", Q(confidence__gte=4)),
    ("rely", Q(rely__gte=4)),
    ("respect", Q(respect__gte=4)),
    ("fair", Q(fair__gte=4)),
    ("listen", Q(listen__gte=4)),
    ("safe_dark", Q(safe_dark__gte=3)),
    ("knows_inspector", Q(knows_inspector=True)),
    ("contacted", Q(contacted=True)),
)


# Grades --------------------------------------------------------------------------------------


def weighted_median(weights: dict[int, int]) -> int | None:
    """The median grade when each criterion counts by its weight; None without any grade.

    Grades are ordinal, so they are never averaged: counting from the best grade down, the
    first grade at which half of the total weight is reached. A tie at exactly half goes to
    the better grade (the benefit of the doubt to the assessed unit).
    """
    total = sum(weights.values())
    if not total:
        return None
    running = 0
    for grade in sorted(weights, reverse=True):
        running += weights[grade]
        if running * 2 >= total:
            return grade
    return None  # pragma: no cover


def subject_grade_weights(subjects) -> dict[int, dict[str, dict[int, int]]]:
    """{subject: {track: {grade: summed weight}}} of moderated grades, in one grouped query.

    Ungraded criteria and criteria left without a grade are not counted (no weight).
    """
    rows = (
        Moderation.objects.filter(subject__in=subjects, grade__isnull=False, criterion__graded=True)
        .values("subject_id", "criterion__track", "grade")
        .annotate(weight=Sum("criterion__weight"))
    )
    result: dict = defaultdict(lambda: defaultdict(dict))
    for row in rows:
        result[row["subject_id"]][row["criterion__track"]][row["grade"]] = row["weight"]
    return result


def grade_share(weights: dict[int, int]) -> list[dict]:
    """The share of weight at each grade, best first (the distribution shown beside the median)."""
    total = sum(weights.values())
    return [
        {
            "grade": g,
            "label": Grade(g).label,
            "weight": weights.get(g, 0),
            "percent": round(100 * weights.get(g, 0) / total) if total else 0,
        }
        for g in sorted(Grade.values, reverse=True)
    ]


def subject_results(subject: Subject) -> dict:
    """Criteria of the subject's framework with the moderated result and the raters' grade
    distribution; external and internal apart. Three queries."""
    criteria = list(Criterion.objects.filter(framework_id=subject.round.framework_id))
    moderations = {m.criterion_id: m for m in Moderation.objects.filter(subject=subject)}
    dist: dict[int, dict] = defaultdict(dict)
    raters: dict[int, int] = defaultdict(int)
    for row in (
        Score.objects.filter(subject=subject)
        .values("criterion_id", "grade")
        .annotate(n=Count("pk"))
    ):
        dist[row["criterion_id"]][row["grade"]] = row["n"]
        raters[row["criterion_id"]] += row["n"]
    tracks: dict[str, list] = {Track.EXTERNAL: [], Track.INTERNAL: []}
    weights: dict[str, dict[int, int]] = {Track.EXTERNAL: {}, Track.INTERNAL: {}}
    total_weight = {Track.EXTERNAL: 0, Track.INTERNAL: 0}
    for c in criteria:
        m = moderations.get(c.pk)
        tracks[c.track].append(
            {
                "criterion": c,
                "moderation": m,
                "raters": raters.get(c.pk, 0),
                "distribution": [
                    (Grade(g).label, dist[c.pk].get(g, 0))
                    for g in sorted(Grade.values, reverse=True)
                ],
            }
        )
        if c.graded:
            total_weight[c.track] += c.weight
            if m is not None and m.grade is not None:
                weights[c.track][m.grade] = weights[c.track].get(m.grade, 0) + c.weight
    summary = {}
    for track in (Track.EXTERNAL, Track.INTERNAL):
        graded = sum(weights[track].values())
        summary[track] = {
            "median": weighted_median(weights[track]),
            "share": grade_share(weights[track]),
            "coverage": round(100 * graded / total_weight[track]) if total_weight[track] else 0,
        }
    return {
        "external": tracks[Track.EXTERNAL],
        "internal": tracks[Track.INTERNAL],
        "summary": summary,
    }


# Polls ---------------------------------------------------------------------------------------


def _margin(p: float, n: int) -> float:
    """95% margin of error of a proportion from a simple random sample, in points."""
    return round(196 * math.sqrt(p * (1 - p) / n), 1) if n else 0.0


def poll_results(poll: Poll | None) -> dict | None:
    """Poll figures under the display rules, from one aggregate query.

    Under 10 responses only the count; 10-99 marked indicative; a 95% margin only for a random
    sample; a breakdown (portal / paper) only when every one of its cells has 10 or more
    answers, so that no hidden cell can be found by subtracting shown ones from the total.
    """
    if poll is None:
        return None
    a = PollAnswer.objects.filter(poll=poll).aggregate(**_poll_aggregates())
    return poll_figures(a, method=poll.method)


def _poll_aggregates() -> dict:
    """The counts the display rules need: responses, and per question answered / positive,
    in all and on paper."""
    aggregates = {"n": Count("pk"), "n_paper": Count("pk", filter=Q(paper=True))}
    for field, positive in POLL_QUESTIONS:
        answered = Q(**{f"{field}__isnull": False})
        aggregates[f"{field}_n"] = Count("pk", filter=answered)
        aggregates[f"{field}_pos"] = Count("pk", filter=answered & positive)
        aggregates[f"{field}_n_paper"] = Count("pk", filter=answered & Q(paper=True))
        aggregates[f"{field}_pos_paper"] = Count("pk", filter=answered & positive & Q(paper=True))
    return aggregates


def published_poll_results(platform_ids, year: int) -> list[dict]:
    """Each published poll of the given platforms whose round's period ends in `year`, under
    the scorecards' display rules (`poll_figures`): for reporting's annual reports. One query,
    grouped by poll: answers of different polls are never pooled.

    Returns [{poll_id, round_id, round_title, platform_id, method, **poll_figures}], by
    period end; a poll without any answer is left out.
    """
    rows = (
        PollAnswer.objects.filter(
            poll__round__platform_id__in=platform_ids,
            poll__round__state=Round.State.PUBLISHED,
            poll__round__period_end__year=year,
        )
        .values(
            "poll_id",
            round_id=F("poll__round_id"),
            round_title=F("poll__round__title"),
            platform_id=F("poll__round__platform_id"),
            method=F("poll__method"),
            period_end=F("poll__round__period_end"),
        )
        .annotate(**_poll_aggregates())
        .order_by("period_end", "round_id")
    )
    return [
        {
            "poll_id": r["poll_id"],
            "round_id": r["round_id"],
            "round_title": r["round_title"],
            "platform_id": r["platform_id"],
            "method": r["method"],
            **poll_figures(r, method=r["method"]),
        }
        for r in rows
    ]


def poll_figures(a: dict, *, method: str) -> dict:
    """The display rules applied to aggregate counts (pure: tested at 9, 10, 99 and 100)."""
    n, n_paper = a["n"], a["n_paper"]
    n_portal = n - n_paper
    shown = n >= MIN_SHOWN
    result = {
        "n": n,
        "shown": shown,
        "indicative": shown and n < INDICATIVE_BELOW,
        "random_sample": method == Poll.Method.SAMPLE,
        "self_selected": method != Poll.Method.SAMPLE,
        "questions": [],
        "breakdown": False,
    }
    if not shown:
        return result
    breakdown = n_portal >= MIN_SHOWN and n_paper >= MIN_SHOWN
    any_breakdown = False
    for field, _positive in POLL_QUESTIONS:
        qn, qpos = a[f"{field}_n"], a[f"{field}_pos"]
        qn_paper, qpos_paper = a[f"{field}_n_paper"], a[f"{field}_pos_paper"]
        qn_portal, qpos_portal = qn - qn_paper, qpos - qpos_paper
        row = {"field": field, "answered": qn, "shown": qn >= MIN_SHOWN}
        if row["shown"]:
            p = qpos / qn
            row["percent"] = round(100 * p)
            if method == Poll.Method.SAMPLE:
                row["margin"] = _margin(p, qn)
        # every cell of the breakdown at least MIN_SHOWN, or no breakdown for this question
        if breakdown and row["shown"] and qn_portal >= MIN_SHOWN and qn_paper >= MIN_SHOWN:
            row["portal"] = {"answered": qn_portal, "percent": round(100 * qpos_portal / qn_portal)}
            row["paper"] = {"answered": qn_paper, "percent": round(100 * qpos_paper / qn_paper)}
            any_breakdown = True
        result["questions"].append(row)
    result["breakdown"] = any_breakdown
    return result


def poll_concerns(poll: Poll) -> list[str]:
    """The open answers, for the secretariat only; sorted so their order tells nothing."""
    return sorted(
        PollAnswer.objects.filter(poll=poll)
        .exclude(top_concern="")
        .values_list("top_concern", flat=True)
    )


# Units ---------------------------------------------------------------------------------------


def current_profile(unit: PoliceUnit) -> list[ProfileFigure]:
    """The latest row of each figure (kind, label), withdrawn ones left out: one query."""
    newer = ProfileFigure.objects.filter(
        unit=OuterRef("unit"), kind=OuterRef("kind"), label=OuterRef("label")
    ).filter(
        Q(entered_at__gt=OuterRef("entered_at"))
        | Q(entered_at=OuterRef("entered_at"), pk__gt=OuterRef("pk"))
    )
    return list(
        ProfileFigure.objects.filter(unit=unit, withdrawn=False)
        .filter(~Exists(newer))
        .select_related("entered_by")
        .order_by("kind", "label")
    )


def profile_history(unit: PoliceUnit):
    return ProfileFigure.objects.filter(unit=unit).select_related("entered_by")


def unit_proposal_record(unit: PoliceUnit) -> dict:
    """The unit's record on proposals addressed to it: answer rate, median days, overdue.

    Two queries: the counts in one aggregate; the median as the middle row(s) of the answered
    proposals ordered by time to answer (portable: no percentile function on SQLite).
    """
    from forums.models import Proposal, overdue_condition

    qs = Proposal.objects.public().filter(police_unit=unit, submitted_at__isnull=False)
    counts = qs.aggregate(
        addressed=Count("pk"),
        answered=Count("pk", filter=Q(police_answered_at__isnull=False)),
        overdue=Count("pk", filter=overdue_condition(party="police")),
    )
    answered = counts["answered"]
    median_days = None
    if answered:
        took = ExpressionWrapper(
            F("police_answered_at") - F("submitted_at"), output_field=DurationField()
        )
        middle = (answered - 1) // 2
        values = list(
            qs.filter(police_answered_at__isnull=False)
            .annotate(took=took)
            .order_by("took")
            .values_list("took", flat=True)[middle : middle + (1 if answered % 2 else 2)]
        )
        seconds = sum(v.total_seconds() for v in values) / len(values)
        median_days = round(seconds / 86400, 1)
    counts["rate"] = round(100 * answered / counts["addressed"]) if counts["addressed"] else None
    counts["median_days"] = median_days
    return counts


def unit_scorecard(unit: PoliceUnit) -> dict:
    """Everything the public scorecard shows, in a fixed number of queries (about 12)."""
    published = Subject.objects.filter(
        unit=unit, officer__isnull=True, round__state=Round.State.PUBLISHED
    )
    latest = (
        published.select_related("round__platform", "round__framework", "round__poll")
        .order_by("-round__period_end", "-round__published_at")
        .first()
    )
    trend = list(
        published.order_by("round__period_end", "round__pk").values(
            "round_id",
            "round__title",
            "round__period_end",
            "overall_external",
            "overall_internal",
        )
    )
    context = {
        "latest": latest,
        "trend": trend,
        "officers": list(
            LiaisonOfficer.objects.filter(unit=unit, active=True).select_related("user")
        ),
        "profile": current_profile(unit),
        "record": unit_proposal_record(unit),
        "recommendations": list(
            Recommendation.objects.filter(
                subject__unit=unit, subject__round__state=Round.State.PUBLISHED
            )
            .select_related("subject__round", "subject__officer__user")
            .order_by("status", "due")
        ),
        "inspectors": [],
    }
    if latest is not None:
        context["results"] = subject_results(latest)
        context["findings"] = list(
            Finding.objects.filter(subject=latest).select_related("criterion")
        )
        context["poll"] = poll_results(getattr(latest.round, "poll", None))
        context["inspectors"] = list(
            Subject.objects.filter(
                round=latest.round, unit=unit, officer__isnull=False
            ).select_related("officer__user")
        )
    return context


# Comparison ----------------------------------------------------------------------------------


def latest_published_subjects(*, target_kind: str, territory: Territory | None):
    """Each unit's latest published result for the kind of unit, within the territory."""
    later = Subject.objects.filter(
        unit=OuterRef("unit"),
        officer__isnull=True,
        round__state=Round.State.PUBLISHED,
        round__framework__target_kind=target_kind,
        round__period_end__gt=OuterRef("round__period_end"),
    )
    qs = Subject.objects.filter(
        officer__isnull=True,
        round__state=Round.State.PUBLISHED,
        round__framework__target_kind=target_kind,
        unit__kind__in=UNIT_KINDS_BY_TARGET[target_kind],
    ).filter(~Exists(later))
    if territory is not None:
        qs = qs.filter(unit__territory__path__startswith=territory.path)
    return qs


def comparison(*, target_kind: str, territory: Territory | None) -> dict:
    """Grade distributions of units of one kind in a territory (never averages): two queries."""
    subjects = latest_published_subjects(target_kind=target_kind, territory=territory)
    overall = {
        row["overall"]: row["n"]
        for row in subjects.values("overall").annotate(n=Count("pk")).order_by()
    }
    per_criterion: dict[str, dict] = {}
    lang = (translation.get_language() or "en")[:2]
    local = [f"criterion__question_{lang}"] if lang in ("ru", "ky", "uz") else []
    for row in (
        Moderation.objects.filter(subject__in=subjects, criterion__graded=True)
        .values("criterion__code", "criterion__question", "criterion__track", "grade", *local)
        .annotate(n=Count("pk"))
        .order_by("criterion__track", "criterion__code")
    ):
        entry = per_criterion.setdefault(
            row["criterion__code"],
            {
                "code": row["criterion__code"],
                "question": row.get(f"criterion__question_{lang}") or row["criterion__question"],
                "track": row["criterion__track"],
                "counts": {},
            },
        )
        entry["counts"][row["grade"]] = entry["counts"].get(row["grade"], 0) + row["n"]
    grades = sorted(Grade.values, reverse=True)
    rows = []
    for entry in per_criterion.values():
        entry["cells"] = [entry["counts"].get(g, 0) for g in grades]
        entry["ungraded"] = entry["counts"].get(None, 0)
        rows.append(entry)
    return {
        "units": sum(overall.values()),
        "overall": [(Grade(g).label, overall.get(g, 0)) for g in grades],
        "overall_none": overall.get(None, 0),
        "criteria": rows,
        "grade_labels": [Grade(g).label for g in grades],
    }


def comparison_territories():
    return Territory.objects.filter(
        kind__in=[
            Territory.Kind.OBLAST,
            Territory.Kind.CITY_REPUBLICAN,
            Territory.Kind.RAYON,
            Territory.Kind.CITY,
        ]
    ).order_by("kind", "name_en")


# Exports and other apps ----------------------------------------------------------------------


def round_result_rows(round_: Round) -> list[dict]:
    """One row per subject and criterion: aggregates only (moderated grade, raters, counts per
    grade), never a person's grade. Two queries."""
    subjects = {
        s.pk: s for s in round_.subjects.select_related("unit", "officer__user").order_by("pk")
    }
    dist: dict = defaultdict(lambda: defaultdict(int))
    for row in (
        Score.objects.filter(subject__round=round_)
        .values("subject_id", "criterion_id", "grade")
        .annotate(n=Count("pk"))
    ):
        dist[(row["subject_id"], row["criterion_id"])][row["grade"]] = row["n"]
    rows = []
    for m in (
        Moderation.objects.filter(subject__round=round_)
        .select_related("criterion")
        .order_by("subject_id", "criterion__position")
    ):
        s = subjects[m.subject_id]
        d = dist[(m.subject_id, m.criterion_id)]
        rows.append(
            {
                "unit": s.unit.name,
                "unit_id": s.unit_id,
                "inspector": s.officer.user.public_name if s.officer_id else "",
                "criterion": m.criterion.code,
                "question": m.criterion.local_question,
                "track": m.criterion.track,
                "weight": m.criterion.weight,
                "grade": m.grade,
                "grade_label": Grade(m.grade).label if m.grade else "",
                "raters": sum(d.values()),
                **{f"n_{Grade(g).name.lower()}": d.get(g, 0) for g in Grade.values},
                "source": m.source,
                "overall": s.overall,
                "overall_external": s.overall_external,
                "overall_internal": s.overall_internal,
            }
        )
    return rows


def published_results(platform_ids, year: int) -> dict:
    """Published assessment results of the given platforms for rounds whose period ends in
    `year`: for reporting's annual reports. Aggregates only; three queries.

    Returns {"subjects": [{round_id, round_title, platform_id, unit_id, unit_name, officer_id,
    target_kind, overall, overall_external, overall_internal}], "overall_distribution":
    {grade or None: count}, "criteria": [{code, track, grade, n}] (count of subjects per
    moderated grade of each criterion), "recommendations": {status: count}}. Grades are 5
    (outstanding) .. 1 (inadequate).
    """
    subjects = Subject.objects.filter(
        round__platform_id__in=list(platform_ids),
        round__state=Round.State.PUBLISHED,
        round__period_end__year=year,
    )
    rows = list(
        subjects.order_by("round_id", "unit__name").values(
            "round_id",
            "officer_id",
            "unit_id",
            "overall",
            "overall_external",
            "overall_internal",
            round_title=F("round__title"),
            platform_id=F("round__platform_id"),
            unit_name=F("unit__name"),
            target_kind=F("round__framework__target_kind"),
        )
    )
    distribution: dict = defaultdict(int)
    for row in rows:
        distribution[row["overall"]] += 1
    criteria = list(
        Moderation.objects.filter(subject__in=subjects)
        .values("grade", code=F("criterion__code"), track=F("criterion__track"))
        .annotate(n=Count("pk"))
        .order_by("code", "-grade")
    )
    recommendations = dict(
        Recommendation.objects.filter(subject__in=subjects)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {
        "subjects": rows,
        "overall_distribution": dict(distribution),
        "criteria": criteria,
        "recommendations": recommendations,
    }


def scored_units_count() -> int:
    return (
        PoliceUnit.objects.filter(assessments__round__state=Round.State.PUBLISHED)
        .distinct()
        .count()
    )


def target_kind_choices():
    return TargetKind.choices
