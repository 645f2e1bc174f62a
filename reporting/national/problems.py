"""SARA problems of the forums in every stage, with measures, tasks and a history; closed ones
published in the library of practice, adopted by other forums (Practice.adoption_count kept
equal to its adoptions), and councils' reviews."""

from datetime import timedelta
from decimal import Decimal

from forums.models import Category
from forums.problems.models import (
    KG_LAT,
    KG_LON,
    Practice,
    PracticeAdoption,
    Problem,
    ProblemEvent,
    ProblemMeasure,
    ProblemReview,
    ProblemTask,
)
from reporting.national import words
from reporting.national.base import YEARS, fill, language_of, skewed_ago, text

STAGES = ("scanning", "analysis", "response", "assessment", "closed")


def generate(ctx, nation) -> None:
    rng, now, w = ctx.rng("problems"), ctx.now, ctx.writer
    problems = w.table(
        Problem,
        ["id", "platform_id", "stage", "title", "problem_type", "category", "territory_id",
         "place", "lat", "lon", "period", "noticed_via", "source_proposal_id", "harm",
         "frequency", "priority_reason", "incidents", "offender", "handler", "victim",
         "guardian", "location", "manager", "repeats", "current_responses", "explanation",
         "options", "chosen_response", "chosen_reason", "objectives", "as_planned",
         "displacement", "goals_met", "decision", "lessons", "created_by_id", "created_at",
         "updated_at", "closed_at"],
    )  # fmt: skip
    events = w.table(
        ProblemEvent,
        ["id", "problem_id", "kind", "old_stage", "new_stage", "actor_id", "note", "at"],
    )
    measures = w.table(
        ProblemMeasure,
        ["id", "problem_id", "name", "source", "baseline_value", "baseline_on", "after_value",
         "after_on"],
    )  # fmt: skip
    tasks = w.table(
        ProblemTask, ["id", "problem_id", "party", "who", "police_unit_id", "what", "due"]
    )
    practices = w.table(
        Practice,
        ["id", "problem_id", "platform_id", "title", "summary", "what_worked", "measures",
         "contact", "problem_type", "category", "territory_id", "published_by_id",
         "published_at", "adoption_count"],
    )  # fmt: skip
    adoptions = w.table(
        PracticeAdoption,
        ["id", "practice_id", "problem_id", "platform_id", "note", "created_by_id", "at"],
    )
    reviews = w.table(
        ProblemReview,
        ["id", "problem_id", "reviewer_platform_id", "reviewer_id", "analysis", "goals",
         "effectiveness", "involvement", "feedback", "at"],
    )  # fmt: skip
    forums = [f for f in nation.forums if f.status == "active"] or nation.forums
    published: list[tuple[int, int]] = []  # (practice id, platform id)
    open_problems: list[tuple[int, int, object]] = []
    for _ in range(ctx.sizes["problems"]):
        forum = rng.choice(forums)
        pid = problems.new_id()
        lang = language_of(forum.code, rng)
        created = now - timedelta(days=skewed_ago(rng, 365 * YEARS) + 1)
        age = (now - created).days
        stage = STAGES[min(4, int(rng.random() * min(5, 1 + age / 90)))]
        idx = STAGES.index(stage)
        actor = rng.choice(nation.secretariat.get(forum.id) or nation.users)
        title = fill(rng.choice(words.PROBLEM_TITLES[lang]), rng)
        body = text(rng, lang, 2)
        lat = lon = None
        if rng.random() < 0.7:
            lat = Decimal(rng.randint(int(KG_LAT[0] * 100), int(KG_LAT[1] * 100))) / 100
            lon = Decimal(rng.randint(int(KG_LON[0] * 100), int(KG_LON[1] * 100))) / 100
        t = [created + timedelta(days=age * (i + 1) / 6) for i in range(5)]
        a = idx >= 1
        r = idx >= 2
        s = idx >= 3
        closed = idx == 4
        problems.add(
            pid, forum.id, stage, title, rng.choice(("behaviour", "place", "person", "time")),
            rng.choice(Category.values), forum.territory_id, fill("у {s}", rng), lat, lon,
            "вечерами, летом", rng.choice(("calls", "complaints", "poll", "proposal", "meeting")),
            None, body, "еженедельно", "Жители боятся выходить вечером.", "",
            body if a else "", "" , "", "", "", "", "", "", body if a else "",
            body if r else "", body if r else "", "Проверенная практика." if r else "",
            "Снизить число случаев вдвое." if r else "", "yes" if s else "", "",
            rng.choice(("yes", "partly", "no")) if s else "", "close" if closed else "",
            "Работает только вместе с жителями." if closed else "", actor, created,
            t[idx], t[4] if closed else None,
        )  # fmt: skip
        events.add(events.new_id(), pid, "created", "", "scanning", actor, "", created)
        for i in range(1, idx + 1):
            events.add(events.new_id(), pid, "stage", STAGES[i - 1], STAGES[i], actor, "", t[i - 1])
            if i == 3:
                for _ in range(rng.randint(1, 4)):
                    events.add(
                        events.new_id(),
                        pid,
                        "log",
                        "",
                        "",
                        actor,
                        "Проведён рейд.",
                        t[i - 1] + timedelta(days=1),
                    )
        if a:
            baseline = Decimal(rng.randint(5, 60))
            after = (
                baseline * Decimal(rng.uniform(0.3, 1.1)).quantize(Decimal("0.01")) if s else None
            )
            measures.add(measures.new_id(), pid, "Случаи в месяц", "Журнал милиции", baseline,
                         t[0].date(), after.quantize(Decimal("0.01")) if after is not None else None,
                         t[3].date() if s else None)  # fmt: skip
        if r:
            tasks.add(tasks.new_id(), pid, "police", "Участковый инспектор",
                      nation.unit_of_forum.get(forum.id), "Вечерние патрули", t[2].date() + timedelta(days=60))  # fmt: skip
        if closed and rng.random() < 0.3:
            prid = practices.new_id()
            published.append((prid, forum.id, pid, title, forum.territory_id, t[4]))
        elif not closed:
            open_problems.append((pid, forum.id, actor))
        if s and rng.random() < 0.3 and forum.parent_id:
            parent_secretariat = nation.secretariat.get(forum.parent_id) or nation.users
            reviews.add(reviews.new_id(), pid, forum.parent_id, rng.choice(parent_secretariat),
                        *(rng.randint(0, 4) for _ in range(4)), "Хороший анализ.", t[3] + timedelta(days=5))  # fmt: skip
    adopted: dict[int, int] = {}
    links = []
    if published:
        for pid, platform_id, actor in open_problems:
            if rng.random() < 0.1:
                prac = rng.choice(published)
                if prac[1] != platform_id:
                    links.append((prac[0], pid, platform_id, actor))
                    adopted[prac[0]] = adopted.get(prac[0], 0) + 1
    for prid, platform_id, problem_id, title, territory_id, at in published:
        practices.add(prid, problem_id, platform_id, title, "Краткое описание практики.",
                      "Совместные патрули и освещение.", "Случаи снизились вдвое.",
                      "Секретариат форума", "place", "patrol", territory_id, None, at,
                      adopted.get(prid, 0))  # fmt: skip
    for prid, pid, platform_id, actor in links:
        adoptions.add(
            adoptions.new_id(),
            prid,
            pid,
            platform_id,
            "",
            actor,
            now - timedelta(days=rng.randint(1, 300)),
        )
