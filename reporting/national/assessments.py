"""Assessment rounds over ten years: each platform assesses the police of its level (national:
the ministry; councils: their district department; forums: the local department or its
neighbourhood inspector), with scores from three raters, moderated grades, the overall grades
stored as the weighted median the service stores, findings, recommendations, and a citizen
poll per round (portal polls with one participation per answer, paper samples without)."""

import uuid
from datetime import date, timedelta

from assessments.models import (
    Criterion,
    Finding,
    Framework,
    Moderation,
    Poll,
    PollAnswer,
    PollParticipation,
    Recommendation,
    Round,
    RoundEvent,
    Score,
    Subject,
)
from assessments.selectors import weighted_median
from platforms.models import LiaisonOfficer, PoliceUnit
from reporting.national.base import YEARS

CONCERNS = ["Кража скота", "Уличное освещение", "Драки подростков", "Мал уурдоо",
            "Жол кырсыгы", "Вымогательство в школе", "Mol oʻgʻirligi", ""]  # fmt: skip
TRANSITIONS = ("draft", "evidence", "scoring", "reply", "published")


def generate(ctx, nation) -> None:
    rng, now, w, sizes = ctx.rng("assessments"), ctx.now, ctx.writer, ctx.sizes
    frameworks = {}
    for fw in Framework.objects.order_by("target_kind", "-version"):
        frameworks.setdefault(fw.target_kind, fw.pk)
    criteria = {}
    for c in Criterion.objects.order_by("position", "pk").values(
        "pk", "framework_id", "track", "weight", "graded"
    ):
        criteria.setdefault(c["framework_id"], []).append(c)
    ministry = PoliceUnit.objects.filter(kind="ministry").values_list("pk", flat=True).first()
    inspectors = {
        unit: pk
        for pk, unit in LiaisonOfficer.objects.filter(
            position="neighbourhood", active=True
        ).values_list("pk", "unit_id")
    }
    rounds = w.table(
        Round,
        ["id", "platform_id", "framework_id", "title", "period_start", "period_end", "state",
         "opened_by_id", "created_at", "published_at"],
    )  # fmt: skip
    subjects = w.table(
        Subject,
        ["id", "round_id", "unit_id", "officer_id", "overall", "overall_external",
         "overall_internal", "reply", "reply_by_id", "reply_at"],
    )  # fmt: skip
    scores = w.table(
        Score, ["id", "subject_id", "criterion_id", "rater_id", "grade", "rationale", "at"]
    )
    moderations = w.table(
        Moderation,
        ["id", "subject_id", "criterion_id", "grade", "narrative", "source", "raters",
         "moderated_by_id", "at"],
    )  # fmt: skip
    findings = w.table(
        Finding, ["id", "subject_id", "criterion_id", "kind", "text", "created_by_id", "created_at"]
    )
    recommendations = w.table(
        Recommendation,
        ["id", "subject_id", "finding_id", "kind", "text", "addressee", "due", "status",
         "decision_id", "response", "response_by_id", "response_at", "created_by_id",
         "created_at"],
    )  # fmt: skip
    events = w.table(
        RoundEvent, ["id", "round_id", "action", "old", "new", "actor_id", "reason", "at"]
    )
    polls = w.table(Poll, ["id", "round_id", "method"])
    answers = w.table(
        PollAnswer,
        ["id", "poll_id", "day", "paper", "job", "confidence", "rely", "respect", "fair",
         "listen", "safe_dark", "knows_inspector", "contacted", "top_concern"],
    )  # fmt: skip
    participations = w.table(PollParticipation, ["id", "poll_id", "user_id"])

    # who assesses what, one round per platform and year at most
    n_rounds = sizes["rounds"]
    plan = []
    years = list(range(now.year - YEARS, now.year + 1))
    if ministry:
        past = years[:-1][-min(YEARS, n_rounds) :]
        plan += [(nation.national, "ministry", ministry, None, y) for y in reversed(past)]
    for council in nation.councils:
        unit = nation.district_unit_of_council.get(council.id)
        if unit:
            plan += [(council, "territorial", unit, None, y) for y in rng.sample(years, 2)]
    forums = [f for f in nation.forums if f.id in nation.unit_of_forum and f.status == "active"]
    while len(plan) < n_rounds and forums:
        forum = rng.choice(forums)
        unit = nation.unit_of_forum[forum.id]
        if rng.random() < 0.3 and unit in inspectors:
            plan.append((forum, "neighbourhood", unit, inspectors[unit], rng.choice(years)))
        else:
            plan.append((forum, "local", unit, None, rng.choice(years)))
    plan = plan[:n_rounds]
    # answers: a few large polls, many small ones (sums to the target)
    weights = [rng.paretovariate(1.5) for _ in plan]
    total_weight = sum(weights) or 1
    budget = sizes["poll_answers"]
    users = nation.users
    user_cursor = 0
    for (platform, kind, unit, officer, year), weight in zip(plan, weights, strict=True):
        fw = frameworks[kind]
        rid = rounds.new_id()
        start, end = date(year, 1, 1), date(year, 12, 31)
        if end >= now.date():
            end = now.date() - timedelta(days=1)
            state = rng.choice(("draft", "evidence", "scoring", "reply"))
        else:
            state = "published" if rng.random() < 0.9 else "reply"
        secretariat = nation.secretariat.get(platform.id) or users
        actor = rng.choice(secretariat)
        created = _at(now, end + timedelta(days=5))
        published_at = (
            _at(now, end + timedelta(days=rng.randint(40, 120))) if state == "published" else None
        )
        rounds.add(rid, platform.id, fw, f"Оценка милиции {year}", start, end, state, actor,
                   created, published_at)  # fmt: skip
        steps = TRANSITIONS[: TRANSITIONS.index(state) + 1]
        for i, (old, new) in enumerate(zip(("",) + steps, steps, strict=False)):
            at = min(created + timedelta(days=10 * i), now - timedelta(hours=1))
            events.add(
                events.new_id(), rid, "create" if not old else "transition", old, new, actor, "", at
            )
        sid = subjects.new_id()
        graded_state = state in ("reply", "published")
        weights_by_track: dict[str, dict[int, int]] = {}
        raters = (
            rng.sample(secretariat + (nation.members.get(platform.id) or [])[:50], k=3)
            if len(set(secretariat + (nation.members.get(platform.id) or [])[:50])) >= 3
            else [actor] * 3
        )
        raters = list(dict.fromkeys(raters))
        base = rng.randint(1, 5)
        for c in criteria[fw]:
            if state in ("draft", "evidence"):
                continue
            grades = [max(1, min(5, base + rng.randint(-1, 1))) for _ in raters]
            for rater, grade in zip(raters, grades, strict=True):
                scores.add(scores.new_id(), sid, c["pk"], rater, grade if c["graded"] else None,
                           "Оценка по результатам встреч и данных.", created + timedelta(days=20))  # fmt: skip
            if graded_state:
                grade = sorted(grades)[len(grades) // 2] if c["graded"] else None
                moderations.add(moderations.new_id(), sid, c["pk"], grade,
                                "Согласовано модератором по доказательствам.",
                                "МВД, статистика" if c["track"] == "internal" else "", len(raters),
                                actor, created + timedelta(days=30))  # fmt: skip
                if grade is not None:
                    per = weights_by_track.setdefault(c["track"], {})
                    per[grade] = per.get(grade, 0) + c["weight"]
        combined: dict[int, int] = {}
        for per in weights_by_track.values():
            for g, wt in per.items():
                combined[g] = combined.get(g, 0) + wt
        overall = weighted_median(combined) if graded_state else None
        reply = (
            "Мы согласны с выводами и выполним рекомендации."
            if state == "published" and rng.random() < 0.5
            else ""
        )
        subjects.add(
            sid, rid, unit, officer, overall,
            weighted_median(weights_by_track.get("external", {})) if graded_state else None,
            weighted_median(weights_by_track.get("internal", {})) if graded_state else None,
            reply, (nation.officers.get(unit) or [None])[0] if reply else None,
            created + timedelta(days=45) if reply else None,
        )  # fmt: skip
        if graded_state:
            for _ in range(rng.randint(1, 3)):
                fid = findings.new_id()
                findings.add(fid, sid, None, rng.choice(("strength", "improvement", "concern")),
                             "Инспектор регулярно встречается с жителями.", actor, created + timedelta(days=35))  # fmt: skip
                if rng.random() < 0.6:
                    recommendations.add(
                        recommendations.new_id(), sid, fid, "improvement",
                        "Проводить ежемесячные приёмы граждан.", "Начальник отдела",
                        end + timedelta(days=rng.randint(90, 400)), rng.choice(("red", "amber", "green")),
                        None, "", None, None, actor, created + timedelta(days=40),
                    )  # fmt: skip
        # the poll
        poll_id = polls.new_id()
        portal = rng.random() < 0.3
        polls.add(poll_id, rid, "portal" if portal else "sample")
        n = 0 if state == "draft" else int(budget * weight / total_weight)
        for k in range(n):
            # one participation per portal answer, for distinct users; the rest came on paper
            online = portal and k < len(users)
            answers.add(
                uuid.UUID(int=rng.getrandbits(128), version=4),
                poll_id,
                start + timedelta(days=rng.randint(0, (end - start).days)),
                not online,
                *(_answer(rng, 5) for _ in range(6)),
                _answer(rng, 4),
                rng.choice((True, False, None)),
                rng.choice((True, False, None)),
                rng.choice(CONCERNS),
            )
            if online:
                participations.add(
                    participations.new_id(), poll_id, users[(user_cursor + k) % len(users)]
                )
        user_cursor += n


def _answer(rng, top):
    return rng.randint(1, top) if rng.random() < 0.92 else None


def _at(now, day):
    t = now.replace(year=day.year, month=day.month, day=day.day)
    return min(t, now - timedelta(hours=1))
