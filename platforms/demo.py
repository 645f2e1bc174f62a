"""Demo data for the platform structure: believable, national in shape, idempotent."""

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

COUNCIL_GROUPS = ["Youth and school safety", "Domestic conflict and violence"]
NATIONAL_GROUPS = [
    "Police reform and accountability",
    "Prevention of violent extremism",
    "Inter-ethnic dialogue",
]

# first names and family names used to give demo members believable public names
FIRST = [
    "Aibek",
    "Gulnara",
    "Nurlan",
    "Aizhan",
    "Bakyt",
    "Cholpon",
    "Rustam",
    "Dilnoza",
    "Temir",
    "Saltanat",
    "Azamat",
    "Mahabat",
    "Farrukh",
    "Zarina",
    "Ulan",
    "Kanykei",
]
LAST = [
    "Asanov",
    "Toktogulova",
    "Abdukarimov",
    "Sadykova",
    "Mamytov",
    "Jumabaeva",
    "Yusupov",
    "Ismailova",
    "Osmonov",
    "Kasymova",
    "Turdubaev",
    "Alieva",
]


class Seeder:
    def __init__(self, out=print):
        self.out = out
        self.password = make_password(DEMO_PASSWORD)
        self.users: dict[str, User] = {
            u.email: u for u in User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")
        }
        self.n = 0

    def user(self, local: str, *, name: str = "", superuser: bool = False) -> User:
        email = f"{local}@{DEMO_DOMAIN}"
        if email in self.users:
            return self.users[email]
        if not name:
            name = f"{FIRST[self.n % len(FIRST)]} {LAST[(self.n // 3) % len(LAST)]}"
            self.n += 1
        user = User.objects.create(
            username=email,
            email=email,
            password=self.password,
            display_name=name,
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
        return existing or platform_create(slug=slug, **kwargs)

    def unit(self, *, name, kind, territory, parent=None) -> PoliceUnit:
        unit = PoliceUnit.objects.filter(name=name, territory=territory).first()
        if unit is None:
            unit = PoliceUnit.objects.create(
                name=name, kind=kind, territory=territory, parent=parent
            )
        return unit

    @transaction.atomic
    def run(self) -> dict:
        """The demo structure; returns the known account of every role (ROLE_DESCRIPTIONS)."""
        aimaks = DATA_DIR / "ayil_aimaks.csv"
        if aimaks.exists():
            territories_load(path=aimaks)
        country = Territory.objects.get(code="KG")
        sysadmin = self.user("admin", name="System Administrator", superuser=True)

        national = self.platform(
            slug="national-council",
            name="National Public Security Council",
            level=Platform.Level.NATIONAL,
            territory=country,
            aims="Coordinate public security policy with the Ministry of Internal Affairs, "
            "the government, national NGOs and the delegates of every district and city council.",
        )
        ministry = self.unit(
            name="Ministry of Internal Affairs", kind=PoliceUnit.Kind.MINISTRY, territory=country
        )
        self.member(
            national, self.user("ministry", name="Ministry representative"), Party.AUTHORITY
        )
        self.member(
            national,
            self.user("national-ngo", name="Civic Union For Reforms"),
            Party.NATIONAL_NGO,
            role=Role.SECRETARIAT,
            organisation="Civic Union «For Reforms and Result»",
        )
        for name in NATIONAL_GROUPS:
            ThematicGroup.objects.get_or_create(platform=national, name=name)

        directorates = {}
        for region in Territory.objects.filter(
            kind__in=[Territory.Kind.OBLAST, Territory.Kind.CITY_REPUBLICAN]
        ):
            directorates[region.pk] = self.unit(
                name=f"Internal Affairs Directorate, {region.name_en}",
                kind=PoliceUnit.Kind.DIRECTORATE,
                territory=region,
                parent=ministry,
            )

        councils = {}
        council_territories = Territory.objects.filter(
            kind__in=Territory.COUNCIL_KINDS
        ).select_related("parent")
        for t in council_territories.order_by("code"):
            slug = f"council-{t.code.lower()}"
            council = self.platform(
                slug=slug,
                name=f"{t.name_en} Public Security Council",
                level=Platform.Level.DISTRICT,
                territory=t,
                parent=national,
                aims="Bring together the heads of local police and local self-government, LCPCs, NGOs "
                "and delegates of community forums to solve the district's security problems.",
            )
            councils[t.pk] = council
            region = t if t.kind == Territory.Kind.CITY_REPUBLICAN else t.parent
            dept = self.unit(
                name=f"Police department, {t.name_en}",
                kind=PoliceUnit.Kind.DISTRICT,
                territory=t,
                parent=directorates[region.pk],
            )
            code = t.code.lower()
            head = self.user(f"police-head-{code}")
            self.member(council, head, Party.POLICE)
            liaison_assign(user=head, unit=dept, position=LiaisonOfficer.Position.HEAD)
            self.member(council, self.user(f"lsg-{code}"), Party.LSG)
            self.member(
                council,
                self.user(f"ngo-{code}"),
                Party.NGO,
                role=Role.SECRETARIAT,
                organisation=f"{t.name_en} Women's Initiative",
            )
            for name in COUNCIL_GROUPS:
                ThematicGroup.objects.get_or_create(platform=council, name=name)

        forums = 0
        for i, t in enumerate(
            Territory.objects.filter(
                kind__in=[Territory.Kind.AYIL_AIMAK, Territory.Kind.CITY_DISTRICT]
            ).order_by("code")
        ):
            council_t = t.council_territory()
            council = councils[council_t.pk]
            code = t.code.lower()
            dept = PoliceUnit.objects.get(territory=council_t, kind=PoliceUnit.Kind.DISTRICT)
            local = self.unit(
                name=f"Local police department, {t.name_en}",
                kind=PoliceUnit.Kind.LOCAL,
                territory=t,
                parent=dept,
            )
            lcpc = self.platform(
                slug=f"lcpc-{code}",
                name=f"LCPC {t.name_en}",
                level=Platform.Level.COMMUNITY,
                kind=Platform.Kind.LCPC,
                territory=t,
                parent=council,
                aims="Local crime prevention: aksakal court, women's council and youth committee "
                "working with the neighbourhood inspector.",
            )
            inspector = self.user(f"inspector-{code}")
            liaison_assign(
                user=inspector, unit=local, position=LiaisonOfficer.Position.NEIGHBOURHOOD
            )
            self.member(lcpc, inspector, Party.POLICE)
            self.member(lcpc, self.user(f"lcpc-head-{code}"), Party.LCPC, role=Role.SECRETARIAT)
            self.member(lcpc, self.user(f"aimak-{code}"), Party.LSG)
            self.member(lcpc, self.user(f"citizen-{code}"), Party.CITIZEN)
            forums += 1
            if i % 3 == 0:
                forum = self.platform(
                    slug=f"forum-{code}",
                    name=f"{t.name_en} Community Security Forum",
                    level=Platform.Level.COMMUNITY,
                    kind=Platform.Kind.INITIATIVE,
                    territory=t,
                    parent=council,
                    aims="Safe streets and schools: lighting, patrols near schools, and a youth centre.",
                )
                self.member(
                    forum, self.user(f"initiative-{code}"), Party.CITIZEN, role=Role.SECRETARIAT
                )
                self.member(forum, self.user(f"youth-{code}"), Party.NGO)
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
            "citizen": self.user("citizen", name="Aigerim Citizen"),
            "member": self.user("member", name="Marat Member"),
            "secretariat": self.user("secretariat", name="Saule Secretariat"),
            "liaison": self.user("liaison", name="Lieutenant Liaison"),
            "platform-admin": self.user("platform-admin", name="Adilet Admin"),
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
