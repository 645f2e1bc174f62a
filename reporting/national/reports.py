"""Meetings, then ten years of adopted plans and published annual reports.

Meetings come first because reports count them. Reports are published bottom-up (councils,
then the national council) with figures computed by the reporting app's own selector
(reporting.selectors.report_figures), frozen as version 1, as report_publish would.
"""

import time
from datetime import timedelta

from forums.models import AgendaItem, Meeting, Proposal
from platforms.models import Platform
from reporting.models import (
    AnnualReport,
    PlanAction,
    PlanEvent,
    ReportEvent,
    ReportVersion,
    StrategicPlan,
)
from reporting.national import words
from reporting.national.base import YEARS, language_of, skewed_ago

SECTIONS = {
    "summary": "Совет провёл заседания, рассмотрел предложения жителей и оценил работу милиции.",
    "achievements": "Снизилось число краж скота; в сёлах установлено освещение.",
    "problems": "Не все ответы милиции приходят в срок.",
    "next_year": "Больше встреч с молодёжью и школами.",
}


def meetings(ctx, nation) -> None:
    rng, now, w = ctx.rng("meetings"), ctx.now, ctx.writer
    table = w.table(
        Meeting,
        ["id", "platform_id", "kind", "title", "starts_at", "location", "group_id", "invited",
         "status", "cancel_reason", "minutes", "minutes_published_at", "created_by_id",
         "created_at"],
    )  # fmt: skip
    attendees = w.table(Meeting.attendees.through, ["id", "meeting_id", "user_id"])
    agenda = w.table(AgendaItem, ["id", "meeting_id", "proposal_id", "title", "position"])
    by_platform: dict[int, list[int]] = {}
    for pid, platform_id in Proposal.objects.exclude(state__in=Proposal.PRIVATE_STATES).values_list(
        "pk", "platform_id"
    ):
        by_platform.setdefault(platform_id, []).append(pid)
    platforms = [
        p for p in [nation.national, *nation.councils, *nation.forums] if p.status == "active"
    ]
    weights = [len(nation.members.get(p.id, ())) + 10 for p in platforms]
    for _ in range(ctx.sizes["meetings"]):
        p = rng.choices(platforms, weights)[0]
        mid = table.new_id()
        starts = now - timedelta(days=skewed_ago(rng, 365 * YEARS) - 20)
        lang = language_of(p.code, rng)
        past = starts < now
        cancelled = rng.random() < 0.03
        kind = rng.choices(("general", "group", "seminar", "police_report"), (6, 2, 1, 2))[0]
        secretariat = nation.secretariat.get(p.id) or nation.users
        minutes = (
            "Рассмотрены предложения жителей; решения приняты." if past and not cancelled else ""
        )
        table.add(
            mid, p.id, kind, rng.choice(words.MEETING_TITLES[lang]), starts,
            "Здание айыл окмоту", None, "", "cancelled" if cancelled else "scheduled",
            "Перенесено." if cancelled else "", minutes,
            starts + timedelta(days=3) if minutes and starts + timedelta(days=3) < now else None,
            rng.choice(secretariat), min(starts - timedelta(days=10), now - timedelta(hours=1)),
        )  # fmt: skip
        if past and not cancelled:
            people = nation.members.get(p.id) or []
            for user in rng.sample(people, min(len(people), rng.randint(3, 15))):
                attendees.add(attendees.new_id(), mid, user)
        candidates = by_platform.get(p.id, [])
        for pos, proposal in enumerate(
            rng.sample(candidates, min(len(candidates), rng.randint(0, 3)))
        ):
            agenda.add(agenda.new_id(), mid, proposal, "Предложение жителей", pos)


def plans_and_reports(ctx, nation, out=None) -> dict:
    rng, now, w = ctx.rng("reports"), ctx.now, ctx.writer
    plans = w.table(
        StrategicPlan,
        ["id", "platform_id", "year", "title", "objectives", "status", "decision_id",
         "created_by_id", "created_at", "adopted_at"],
    )  # fmt: skip
    actions = w.table(
        PlanAction,
        ["id", "plan_id", "objective", "title", "responsible", "police_unit_id",
         "responsible_name", "deadline", "status", "progress", "position"],
    )  # fmt: skip
    plan_events = w.table(
        PlanEvent, ["id", "plan_id", "action_id", "kind", "old", "new", "note", "actor_id", "at"]
    )
    # report_figures runs ~25 queries over the whole subtree: at full scale a few seconds each,
    # so ten years are published by the national council and the largest councils only
    # (two years below scale 0.1, to keep small runs quick)
    years = list(range(now.year - (YEARS if ctx.sizes.scale >= 0.1 else 2), now.year))
    reporting = sorted(nation.councils, key=lambda c: -len(nation.members.get(c.id, ())))
    reporting = reporting[: ctx.sizes["reporting_councils"]]
    upper = [*nation.councils, nation.national]
    for p in upper:
        secretariat = nation.secretariat.get(p.id) or nation.users
        for year in [*years, now.year]:
            plan_id = plans.new_id()
            created = _day(now, year - 1, 12, 1)
            adopted = _day(now, year, 1, 20)
            plans.add(plan_id, p.id, year, f"План на {year} год",
                      "Снизить кражи скота\nОсветить улицы\nРаботать со школами", "adopted", None,
                      rng.choice(secretariat), created, adopted)  # fmt: skip
            plan_events.add(
                plan_events.new_id(),
                plan_id,
                None,
                "status",
                "voting",
                "adopted",
                "",
                None,
                adopted,
            )
            for pos in range(rng.randint(3, 6)):
                done = year < now.year
                status = (
                    rng.choice(("done", "done", "cancelled", "in_progress"))
                    if done
                    else rng.choice(("planned", "in_progress"))
                )
                unit = nation.district_unit_of_council.get(p.id)
                actions.add(actions.new_id(), plan_id, "Снизить кражи скота", "Совместные патрули",
                            "police" if unit else "platform", unit, "", _day(now, year, 11, 30).date(),
                            status, 100 if status == "done" else rng.randint(0, 90), pos)  # fmt: skip
    w.flush()

    reports = w.table(
        AnnualReport,
        ["id", "platform_id", "year", "status", *AnnualReport.SECTIONS, "figures", "job",
         "job_progress", "generated_at", "created_by_id", "created_at", "published_at"],
    )  # fmt: skip
    versions = w.table(
        ReportVersion,
        ["id", "report_id", "number", "figures", "sections", "note", "published_by_id",
         "published_at"],
    )  # fmt: skip
    report_events = w.table(
        ReportEvent, ["id", "report_id", "action", "old", "new", "note", "actor_id", "at"]
    )
    from django.db import connection

    from reporting.selectors import report_figures

    if connection.vendor == "postgresql":
        # a bulk load's session may sort and hash in memory: with the default 4 MB, a membership
        # subquery over the whole country no longer fits a hashed subplan and the plan turns
        # quadratic (people_figures at scale 1); the setting ends with this transaction
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '256MB'")
    instances = Platform.objects.in_bulk([p.id for p in upper])
    seconds = {}
    for year, group in ((y, g) for y in years for g in (reporting, [nation.national])):
        for p in group:  # councils first: the national report counts their reports
            secretariat = nation.secretariat.get(p.id) or nation.users
            actor = rng.choice(secretariat)
            started = time.perf_counter()
            figures = report_figures(instances[p.id], year)
            seconds.setdefault(p.level, []).append(time.perf_counter() - started)
            published = _day(now, year + 1, 2, 15)
            rid = reports.new_id()
            reports.add(rid, p.id, year, "published", *SECTIONS.values(), figures, "done", 100,
                        published, actor, _day(now, year + 1, 1, 10), published)  # fmt: skip
            versions.add(versions.new_id(), rid, 1, {**figures, "version_number": 1},
                         dict(SECTIONS), "", actor, published)  # fmt: skip
            report_events.add(
                report_events.new_id(),
                rid,
                "publish",
                "in_review",
                "published",
                "",
                actor,
                published,
            )
        w.flush()
    return {
        "report_figures_seconds": {
            level: round(max(values), 2) for level, values in seconds.items()
        }
    }


def _day(now, year, month, day):
    t = now.replace(year=year, month=month, day=day)
    return min(t, now - timedelta(hours=1))


def generate(ctx, nation) -> dict:
    meetings(ctx, nation)
    ctx.writer.flush()
    return plans_and_reports(ctx, nation)
