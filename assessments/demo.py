"""Demo assessments: two published rounds of the demo council's police department, a forum
round in the scoring stage, polls on both sides of the display thresholds, a unit profile and
a unit head's account. Idempotent: nothing is added twice."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from assessments import services
from assessments.models import Framework, Grade, ProfileFigure, Residence, Round, TargetKind, Track
from platforms.demo import Seeder
from platforms.models import LiaisonOfficer, Membership, Party, Platform, PoliceUnit, Role
from platforms.services import liaison_assign

RATERS = [
    ("rater-1", "Гульнара Токтогулова"),
    ("rater-2", "Нурлан Абдыкеримов"),
    ("rater-3", "Айжан Садыкова"),
    ("rater-4", "Бакыт Мамытов"),
]
# the council's grades per round: 2024 weak, 2025 better (a trend to show)
GRADES = {
    2024: {
        "openness": 2,
        "responsiveness": 2,
        "problem_solving": 3,
        "rights": 2,
        "fairness": 3,
        "visibility": 2,
        "domestic_violence": 1,
        "integrity": 2,
        "complaints": 2,
        "call_response": 3,
        "transparency_data": 1,
    },
    2025: {
        "openness": 4,
        "responsiveness": 3,
        "problem_solving": 3,
        "rights": 3,
        "fairness": 4,
        "visibility": 3,
        "domestic_violence": 2,
        "integrity": 3,
        "complaints": 3,
        "call_response": 4,
        "transparency_data": 3,
    },
}
NARRATIVE = {
    "openness": "Начальник отдела дважды отчитался на совете; приём граждан по субботам. "
    "Бөлүм башчысы кеңешке эки жолу отчет берди.",
    "responsiveness": "На 9 из 12 предложений ответ дан в срок; три ответа формальные.",
    "domestic_violence": "Охранные ордера выдаются, но кризисный центр сообщает о давлении "
    "на пострадавших «помириться».",
}
CONCERNS = [
    "Темно на дороге к школе №3",
    "Рэкет среди школьников у базара",
    "Мектептин жанындагы көчө караңгы",
    "Пьяные водители по ночам на трассе",
    "Кошуналар ортосундагы суу талашы",
]


def _lines(count: int, seed: int) -> str:
    """Believable paper questionnaires, spread over the scales, deterministic."""
    rows = []
    for i in range(count):
        k = (i * 7 + seed) % 10
        job = (3, 4, 2, 3, 4, 5, 3, 2, 4, 1)[k]
        agree = (4, 3, 2, 4, 5, 3, 2, 4, 3, 1)[k]
        safe = (3, 2, 3, 4, 2, 3, 1, 3, 2, 4)[k]
        knows = "y" if k % 3 else "n"
        contacted = "y" if k % 4 == 0 else "n"
        concern = CONCERNS[k % len(CONCERNS)] if k % 2 == 0 else ""
        rows.append(
            f"{job},{agree},{agree},{min(5, agree + 1)},{agree},{max(1, agree - 1)},{safe},{knows},{contacted},{concern}"
        )
    return "\n".join(rows)


def _raters(seeder: Seeder, platform: Platform) -> list:
    users = []
    for local, name in RATERS:
        user = seeder.user(f"{local}-{platform.slug}", name=name)
        seeder.member(platform, user, Party.CITIZEN if local != "rater-4" else Party.NGO)
        users.append(user)
    return users


def _secretariat(platform: Platform):
    membership = (
        Membership.objects.current()
        .filter(platform=platform, role=Role.SECRETARIAT)
        .select_related("user")
        .first()
    )
    return membership.user


def _grade_round(round_, raters, secretariat, grades: dict) -> None:
    for subject in round_.subjects.all():
        for c in round_.framework.criteria.all():
            g = grades.get(c.code, Grade.ADEQUATE) if c.graded else None
            if c.track == Track.EXTERNAL:
                for i, rater in enumerate(raters):
                    spread = g if g is None else max(1, min(5, g + (0, 1, -1, 0)[i % 4]))
                    services.score_set(
                        subject=subject,
                        criterion=c,
                        rater=rater,
                        grade=spread,
                        rationale="По материалам встреч и опроса / Жолугушуулардын жана сурамжылоонун негизинде.",
                    )
                services.moderation_set(
                    subject=subject,
                    criterion=c,
                    actor=secretariat,
                    grade=g,
                    narrative=NARRATIVE.get(
                        c.code, "Оценка согласована членами совета по доказательствам раунда."
                    ),
                )
            else:
                services.moderation_set(
                    subject=subject,
                    criterion=c,
                    actor=secretariat,
                    grade=g,
                    narrative="По официальным данным отдела за период.",
                    source="Отчёт ОВД за период, исх. № 14/2-118",
                )


def _council_round(*, council, unit, raters, secretariat, head, year: int, answers: int) -> Round:
    title = f"Оценка ОВД {year} / {year}-жылы ИИББни баалоо"
    existing = Round.objects.filter(platform=council, title=title).first()
    if existing:
        return existing
    framework = Framework.objects.get(target_kind=TargetKind.TERRITORIAL, version=1)
    round_ = services.round_create(
        platform=council,
        actor=secretariat,
        framework=framework,
        title=title,
        period_start=date(year, 1, 1),
        period_end=date(year, 12, 31),
        units=[unit],
    )
    services.round_open(round_=round_, actor=secretariat)
    services.evidence_add(
        round_=round_,
        actor=raters[0],
        kind="meeting_notes",
        title="Протокол отчётной встречи",
        text="Начальник ОВД отчитался перед советом; 46 участников, 11 вопросов от жителей.",
    )
    services.evidence_add(
        round_=round_,
        actor=secretariat,
        kind="statistics",
        title="Ответы на предложения",
        text="12 предложений адресовано отделу, 9 ответов в срок.",
    )
    services.poll_paper_batch(poll=round_.poll, actor=secretariat, lines=_lines(answers, year))
    services.round_start_scoring(round_=round_, actor=secretariat)
    _grade_round(round_, raters, secretariat, GRADES[year])
    subject = round_.subjects.get()
    services.finding_add(
        subject=subject,
        actor=secretariat,
        kind="strength",
        text="Регулярные отчётные встречи с советом и приём граждан по субботам.",
    )
    services.finding_add(
        subject=subject,
        actor=secretariat,
        kind="improvement",
        text="Ответы на предложения часто формальные, без сроков.",
    )
    concern = services.finding_add(
        subject=subject,
        actor=secretariat,
        kind="concern",
        text="Пострадавших от домашнего насилия склоняют к примирению вместо охранного ордера.",
    )
    services.recommendation_add(
        subject=subject,
        actor=secretariat,
        finding=concern,
        text="Выдавать охранные ордера по каждому обращению и направлять в кризисный центр; "
        "ежеквартально публиковать число ордеров.",
        addressee="Начальник ОВД",
        due=timezone.localdate() + timedelta(days=120),
    )
    round_ = services.round_end_moderation(round_=round_, actor=secretariat)
    services.subject_reply(
        subject=subject,
        actor=head,
        text="Отдел согласен с выводами. С марта все обращения о домашнем насилии регистрируются, "
        "а участковые прошли обучение с кризисным центром. Бөлүм корутундулар менен макул.",
    )
    return services.round_publish(round_=round_, actor=secretariat)


def _profile(unit: PoliceUnit, head) -> None:
    if ProfileFigure.objects.filter(unit=unit).exists():
        return
    as_of = date(timezone.localdate().year, 1, 1)
    source = "Штатное расписание ОВД, утв. приказом МВД"
    for label, value in (
        ("Патрульно-постовая служба", 38),
        ("Участковые инспекторы", 21),
        ("Инспекторы по делам несовершеннолетних", 6),
        ("Следствие", 17),
    ):
        services.profile_figure_add(
            unit=unit,
            actor=head,
            kind="staff",
            label=label,
            value=value,
            measure="чел.",
            source=source,
            as_of=as_of,
        )
    for label, value in (
        ("Фонд оплаты труда", 41250),
        ("ГСМ (топливо)", 3900),
        ("Связь и ИТ", 820),
    ):
        services.profile_figure_add(
            unit=unit,
            actor=head,
            kind="budget",
            label=label,
            value=value,
            measure="тыс. сом",
            source="Республиканский бюджет, смета ОВД",
            as_of=as_of,
        )
    services.profile_figure_add(
        unit=unit,
        actor=head,
        kind="system",
        label="Система оценки сотрудников",
        text="Внутренняя оценка по приказу МВД и внешняя оценка по постановлению Правительства "
        "2015 года: опросы населения, данные ОМСУ и НКО.",
        source="Приказ МВД КР, постановление Правительства КР (2015)",
        as_of=as_of,
    )


@transaction.atomic
def seed(*, forum: Platform, council: Platform, seeder: Seeder | None = None) -> dict:
    """Add the demo assessments; returns {"unit-head": user}."""
    seeder = seeder or Seeder(out=lambda *a: None)
    dept = PoliceUnit.objects.get(territory=council.territory, kind=PoliceUnit.Kind.DISTRICT)
    head = seeder.user("unit-head", name="Майор Бакыт Асанов")
    liaison_assign(user=head, unit=dept, position=LiaisonOfficer.Position.HEAD)
    _profile(dept, head)
    council_raters = _raters(seeder, council)
    council_secretariat = _secretariat(council)
    for year, answers in ((2024, 7), (2025, 140)):
        _council_round(
            council=council,
            unit=dept,
            raters=council_raters,
            secretariat=council_secretariat,
            head=head,
            year=year,
            answers=answers,
        )

    # the forum's round of its local department, in the scoring stage
    local = PoliceUnit.objects.filter(territory=forum.territory, kind=PoliceUnit.Kind.LOCAL).first()
    title = "Оценка участка 2026 / 2026-жылы участкалык бөлүмдү баалоо"
    if local is not None and not Round.objects.filter(platform=forum, title=title).exists():
        secretariat = _secretariat(forum)
        raters = _raters(seeder, forum)
        year = timezone.localdate().year
        round_ = services.round_create(
            platform=forum,
            actor=secretariat,
            framework=Framework.objects.get(target_kind=TargetKind.LOCAL, version=1),
            title=title,
            period_start=date(year, 1, 1),
            period_end=date(year, 12, 31),
            units=[local],
        )
        services.round_open(round_=round_, actor=secretariat)
        for i in range(12):
            resident = seeder.user(
                f"resident-{i}-{forum.slug}",
                name=f"{('Айгерим', 'Марат', 'Жылдыз', 'Эрлан')[i % 4]} {('Осмонова', 'Касымов', 'Алиева', 'Турдубаев')[i % 4]}",
            )
            Residence.objects.get_or_create(user=resident, defaults={"territory": forum.territory})
            services.poll_respond(
                poll=round_.poll,
                user=resident,
                answers={
                    "job": str(2 + i % 3),
                    "confidence": str(1 + i % 5),
                    "rely": str(2 + i % 4),
                    "respect": "4",
                    "fair": str(3 + i % 2),
                    "listen": str(1 + i % 5),
                    "safe_dark": str(1 + i % 4),
                    "knows_inspector": "yes" if i % 2 else "no",
                    "contacted": "no",
                    "top_concern": CONCERNS[i % len(CONCERNS)] if i % 3 == 0 else "",
                },
            )
        services.poll_paper_batch(poll=round_.poll, actor=secretariat, lines=_lines(23, 3))
        round_ = services.round_start_scoring(round_=round_, actor=secretariat)
        subject = round_.subjects.get()
        for c in round_.framework.criteria.filter(track=Track.EXTERNAL)[:4]:
            for rater in raters[:2]:
                services.score_set(
                    subject=subject,
                    criterion=c,
                    rater=rater,
                    grade=3,
                    rationale="Участковый известен жителям, но приём нерегулярный.",
                )
    return {"unit-head": head}
