"""Demo data for the platform structure: believable, national in shape, idempotent.

Named as people in Kyrgyzstan name them: councils and police units in Russian (the language
of official letterheads), in Kyrgyz in the Kyrgyz-speaking north-west and centre, in Uzbek
(Latin script, as written in Osh and Jalal-Abad) where Uzbek is spoken; community forums in
Kyrgyz, in Uzbek in those districts, in Russian in Bishkek's city districts. Each record has one
name, in the language the people there would use for it.
"""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from platforms.models import (
    LiaisonOfficer,
    Membership,
    Party,
    Platform,
    PoliceUnit,
    Role,
    Territory,
    ThematicGroup,
)
from platforms.services import (
    DATA_DIR,
    liaison_assign,
    membership_grant,
    platform_create,
    territories_load,
)

DEMO_PASSWORD = "open-platforms-demo"
DEMO_DOMAIN = "demo.openplatforms.kg"
# What each printed demo account is for; seed_demo prints them in this order, then any others.
ROLE_DESCRIPTIONS = {
    "citizen": "registered resident, no role: registers a forum, asks to join",
    "member": "member of the home forum: proposals, votes",
    "secretariat": "secretariat of the home forum: agenda, meetings, escalation",
    "council-secretariat": "secretariat of the district council: registers escalated proposals",
    "national-secretariat": "secretariat of the national council",
    "platform-admin": "admin of the district council: memberships and roles",
    "liaison": "police liaison officer of the district department: answers",
    "unit-head": "head of the district police department: assigns to officers",
    "inspector": "neighbourhood inspector of the home forum's territory (police)",
    "district-lsg": "local self-government of the district: acknowledges registrations",
    "aimak-lsg": "local self-government of the home forum's ayil aimak",
    "sysadmin": "system administrator (/admin/)",
}

# Districts and towns where much of the population speaks Uzbek: their councils and forums
# carry Uzbek names, their people Uzbek names.
UZBEK_SPEAKING = {
    "KG-GO",
    "KG-O-ARAVAN",
    "KG-O-KARA-SUU",
    "KG-O-KARA-SUU-CITY",
    "KG-O-NOOKAT",
    "KG-O-NOOKAT-CITY",
    "KG-O-UZGEN",
    "KG-O-UZGEN-CITY",
    "KG-J-BAZAR-KORGON",
    "KG-J-SUZAK",
    "KG-J-JALAL-ABAD-CITY",
    "KG-B-KADAMJAI",
}
# Regions whose councils write in Kyrgyz.
KYRGYZ_REGIONS = {"KG-N", "KG-T", "KG-Y"}

NATIONAL_NAME = "Национальный совет по общественной безопасности"
NATIONAL_AIMS = (
    "Согласовывает политику общественной безопасности с Министерством внутренних дел, "
    "правительством, национальными НКО и делегатами всех районных и городских советов."
)
COUNCIL = {
    "ru": (
        "Общественный совет по безопасности {gen}",
        "Объединяет руководителей милиции и органов местного самоуправления, ОПОП, НКО и "
        "делегатов общественных форумов, чтобы вместе решать проблемы безопасности района.",
        ["Безопасность молодёжи и школ", "Семейные конфликты и насилие"],
        "ОО «Женская инициатива» {gen}",
    ),
    "ky": (
        "{gen} коомдук коопсуздук кеңеши",
        "Райондун коопсуздук маселелерин чогуу чечүү үчүн милициянын жана жергиликтүү өз "
        "алдынча башкаруунун жетекчилерин, ОПОПторду, коомдук уюмдарды жана коомдук "
        "форумдардын делегаттарын бириктирет.",
        ["Жаштардын жана мектептердин коопсуздугу", "Үй-бүлөлүк чыр-чатак жана зомбулук"],
        "«Аялдар демилгеси» коомдук бирикмеси",
    ),
    "uz": (
        "{gen} jamoat xavfsizligi kengashi",
        "Tumandagi xavfsizlik muammolarini birgalikda hal qilish uchun militsiya va mahalliy "
        "o‘zini o‘zi boshqarish rahbarlari, OPOP, nodavlat tashkilotlar va jamoat forumlari "
        "vakillarini birlashtiradi.",
        ["Yoshlar va maktablar xavfsizligi", "Oilaviy nizolar va zo‘ravonlik"],
        "«Ayollar tashabbusi» jamoat birlashmasi",
    ),
}
FORUM = {
    "ru": (
        "Форум общественной безопасности {gen}",
        "Безопасные улицы и школы: освещение, патрули у школ и молодёжный центр.",
    ),
    "ky": (
        "{name} коомдук коопсуздук форуму",
        "Коопсуз көчөлөр жана мектептер: көчө жарыгы, мектептердин жанында патрулдар жана "
        "жаштар борбору.",
    ),
    "uz": (
        "{name} jamoat xavfsizligi forumi",
        "Xavfsiz ko‘chalar va maktablar: ko‘cha yoritgichlari, maktablar yonida patrullar va "
        "yoshlar markazi.",
    ),
}
LCPC_AIMS = (
    "Профилактика правонарушений на местах: суд аксакалов, совет женщин и молодёжный комитет "
    "вместе с участковым инспектором."
)
NATIONAL_GROUPS = [
    "Реформа милиции и подотчётность",
    "Профилактика насильственного экстремизма",
    "Межэтнический диалог",
]
# the English names earlier demo databases hold, renamed when seed_demo runs again
LEGACY_GROUPS = {
    "Youth and school safety": 0,
    "Domestic conflict and violence": 1,
    "Police reform and accountability": 0,
    "Prevention of violent extremism": 1,
    "Inter-ethnic dialogue": 2,
}

# Public names of demo members: (first name, female), family names as the male form.
FIRST = [
    ("Айбек", False),
    ("Гульнара", True),
    ("Нурлан", False),
    ("Айжан", True),
    ("Бакыт", False),
    ("Чолпон", True),
    ("Рустам", False),
    ("Дилноза", True),
    ("Темир", False),
    ("Салтанат", True),
    ("Азамат", False),
    ("Махабат", True),
    ("Фаррух", False),
    ("Зарина", True),
    ("Улан", False),
    ("Каныкей", True),
]
LAST = [
    "Асанов",
    "Токтогулов",
    "Абдыкеримов",
    "Садыков",
    "Мамытов",
    "Жумабаев",
    "Юсупов",
    "Исмаилов",
    "Осмонов",
    "Касымов",
    "Турдубаев",
    "Алиев",
]
FIRST_UZ = [
    ("Dilshod", False),
    ("Gulnoza", True),
    ("Sardor", False),
    ("Nodira", True),
    ("Jahongir", False),
    ("Muhayyo", True),
    ("Otabek", False),
    ("Shahnoza", True),
]
LAST_UZ = ["Yusupov", "Abdullayev", "Mirzayev", "Ismoilov", "Tojiboyev", "Qodirov"]


def ru_genitive(t: Territory) -> str:
    """«Аламудунского района», «Баткенской области», «города Токмок»."""
    name = t.name_ru or t.name_en
    if t.kind in (Territory.Kind.CITY, Territory.Kind.CITY_REPUBLICAN, Territory.Kind.TOWN):
        return f"города {name}"
    for nominative, genitive in (
        ("ий район", "ого района"),
        ("ой район", "ого района"),
        ("ая область", "ой области"),
    ):
        if name.endswith(nominative):
            return name[: -len(nominative)] + genitive
    return name


def ky_genitive(t: Territory) -> str:
    """«Нарын районунун», «Талас шаарынын»."""
    name = t.name_ky or t.name_ru
    if name.endswith(" району"):
        return name[: -len(" району")] + " районунун"
    return f"{name} шаарынын"


def uz_izofa(t: Territory) -> str:
    """«Aravon tumani», «O‘sh shahri»."""
    name = t.name_uz or t.name_en
    return name if name.endswith(" tumani") else f"{name} shahri"


def council_language(t: Territory) -> str:
    if t.code in UZBEK_SPEAKING and t.name_uz:
        return "uz"
    region = t if t.kind == Territory.Kind.CITY_REPUBLICAN else t.parent
    return "ky" if region.code in KYRGYZ_REGIONS else "ru"


def forum_language(t: Territory, council_t: Territory) -> str:
    if t.kind == Territory.Kind.CITY_DISTRICT:
        return "ru"
    if council_t.code in UZBEK_SPEAKING and t.name_uz:
        return "uz"
    return "ky"


def unit_names(t: Territory) -> dict:
    """Police units as their letterheads name them (Russian)."""
    return {
        "directorate": (f"ГУВД {ru_genitive(t)}" if t.code == "KG-GB" else f"УВД {ru_genitive(t)}"),
        "district": f"ОВД {ru_genitive(t)}",
        "local": (
            f"РУВД {ru_genitive(t)} г. Бишкек"
            if t.kind == Territory.Kind.CITY_DISTRICT
            else f"Участковый пункт милиции «{t.name_ru or t.name_en}»"
        ),
    }


class Seeder:
    def __init__(self, out=print):
        self.out = out
        self.password = make_password(DEMO_PASSWORD)
        self.users: dict[str, User] = {
            u.email: u for u in User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")
        }
        self.n = 0
        self.n_uz = 0

    def _name(self, uzbek: bool) -> str:
        if uzbek:
            first, female = FIRST_UZ[self.n_uz % len(FIRST_UZ)]
            last = LAST_UZ[(self.n_uz // 2) % len(LAST_UZ)]
            self.n_uz += 1
            return f"{first} {last}{'a' if female else ''}"
        first, female = FIRST[self.n % len(FIRST)]
        last = LAST[(self.n // 3) % len(LAST)]
        self.n += 1
        return f"{first} {last}{'а' if female else ''}"

    def user(
        self, local: str, *, name: str = "", superuser: bool = False, uzbek: bool = False
    ) -> User:
        email = f"{local}@{DEMO_DOMAIN}"
        if email in self.users:
            return self.users[email]
        user = User.objects.create(
            username=email,
            email=email,
            password=self.password,
            display_name=name or self._name(uzbek),
            is_staff=superuser,
            is_superuser=superuser,
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        self.users[email] = user
        return user

    def member(self, platform, user, party, role=Role.MEMBER, **extra):
        if Membership.objects.filter(
            platform=platform, user=user, role=role, status=Membership.Status.ACTIVE
        ).exists():
            return
        if role == Role.SECRETARIAT and "term_start" not in extra:
            today = timezone.localdate()
            extra.update(
                term_start=today - timedelta(days=200), term_end=today + timedelta(days=530)
            )
        membership_grant(
            platform=platform, user=user, party=party, role=role, actor=None, check=False, **extra
        )

    def platform(self, *, slug, **kwargs) -> Platform:
        existing = Platform.objects.filter(slug=slug).first()
        if existing is None:
            return platform_create(slug=slug, **kwargs)
        if existing.name != kwargs["name"] and existing.name.isascii():
            # an English name from an earlier demo database: renamed, not duplicated
            Platform.objects.filter(pk=existing.pk).update(
                name=kwargs["name"], aims=kwargs.get("aims", existing.aims)
            )
            existing.refresh_from_db()
        return existing

    def unit(self, *, name, kind, territory, parent=None) -> PoliceUnit:
        unit = PoliceUnit.objects.filter(name=name, territory=territory).first()
        if unit is None:
            legacy = [
                u
                for u in PoliceUnit.objects.filter(kind=kind, territory=territory, parent=parent)
                if u.name.isascii()
            ]
            if legacy:
                unit = legacy[0]
                PoliceUnit.objects.filter(pk=unit.pk).update(name=name)
                unit.name = name
        if unit is None:
            unit = PoliceUnit.objects.create(
                name=name, kind=kind, territory=territory, parent=parent
            )
        return unit

    def groups(self, platform, names) -> None:
        existing = {g.name: g for g in ThematicGroup.objects.filter(platform=platform)}
        for old, i in LEGACY_GROUPS.items():
            if old in existing and i < len(names) and names[i] not in existing:
                ThematicGroup.objects.filter(pk=existing[old].pk).update(name=names[i])
                existing[names[i]] = existing.pop(old)
        for name in names:
            if name not in existing:
                ThematicGroup.objects.create(platform=platform, name=name)

    @transaction.atomic
    def run(self) -> dict:
        """The demo structure; returns the known account of every role (ROLE_DESCRIPTIONS)."""
        aimaks = DATA_DIR / "ayil_aimaks.csv"
        if aimaks.exists():
            territories_load(path=aimaks)
        country = Territory.objects.get(code="KG")
        sysadmin = self.user("admin", name="Системный администратор", superuser=True)

        national = self.platform(
            slug="national-council",
            name=NATIONAL_NAME,
            level=Platform.Level.NATIONAL,
            territory=country,
            aims=NATIONAL_AIMS,
        )
        ministry = self.unit(
            name="Министерство внутренних дел Кыргызской Республики",
            kind=PoliceUnit.Kind.MINISTRY,
            territory=country,
        )
        self.member(national, self.user("ministry", name="Представитель МВД"), Party.AUTHORITY)
        self.member(
            national,
            self.user("national-ngo", name="Гражданский союз «За реформы и результат»"),
            Party.NATIONAL_NGO,
            role=Role.SECRETARIAT,
            organisation="Гражданский союз «За реформы и результат»",
        )
        self.groups(national, NATIONAL_GROUPS)

        directorates = {}
        for region in Territory.objects.filter(
            kind__in=[Territory.Kind.OBLAST, Territory.Kind.CITY_REPUBLICAN]
        ):
            directorates[region.pk] = self.unit(
                name=unit_names(region)["directorate"],
                kind=PoliceUnit.Kind.DIRECTORATE,
                territory=region,
                parent=ministry,
            )

        councils = {}
        council_territories = Territory.objects.filter(
            kind__in=Territory.COUNCIL_KINDS
        ).select_related("parent")
        for t in council_territories.order_by("code"):
            lang = council_language(t)
            gen = {"ru": ru_genitive, "ky": ky_genitive, "uz": uz_izofa}[lang](t)
            name, aims, groups, organisation = COUNCIL[lang]
            council = self.platform(
                slug=f"council-{t.code.lower()}",
                name=name.format(gen=gen),
                level=Platform.Level.DISTRICT,
                territory=t,
                parent=national,
                aims=aims,
            )
            councils[t.pk] = council
            region = t if t.kind == Territory.Kind.CITY_REPUBLICAN else t.parent
            dept = self.unit(
                name=unit_names(t)["district"],
                kind=PoliceUnit.Kind.DISTRICT,
                territory=t,
                parent=directorates[region.pk],
            )
            code = t.code.lower()
            uzbek = lang == "uz"
            head = self.user(f"police-head-{code}", uzbek=uzbek)
            self.member(council, head, Party.POLICE)
            liaison_assign(user=head, unit=dept, position=LiaisonOfficer.Position.HEAD)
            self.member(council, self.user(f"lsg-{code}", uzbek=uzbek), Party.LSG)
            self.member(
                council,
                self.user(f"ngo-{code}", uzbek=uzbek),
                Party.NGO,
                role=Role.SECRETARIAT,
                organisation=organisation.format(gen=ru_genitive(t)),
            )
            self.groups(council, groups)

        forums = 0
        for i, t in enumerate(
            Territory.objects.filter(
                kind__in=[Territory.Kind.AYIL_AIMAK, Territory.Kind.CITY_DISTRICT]
            )
            .select_related("parent")
            .order_by("code")
        ):
            council_t = t.council_territory()
            council = councils[council_t.pk]
            code = t.code.lower()
            lang = forum_language(t, council_t)
            uzbek = lang == "uz"
            dept = PoliceUnit.objects.get(territory=council_t, kind=PoliceUnit.Kind.DISTRICT)
            local = self.unit(
                name=unit_names(t)["local"],
                kind=PoliceUnit.Kind.LOCAL,
                territory=t,
                parent=dept,
            )
            lcpc = self.platform(
                slug=f"lcpc-{code}",
                name=f"ОПОП «{t.name_ru or t.name_en}»",
                level=Platform.Level.COMMUNITY,
                kind=Platform.Kind.LCPC,
                territory=t,
                parent=council,
                aims=LCPC_AIMS,
            )
            inspector = self.user(f"inspector-{code}", uzbek=uzbek)
            liaison_assign(
                user=inspector, unit=local, position=LiaisonOfficer.Position.NEIGHBOURHOOD
            )
            self.member(lcpc, inspector, Party.POLICE)
            self.member(
                lcpc, self.user(f"lcpc-head-{code}", uzbek=uzbek), Party.LCPC, role=Role.SECRETARIAT
            )
            self.member(lcpc, self.user(f"aimak-{code}", uzbek=uzbek), Party.LSG)
            self.member(lcpc, self.user(f"citizen-{code}", uzbek=uzbek), Party.CITIZEN)
            forums += 1
            if i % 3 == 0:
                name, aims = FORUM[lang]
                local_name = {"ru": t.name_ru, "ky": t.name_ky, "uz": t.name_uz}[lang]
                forum = self.platform(
                    slug=f"forum-{code}",
                    name=name.format(name=local_name or t.name_ru, gen=ru_genitive(t)),
                    level=Platform.Level.COMMUNITY,
                    kind=Platform.Kind.INITIATIVE,
                    territory=t,
                    parent=council,
                    aims=aims,
                )
                self.member(
                    forum,
                    self.user(f"initiative-{code}", uzbek=uzbek),
                    Party.CITIZEN,
                    role=Role.SECRETARIAT,
                )
                self.member(forum, self.user(f"youth-{code}", uzbek=uzbek), Party.NGO)
                self.member(forum, inspector, Party.POLICE)
                forums += 1
                if i % 6 == 0:
                    self.member(
                        council,
                        self.user(f"initiative-{code}"),
                        Party.DELEGATE,
                        delegated_from=forum,
                    )

        # One known account per role, on one district and one of its forums.
        home_council = councils[Territory.objects.get(code="KG-C-ALAMUDUN").pk]
        home_forum = home_council.children.order_by("slug").first()
        dept = PoliceUnit.objects.get(
            territory=home_council.territory, kind=PoliceUnit.Kind.DISTRICT
        )
        roles = {
            "citizen": self.user("citizen", name="Айгерим Сыдыкова"),
            "member": self.user("member", name="Марат Жээнбеков"),
            "secretariat": self.user("secretariat", name="Сауле Бекова"),
            "liaison": self.user("liaison", name="Лейтенант милиции Эрлан Кадыров"),
            "platform-admin": self.user("platform-admin", name="Адилет Омуралиев"),
        }
        self.member(home_forum, roles["member"], Party.CITIZEN)
        self.member(home_forum, roles["secretariat"], Party.NGO, role=Role.SECRETARIAT)
        self.member(home_council, roles["platform-admin"], Party.LSG, role=Role.ADMIN)
        liaison_assign(user=roles["liaison"], unit=dept)
        self.member(home_council, roles["liaison"], Party.POLICE)
        # The accounts the journeys need beyond those: the upper secretariats (escalation and
        # registration), the district police head (assigning), and the local self-government
        # and police who answer a forum registered in the home forum's territory.
        council_code = home_council.territory.code.lower()
        forum_code = home_forum.territory.code.lower()
        roles["council-secretariat"] = self.user(f"ngo-{council_code}")
        roles["national-secretariat"] = self.user("national-ngo")
        roles["unit-head"] = self.user(f"police-head-{council_code}")
        roles["district-lsg"] = self.user(f"lsg-{council_code}")
        roles["aimak-lsg"] = self.user(f"aimak-{forum_code}")
        roles["inspector"] = self.user(f"inspector-{forum_code}")
        roles["sysadmin"] = sysadmin
        return {"roles": roles, "forum": home_forum, "council": home_council, "forums": forums}
