"""Builders for SARA problems, through the services, so every record is one a forum could make."""

from datetime import date, timedelta

from django.utils import timezone

from forums.problems import services
from forums.problems.models import Problem

SCANNING = {
    "title": "Подростки собираются у магазина Ак-Бата ранним вечером",
    "problem_type": "behaviour",
    "category": "youth",
    "place": "магазин Ак-Бата у автобусной остановки",
    "period": "будни 17:00-20:00, с сентября",
    "noticed_via": "complaints",
    "harm": "Драки, оскорбления прохожих, жители боятся ходить к остановке.",
    "frequency": "3-4 раза в неделю",
    "priority_reason": "Рядом школа; жалобы на каждом собрании форума.",
    "incidents": "12.09: драка у магазина\n20.09: разбита витрина\n02.10: угрозы продавцу",
}
ANALYSIS = {
    "offender": "Группа из 8-10 подростков 14-17 лет",
    "handler": "Родители, тренер секции бокса",
    "victim": "Продавцы и прохожие, младшие школьники",
    "guardian": "Участковый инспектор, дежурные родители",
    "location": "Освещённая площадка у магазина, скамейка, продажа энергетиков",
    "manager": "Владелец магазина, айыл окмоту",
    "repeats": "Те же подростки каждый вечер; один и тот же магазин.",
    "current_responses": "Вызовы милиции: приезжают через 40 минут, подростки расходятся.",
    "explanation": "После закрытия спортзала подросткам некуда идти вечером.",
}
RESPONSE = {
    "options": "Патрули; вечерняя секция в школе; камера у магазина; опыт Кара-Балты.",
    "chosen_response": "Вечерняя спортивная секция в школе и дежурства родителей.",
    "chosen_reason": "Дёшево и занимает подростков в часы проблемы.",
    "objectives": "Вдвое меньше жалоб к декабрю.",
}
ASSESSMENT = {
    "as_planned": "yes",
    "displacement": "Не замечено; у соседнего магазина жалоб тоже нет.",
    "goals_met": "yes",
    "decision": "close",
    "lessons": "Секция работает, пока есть тренер; нужен второй.",
}


def record(platform, user, **overrides) -> Problem:
    data = {**SCANNING, "territory": platform.territory, **overrides}
    return services.problem_create(platform=platform, actor=user, **data)


def to_analysis(problem, user) -> Problem:
    return services.problem_advance(problem=problem, actor=user, action="analyse")


def fill_analysis(problem, user) -> Problem:
    services.problem_update(problem=problem, actor=user, **ANALYSIS)
    services.measure_add(
        problem=problem,
        actor=user,
        name="Жалобы в месяц",
        source="журнал айыл окмоту",
        baseline_value=12,
        baseline_on=date(2025, 10, 1),
    )
    return Problem.objects.get(pk=problem.pk)


def fill_response(problem, user) -> Problem:
    services.problem_update(problem=problem, actor=user, **RESPONSE)
    services.task_add(
        problem=problem,
        actor=user,
        party="school",
        who="Школа №3",
        what="Открыть вечернюю секцию",
        due=timezone.localdate() + timedelta(days=30),
    )
    services.problem_log(problem=problem, actor=user, note="Секция открыта, 14 участников")
    return Problem.objects.get(pk=problem.pk)


def fill_assessment(problem, user, **overrides) -> Problem:
    services.problem_update(problem=problem, actor=user, **{**ASSESSMENT, **overrides})
    for measure in problem.measures.all():
        services.measure_record_after(
            measure=measure, actor=user, after_value=5, after_on=date(2026, 1, 10)
        )
    return Problem.objects.get(pk=problem.pk)


FILL = {"analysis": fill_analysis, "response": fill_response}
NEXT = {"scanning": "analyse", "analysis": "respond", "response": "assess"}


def at_stage(platform, member, stage: str) -> Problem:
    """A problem of the platform, filled in and moved up to the given stage."""
    problem = record(platform, member)
    while problem.stage != stage:
        fill = FILL.get(problem.stage)
        if fill:
            fill(problem, member)
        problem = services.problem_advance(
            problem=problem, actor=member, action=NEXT[problem.stage]
        )
    return problem


def closed(platform, member, secretariat) -> Problem:
    problem = at_stage(platform, member, "assessment")
    fill_assessment(problem, member)
    return services.problem_advance(problem=problem, actor=secretariat, action="close")
