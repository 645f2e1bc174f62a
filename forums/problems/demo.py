"""Demo SARA problems (one in each stage), two case studies, an exchange, points on the map.

Russian and Kyrgyz in the north (the demo forum in Alamudun), Uzbek and Russian in the south
(the first community forum of the Osh region). Called by seed_demo after the forums demo.
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from forums.problems import services
from forums.problems.models import Problem
from platforms.models import Membership, Platform, Role, Territory

NORTH = [
    {
        "stage": "scanning",
        "title": "Подростки собираются у магазина «Ак-Бата» у остановки ранним вечером",
        "problem_type": "behaviour",
        "category": "youth",
        "place": "магазин «Ак-Бата», остановка на ул. Советской",
        "lat": "42.89",
        "lon": "74.63",
        "period": "будни 17:00-20:00, с сентября",
        "noticed_via": "complaints",
        "harm": "Оскорбления прохожих, мелкие драки; продавцы и школьники боятся.",
        "frequency": "3-4 раза в неделю",
        "priority_reason": "Рядом школа; жалобы на каждом собрании форума.",
        "incidents": "12.09: драка у магазина\n20.09: разбита витрина",
    },
    {
        "stage": "analysis",
        "title": "Клубдагы дискотекада ишемби түнү мушташ болот",
        "problem_type": "place",
        "category": "youth",
        "place": "айылдык клуб, борбордук көчө",
        "lat": "42.86",
        "lon": "74.58",
        "period": "ишемби, 22:00-02:00",
        "noticed_via": "calls",
        "harm": "Жаракат алгандар бар, жаштар бычак менен келет.",
        "frequency": "дээрлик ар ишемби",
        "priority_reason": "Милицияга чалуулар үч эсе көбөйдү.",
        "incidents": "04.01: мушташ, эки жаракат\n11.01: бычак менен коркутуу\n18.01: терезе сындырылды",
        "analysis": {
            "offender": "17-22 жаштагы жигиттер, көбү башка айылдан",
            "victim": "Дискотекага келген жаштар",
            "location": "Клубдун жарыгы жок короосу, спирт ичимдиги сатылат",
            "manager": "Клубдун директору, айыл өкмөтү",
            "repeats": "Ошол эле топ ар ишемби; ошол эле короо.",
            "current_responses": "Участкалык инспектор чакырылганда гана келет.",
            "explanation": "Клуб жабылганда короодо ичип, талаш башталат.",
        },
    },
    {
        "stage": "response",
        "title": "Кража скота с пастбища у реки Аламедин в летние ночи",
        "problem_type": "time",
        "category": "other",
        "place": "пастбище у моста через Аламедин",
        "lat": "42.80",
        "lon": "74.66",
        "period": "июнь-август, ночью",
        "noticed_via": "meeting",
        "harm": "Семьи теряют скот; за лето украдено 14 голов.",
        "frequency": "2-3 случая в месяц летом",
        "priority_reason": "Скот - главный доход многих семей айыла.",
        "incidents": "03.06: украдены 2 коровы\n19.06: украдены 5 овец\n07.07: украдена лошадь",
        "analysis": {
            "offender": "Неизвестные на грузовике, приезжают по дороге вдоль реки",
            "guardian": "Пастухи, которые уходят домой на ночь",
            "victim": "Семьи, оставляющие скот на ночь на пастбище",
            "location": "Пастбище без освещения у дороги, мост без поста",
            "manager": "Айыл окмоту, пастбищный комитет",
            "repeats": "Одни и те же дворы пострадали дважды.",
            "current_responses": "Заявления в милицию; раскрыт 1 случай из 9.",
            "explanation": "Скот ночует без присмотра у дороги, по которой легко увезти.",
        },
        "response": {
            "options": "Ночные дежурства пастухов; клеймение и учёт; пост у моста; "
            "опыт других айылов из библиотеки практик.",
            "chosen_response": "Общий ночной загон с дежурством по очереди и учёт скота.",
            "chosen_reason": "Дёшево, жители готовы дежурить, участковый поддерживает.",
            "objectives": "Ни одной кражи с августа; учёт 100% скота.",
        },
    },
    {
        "stage": "assessment",
        "title": "Вымогательство денег у учеников школы №3 на большой перемене",
        "problem_type": "behaviour",
        "category": "school",
        "place": "школа №3, задний двор",
        "lat": "42.88",
        "lon": "74.60",
        "period": "учебный год, большая перемена",
        "noticed_via": "poll",
        "harm": "Младшие школьники отдают деньги на обед, боятся ходить в школу.",
        "frequency": "ежедневно",
        "priority_reason": "В опросе форума это главная тревога родителей.",
        "incidents": "Октябрь: жалоба родителей 5 класса\nНоябрь: ученик 6 класса отказался ходить в школу",
        "analysis": {
            "offender": "Трое старшеклассников",
            "handler": "Классный руководитель, родители",
            "victim": "Ученики 5-7 классов",
            "guardian": "Дежурные учителя",
            "location": "Задний двор без присмотра",
            "repeats": "Одни и те же жертвы и место.",
            "current_responses": "Беседы завуча; не помогают.",
            "explanation": "Двор вне поля зрения дежурных.",
        },
        "response": {
            "options": "Дежурства родителей; ящик доверия; беседы инспектора ИДН.",
            "chosen_response": "Ящик доверия и дежурства родителей на большой перемене.",
            "chosen_reason": "Дети боятся говорить открыто.",
            "objectives": "Обращений о вымогательстве - втрое меньше к маю.",
        },
        "assessment": {
            "as_planned": "partly",
            "displacement": "Проверено у магазина рядом: вымогательство туда не перешло.",
            "goals_met": "partly",
            "decision": "adjust",
            "lessons": "Ящик работает; родители дежурят нерегулярно.",
        },
    },
]

CLOSED_NORTH = {
    "title": "Семейные конфликты в новостройке Ак-Жол: соседи молчат",
    "problem_type": "person",
    "category": "domestic",
    "place": "новостройка Ак-Жол",
    "lat": "42.91",
    "lon": "74.55",
    "period": "круглый год, чаще вечером в выходные",
    "noticed_via": "calls",
    "harm": "Насилие в семьях; женщины не обращаются за помощью.",
    "frequency": "2-3 вызова в неделю",
    "priority_reason": "Рост вызовов на 40% за год.",
    "incidents": "Январь: три вызова в одну семью\nМарт: женщина попала в больницу",
    "analysis": {
        "offender": "Мужья, чаще в состоянии опьянения",
        "handler": "Аксакалы, родственники",
        "victim": "Женщины и дети",
        "guardian": "Совет женщин, соседи",
        "location": "Новостройка без социальных служб",
        "repeats": "Повторные вызовы в одни и те же семьи.",
        "current_responses": "Охранные ордера выдаются редко.",
        "explanation": "Нет места, куда обратиться, кроме милиции.",
    },
    "response": {
        "options": "Кризисный центр; приёмная совета женщин; суд аксакалов.",
        "chosen_response": "Приёмная совета женщин с инспектором раз в неделю и направление "
        "в кризисный центр.",
        "chosen_reason": "Женщины доверяют совету женщин.",
        "objectives": "Повторных вызовов - вдвое меньше за полгода.",
    },
    "assessment": {
        "as_planned": "yes",
        "displacement": "Нет.",
        "goals_met": "yes",
        "decision": "close",
        "lessons": "Приёмная нужна постоянно, а не кампанией.",
    },
    "case": {
        "title": "Приёмная совета женщин с участковым: меньше повторного насилия в семьях",
        "summary": "В новостройке повторные вызовы по семейному насилию росли. Форум открыл "
        "еженедельную приёмную совета женщин с участковым инспектором и направлял "
        "пострадавших в кризисный центр.",
        "what_worked": "Постоянное место и время приёма; женщина-инспектор; связь с кризисным центром.",
        "measures": "Повторные вызовы: 11 в месяц до, 5 после (журнал участкового).",
        "contact": "Приёмная айыл окмоту, среда 10:00-12:00",
    },
}

CLOSED_SOUTH = {
    "title": "Mahallalar yoshlari o‘rtasida bayramda janjal, markaziy maydonda",
    "problem_type": "time",
    "category": "interethnic",
    "place": "markaziy maydon, bozor yonida",
    "lat": "40.32",
    "lon": "73.44",
    "period": "Navro‘z va Mustaqillik kuni kechqurun",
    "noticed_via": "meeting",
    "harm": "Ikki mahalla yoshlari o‘rtasida mushtlashuv, millatlararo keskinlik xavfi.",
    "frequency": "har bayramda",
    "priority_reason": "Har qanday janjal ikki jamoa o‘rtasidagi ishonchga zarar yetkazadi.",
    "incidents": "Navro‘z 2024: mushtlashuv, 3 jarohat\nMustaqillik kuni 2024: tosh otish",
    "analysis": {
        "offender": "16-20 yoshli yigitlar guruhlari",
        "handler": "Oqsoqollar, ota-onalar",
        "victim": "Bayramga kelgan yoshlar va oilalar",
        "guardian": "Mahalla posbonlari",
        "location": "Yoritilmagan maydon, bayram oxirida",
        "manager": "Shahar meriyasi, madaniyat uyi",
        "repeats": "O‘sha guruhlar, o‘sha maydon, o‘sha vaqt.",
        "current_responses": "Militsiya janjaldan keyin keladi.",
        "explanation": "Bayram oxirida tadbir yo‘q, yoshlar guruhlarga bo‘linadi.",
    },
    "response": {
        "options": "Qo‘shma sport musobaqasi; oqsoqollar navbatchiligi; yoritish.",
        "chosen_response": "Ikki mahalla yoshlarining qo‘shma futbol turniri va oqsoqollar "
        "navbatchiligi.",
        "chosen_reason": "Yoshlar raqib emas, bir jamoa bo‘lib qoladi.",
        "objectives": "Bayramlarda janjalsiz.",
    },
    "assessment": {
        "as_planned": "yes",
        "displacement": "Boshqa maydonlarda ham janjal kuzatilmadi.",
        "goals_met": "yes",
        "decision": "close",
        "lessons": "Turnirni yoshlarning o‘zi tashkil qilishi kerak.",
    },
    "case": {
        "title": "Janjal o‘rniga turnir: ikki mahalla yoshlari bir jamoada",
        "summary": "Bayramlarda ikki mahalla yoshlari mushtlashardi. OPOP oqsoqollar va maktab "
        "bilan qo‘shma futbol turnirini o‘tkazdi. / Вместо драк на праздниках - общий турнир "
        "молодёжи двух махалля.",
        "what_worked": "Aralash jamoalar, oqsoqollar navbatchiligi, maydonni yoritish.",
        "measures": "Janjallar: 2024 yilda 2, 2025 yilda 0 (militsiya jurnali).",
        "contact": "OPOP, madaniyat uyi, 2-xona",
    },
}


def _walk(platform, member, secretariat, spec) -> Problem:
    scanning = {
        k: v
        for k, v in spec.items()
        if k not in ("stage", "analysis", "response", "assessment", "case")
    }
    problem = services.problem_create(
        platform=platform, actor=member, territory=platform.territory, **scanning
    )
    target = spec.get("stage", "closed")
    if target == "scanning":
        return problem
    problem = services.problem_advance(problem=problem, actor=member, action="analyse")
    services.problem_update(problem=problem, actor=member, **spec["analysis"])
    services.measure_add(
        problem=problem,
        actor=member,
        name="Обращения в месяц / Мурожаатлар",
        source="журнал участкового",
        baseline_value=9,
        baseline_on=date(2025, 9, 1),
    )
    if target == "analysis":
        return problem
    problem = services.problem_advance(problem=problem, actor=member, action="respond")
    services.problem_update(problem=problem, actor=member, **spec["response"])
    services.task_add(
        problem=problem,
        actor=member,
        party="police",
        who="Участковый инспектор",
        what="Дежурство в часы проблемы, раз в неделю",
        due=timezone.localdate() + timedelta(days=30),
    )
    services.task_add(
        problem=problem,
        actor=member,
        party="lsg",
        who="Айыл окмоту",
        what="Освещение и помещение",
        due=timezone.localdate() + timedelta(days=60),
    )
    services.problem_log(problem=problem, actor=member, note="Первое дежурство проведено.")
    if target == "response":
        return problem
    problem = services.problem_advance(problem=problem, actor=member, action="assess")
    services.problem_update(problem=problem, actor=member, **spec["assessment"])
    for measure in problem.measures.all():
        services.measure_record_after(
            measure=measure, actor=member, after_value=3, after_on=date(2026, 1, 15)
        )
    if target == "assessment":
        return problem
    problem = services.problem_advance(problem=problem, actor=secretariat, action="close")
    services.practice_publish(problem=problem, actor=secretariat, **spec["case"])
    return problem


def _people(platform):
    current = Membership.objects.current().filter(platform=platform).select_related("user")
    secretariat = next(m.user for m in current if m.role == Role.SECRETARIAT)
    member = next((m.user for m in current if m.role == Role.MEMBER), secretariat)
    return member, secretariat


@transaction.atomic
def seed(*, forum: Platform, council: Platform) -> dict:
    if Problem.objects.filter(platform=forum).exists():
        return {"problems": Problem.objects.count()}
    member, secretariat = _people(forum)
    walked = [_walk(forum, member, secretariat, spec) for spec in NORTH]
    north_case = _walk(forum, member, secretariat, CLOSED_NORTH)
    south = None
    # a forum of the Uzbek-speaking Kara-Suu district writes the Uzbek case; else any in Osh
    for code in ("KG-O-KARA-SUU", "KG-O"):
        area = Territory.objects.filter(code=code).first()
        south = south or (
            Platform.objects.filter(
                level=Platform.Level.COMMUNITY,
                status=Platform.Status.ACTIVE,
                territory__path__startswith=area.path,
            )
            .order_by("slug")
            .first()
            if area is not None
            else None
        )
    if south is not None:
        s_member, s_secretariat = _people(south)
        south_problem = _walk(south, s_member, s_secretariat, CLOSED_SOUTH)
        # the northern forum tries the southern practice on its youth problem
        services.practice_adopt(
            practice=south_problem.practice,
            problem=walked[1],
            actor=member,
            note="Турнир между айылами, июнь",
        )
        exchange = services.exchange_propose(
            host=forum,
            actor=secretariat,
            format="seminar",
            title="Семинар: опыт приёмной совета женщин и турнира молодёжи",
            topic="Два форума севера и юга делятся опытом: приёмная совета женщин и "
            "турнир молодёжи вместо драк.",
            starts_at=timezone.now() - timedelta(days=3),
            location="Зал айыл окмоту",
            guests=[south, council],
            practice=north_case.practice,
            agenda=["Доклад форума", "Опыт форума Ошской области", "Что попробуем у себя"],
        )
        for invitation in exchange.invitations.select_related("platform"):
            _m, guest_secretariat = _people(invitation.platform)
            services.exchange_answer(
                invitation=invitation,
                actor=guest_secretariat,
                accept=True,
                participants="Председатель / Раис\nУчастковый инспектор",
            )
        services.exchange_publish_outcome(
            exchange=exchange,
            actor=secretariat,
            outcome="Южный форум откроет приёмную совета женщин; северный проведёт турнир "
            "молодёжи летом. Встреча через полгода.",
        )
    _m, council_secretariat = _people(council)
    services.review_add(
        problem=walked[1],
        actor=council_secretariat,
        analysis=3,
        goals=2,
        effectiveness=1,
        involvement=3,
        feedback="Анализ хороший; добавьте измерения до и после и привлеките директора клуба.",
    )
    return {"problems": Problem.objects.count()}
