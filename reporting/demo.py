"""Demo plans and reports on top of the platform and forum demos: idempotent."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from platforms.decisions import vote_cast
from platforms.models import Membership, Party, Platform, PoliceUnit, Role
from reporting import services
from reporting.models import AnnualReport, StrategicPlan

COUNCIL_PLAN = {
    "title": "План обеспечения общественной безопасности Аламудунского района",
    "objectives": "Безопасная дорога в школу для каждого ребёнка\n"
    "Меньше семейных конфликтов через раннее посредничество\n"
    "Открытые отчёты милиции перед жителями каждый квартал",
    "actions": [
        (
            "Безопасная дорога в школу",
            "Освещение шести улиц у школ",
            "lsg",
            "Айыл окмоту",
            5,
            "done",
            100,
        ),
        (
            "Безопасная дорога в школу",
            "Вечерние патрули у школ (17:00–19:00)",
            "police",
            "",
            3,
            "in_progress",
            60,
        ),
        (
            "Меньше семейных конфликтов",
            "Обучение медиаторов аксакальского суда и совета женщин",
            "ngo",
            "ОО «Женская инициатива»",
            9,
            "planned",
            0,
        ),
        (
            "Открытые отчёты милиции",
            "Квартальные отчётные встречи РОВД с жителями",
            "police",
            "",
            12,
            "planned",
            25,
        ),
        (
            "Открытые отчёты милиции",
            "Публикация годового отчёта совета",
            "platform",
            "",
            12,
            "planned",
            0,
        ),
    ],
}
NATIONAL_PLAN = {
    "title": "Стратегический план Национального совета по общественной безопасности",
    "objectives": "Открытые платформы в каждом районе\nВнешняя оценка милиции по общим критериям",
    "actions": [
        (
            "Открытые платформы",
            "Семинары по стратегическому планированию для районных советов",
            "platform",
            "",
            6,
            "done",
            100,
        ),
        (
            "Внешняя оценка",
            "Согласовать с МВД критерии внешней оценки",
            "police",
            "",
            10,
            "in_progress",
            50,
        ),
    ],
}
COUNCIL_REPORT = {
    "summary": "Совет объединил милицию, айыл окмоту, ОМСУ и НКО района. Жыл ичинде форумдар "
    "коопсуздук маселелерин биргелешип чечүүгө аракет кылышты.",
    "achievements": "Освещены улицы у школ; вечерние патрули у школ; первая отчётная встреча "
    "РОВД с жителями. Мектептердин жанындагы көчөлөр жарыктандырылды.",
    "problems": "Мало молодёжи в форумах; ответы на часть предложений запаздывают.",
    "next_year": "Молодёжная тематическая группа в каждом форуме; ответы в срок не менее 90%.",
}
NATIONAL_REPORT = {
    "summary": "Годовой публичный отчёт Национального совета, включая данные о работе "
    "районных советов и форумов. Улуттук кеңештин жылдык ачык отчету.",
    "achievements": "Создана сеть открытых платформ; предложения форумов дошли до национального уровня.",
    "problems": "Не все советы опубликовали собственные отчёты.",
    "next_year": "Внешняя оценка территориальных подразделений милиции.",
}


def _secretariat(platform: Platform) -> User:
    return (
        Membership.objects.current()
        .filter(platform=platform, role=Role.SECRETARIAT)
        .select_related("user")
        .order_by("pk")
        .first()
        .user
    )


def _plan(platform: Platform, spec: dict, unit: PoliceUnit, year: int) -> StrategicPlan:
    existing = StrategicPlan.objects.filter(platform=platform, year=year).first()
    if existing is not None:
        return existing
    sec = _secretariat(platform)
    plan = services.plan_create(
        platform=platform, actor=sec, year=year, title=spec["title"], objectives=spec["objectives"]
    )
    progress = []
    for objective, title, responsible, name, month, status, pct in spec["actions"]:
        action = services.plan_action_add(
            plan=plan,
            actor=sec,
            objective=objective,
            title=title,
            responsible=responsible,
            responsible_name=name,
            police_unit=unit if responsible == "police" else None,
            deadline=date(year, month, 28),
        )
        progress.append((action, status, pct))
    decision = services.plan_put_to_vote(plan=plan, actor=sec)
    for m in Membership.objects.current().filter(platform=platform).select_related("user"):
        vote_cast(decision=decision, user=m.user, choice="yes")
    plan = services.plan_decide(plan=plan, actor=sec)
    for action, status, pct in progress:
        if status != "planned" or pct:
            services.plan_action_progress(
                action=action, actor=sec, status=status, progress=pct, note="Отчёт секретариата"
            )
    endorsers = Membership.objects.current().filter(
        platform=platform, party__in=[Party.LSG, Party.POLICE]
    )
    for m in endorsers.select_related("user"):
        try:
            services.plan_endorse(plan=plan, actor=m.user, note="Одобрено")
        except Exception:  # noqa: S112 - a member who cannot endorse for their party is skipped
            continue
    return plan


def _report(platform: Platform, sections: dict, year: int, *, publish: bool) -> AnnualReport:
    existing = AnnualReport.objects.filter(platform=platform, year=year).first()
    if existing is not None:
        return existing
    sec = _secretariat(platform)
    report = services.report_create(platform=platform, actor=sec, year=year)
    services.report_update(report=report, actor=sec, **sections)
    services.report_compute(report_id=report.pk)
    if publish:
        services.report_publish(report=report, actor=sec)
    return report


@transaction.atomic
def seed(*, forum: Platform, council: Platform) -> dict:
    year = timezone.localdate().year
    national = council.parent
    unit = PoliceUnit.objects.get(territory=council.territory, kind=PoliceUnit.Kind.DISTRICT)
    ministry = PoliceUnit.objects.filter(kind=PoliceUnit.Kind.MINISTRY).first()
    _plan(council, COUNCIL_PLAN, unit, year)
    _plan(national, NATIONAL_PLAN, ministry, year)
    _report(council, COUNCIL_REPORT, year, publish=True)
    _report(national, NATIONAL_REPORT, year, publish=True)
    _report(
        forum,
        {"summary": "Черновик отчёта форума за год. Форумдун жылдык отчетунун долбоору."},
        year,
        publish=False,
    )
    return {
        "roles": {
            "council-secretariat": _secretariat(council),
            "national-secretariat": _secretariat(national),
        }
    }
