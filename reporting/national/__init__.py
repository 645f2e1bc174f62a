"""A national-scale data generator (issue 13): deterministic from a seed, bulk-inserting.

`manage.py seed_national --scale 1 --seed 7` builds the national council, a council for every
rayon and city, community forums, users, memberships, proposals with their timelines, police
answers, notifications, assessment rounds with polls, SARA problems, meetings and ten years of
plans and published reports. Each phase is a module of this package; `generate` runs them in
order and returns the rows and seconds per table.
"""

import time
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction

from reporting.national.base import Nation, Sizes, anchor, rng_for
from reporting.national.writer import BulkWriter

PHASES = ("structure", "proposals", "notifications", "assessments", "problems", "reports")


@dataclass
class Context:
    seed: int
    sizes: Sizes
    writer: BulkWriter
    now: object
    info: dict = field(default_factory=dict)

    def rng(self, phase: str):
        return rng_for(self.seed, phase)


def generate(
    *,
    scale: float,
    seed: int,
    phases=PHASES,
    verbose: bool = True,
    out=None,
    today: date | None = None,
) -> dict:
    """Run the phases; returns {"tables": {table: (rows, seconds)}, "phases": {...}, "demo": ...}."""
    from reporting.national import (
        assessments,
        notifications,
        problems,
        proposals,
        reports,
        structure,
    )

    writer = BulkWriter(verbose=verbose, **({"out": out} if out else {}))
    ctx = Context(seed=seed, sizes=Sizes(scale), writer=writer, now=anchor(today))
    timings = {}
    nation = None
    for phase in PHASES:
        if phase not in phases:
            continue
        started = time.perf_counter()
        with transaction.atomic():
            if phase == "structure":
                ctx.info.update(structure.generate(ctx))
            else:
                writer.flush()
                if nation is None or phase == "proposals":
                    nation = Nation.load()
                if phase == "proposals":
                    proposals.generate(ctx, nation)
                elif phase == "notifications":
                    demo_liaison = _demo_user("liaison")
                    notifications.generate(ctx, nation, big_inbox_user=demo_liaison)
                elif phase == "assessments":
                    assessments.generate(ctx, nation)
                elif phase == "problems":
                    problems.generate(ctx, nation)
                elif phase == "reports":
                    ctx.info.update(reports.generate(ctx, nation) or {})
            writer.finish()
        timings[phase] = time.perf_counter() - started
        if out is not None and verbose:
            out.write(f"phase {phase}: {timings[phase]:.1f}s\n")
    # COPY sends no signal: cached pages and statistics of the old rows are stale now
    from accounts.pagecache import bump

    bump()
    started = time.perf_counter()
    recounted = recount()
    timings["recount"] = time.perf_counter() - started
    if connection.vendor == "postgresql":
        started = time.perf_counter()
        with connection.cursor() as cursor:
            # fresh statistics for the planner on every table written (COPY does not update them)
            cursor.execute("ANALYZE " + ", ".join(f'"{t}"' for t in sorted(writer.stats)))
        timings["analyze"] = time.perf_counter() - started
        started = time.perf_counter()
        ctx.info["summaries"] = summaries_refresh(ctx.now.year)
        timings["summaries"] = time.perf_counter() - started
    return {
        "tables": {t: (s.rows, s.seconds) for t, s in writer.stats.items()},
        "phases": timings,
        "info": {**ctx.info, "recounted": recounted},
    }


# Counters other apps maintain in the same transaction as a change, with the function each
# provides to recount them all: called after a bulk load, when present.
RECOUNTS = (("platforms.services", "platform_member_counts_recount"),)


def recount() -> dict[str, int]:
    import importlib

    done = {}
    for module, name in RECOUNTS:
        function = getattr(importlib.import_module(module), name, None)
        if function is not None:
            done[name] = function()
    return done


def summaries_refresh(year: int) -> dict[int, int]:
    """The yearly figure summaries (reporting.summaries) of the data's last two years and of
    the calendar's, so the annual reports read them at once: {year: platform rows}."""
    from reporting.summaries.refresh import nightly_years, refresh_year

    return {y: refresh_year(y) for y in sorted({year - 1, year, *nightly_years()})}


def _demo_user(name: str) -> int | None:
    from accounts.models import User
    from reporting.national.base import DOMAIN

    return User.objects.filter(email=f"{name}@{DOMAIN}").values_list("pk", flat=True).first()
