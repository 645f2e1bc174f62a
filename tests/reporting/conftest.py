"""A small hierarchy with figures known by hand: the national council, two district councils
and five community forums (three under Alamudun, two under Batken), with people, proposals,
meetings and a plan in YEAR. Figures are listed in HAND below; the tests compare against them.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from forums.models import Escalation, Meeting
from platforms.models import Party, Role, Territory
from platforms.services import membership_end, membership_grant
from reporting.models import PlanAction, StrategicPlan
from tests.factories import (
    CouncilFactory,
    PlatformFactory,
    PoliceUnitFactory,
    TerritoryFactory,
    UserFactory,
    national_council,
)
from tests.reporting.factories import ProposalFactory

YEAR = 2025
BISHKEK = ZoneInfo("Asia/Bishkek")


def at(month, day, hour=10):
    return datetime(YEAR, month, day, hour, tzinfo=BISHKEK)


def grant(platform, user, party=Party.CITIZEN, role=Role.MEMBER, **kwargs):
    if role == Role.SECRETARIAT:
        kwargs.setdefault("term_start", date(YEAR, 1, 1))
        kwargs.setdefault("term_end", date(YEAR + 5, 12, 31))
    return membership_grant(
        platform=platform, user=user, party=party, role=role, actor=None, check=False, **kwargs
    )


def secretariat(platform):
    """A secretariat of the platform whose term covers today."""
    user = UserFactory()
    today = timezone.localdate()
    grant(
        platform,
        user,
        Party.NGO,
        Role.SECRETARIAT,
        term_start=today - timedelta(days=400),
        term_end=today + timedelta(days=300),
    )
    return user


@pytest.fixture
def tree(db):
    """The hierarchy and its YEAR, built at known moments; HAND holds the expected figures."""
    national = national_council()
    alamudun = Territory.objects.get(code="KG-C-ALAMUDUN")
    batken = Territory.objects.get(code="KG-B-BATKEN")
    c1 = CouncilFactory(territory=alamudun, name="Alamudun council", slug="c-alamudun")
    c2 = CouncilFactory(territory=batken, name="Batken council", slug="c-batken")
    f = [PlatformFactory(territory=TerritoryFactory(parent=alamudun)) for _ in range(3)]
    f += [PlatformFactory(territory=TerritoryFactory(parent=batken)) for _ in range(2)]
    assert [x.parent_id for x in f] == [c1.pk] * 3 + [c2.pk] * 2
    unit = PoliceUnitFactory(name="Alamudun police")
    u = [UserFactory() for _ in range(10)]
    with time_machine.travel(at(3, 1), tick=False):
        grant(f[0], u[1])
        grant(f[0], u[2], Party.NGO)
        leaving = grant(f[1], u[3])
        grant(f[2], u[4], Party.POLICE)
        grant(f[3], u[5], Party.LSG)
        grant(f[4], u[6])
        grant(f[4], u[1])  # the same person on a second forum counts there too
        grant(c1, u[7], Party.NGO)
        first_term = grant(
            c1,
            u[7],
            Party.NGO,
            Role.SECRETARIAT,
            term_start=date(YEAR, 1, 1),
            term_end=date(YEAR, 6, 30),
        )
        grant(c2, u[8], Party.LSG)
        grant(national, u[9], Party.AUTHORITY)
    with time_machine.travel(at(6, 1), tick=False):
        membership_end(membership=leaving, actor=None, check=False)
    with time_machine.travel(at(6, 30, 12), tick=False):
        membership_end(membership=first_term, actor=None, check=False)
    with time_machine.travel(at(7, 1), tick=False):
        grant(
            c1,
            u[7],
            Party.NGO,
            Role.SECRETARIAT,
            term_start=date(YEAR, 7, 1),
            term_end=date(YEAR + 1, 6, 30),
        )
    # proposals: counted where raised
    p1 = ProposalFactory(
        origin=f[0], submitted_at=at(3, 1), police_unit=unit, police_answered_at=at(3, 4)
    )
    ProposalFactory(
        origin=f[0],
        submitted_at=at(3, 1),
        police_unit=unit,
        police_answered_at=at(3, 11),
        category="road",
    )
    ProposalFactory(
        origin=f[3],
        submitted_at=at(4, 1),
        police_unit=unit,
        police_answered_at=at(4, 2),
        state="resolved",
    )
    ProposalFactory(
        origin=f[4], submitted_at=at(5, 1), police_unit=unit, response_due=date(YEAR, 5, 31)
    )
    ProposalFactory(
        origin=c1, submitted_at=at(5, 1), lsg_territory=alamudun, lsg_answered_at=at(5, 7)
    )
    ProposalFactory(origin=national, submitted_at=at(8, 1), state="adopted", category="youth")
    ProposalFactory(origin=f[1], submitted_at=datetime(YEAR - 1, 12, 31, 10, tzinfo=BISHKEK))
    Escalation.objects.create(
        proposal=p1,
        from_platform=f[0],
        to_platform=c1,
        escalated_at=at(3, 20),
        status=Escalation.Status.REGISTERED,
    )
    m1 = Meeting.objects.create(
        platform=f[0],
        kind=Meeting.Kind.GENERAL,
        title="Spring meeting",
        starts_at=at(4, 10),
        minutes="Minutes",
        minutes_published_at=at(4, 11),
    )
    m1.attendees.set([u[1], u[2]])
    Meeting.objects.create(
        platform=f[3],
        kind=Meeting.Kind.GENERAL,
        title="Cancelled",
        starts_at=at(4, 12),
        status=Meeting.Status.CANCELLED,
    )
    m3 = Meeting.objects.create(
        platform=national, kind=Meeting.Kind.SEMINAR, title="Seminar", starts_at=at(5, 5)
    )
    m3.attendees.set([u[9]])
    plan = StrategicPlan.objects.create(
        platform=f[0],
        year=YEAR,
        title="Safer streets",
        objectives="Light\nPatrols",
        status=StrategicPlan.Status.ADOPTED,
        adopted_at=at(2, 1),
    )
    PlanAction.objects.create(
        plan=plan,
        title="Six lamps",
        responsible="lsg",
        responsible_name="Aiyl okmotu",
        deadline=date(YEAR, 5, 1),
        status="done",
        progress=100,
    )
    PlanAction.objects.create(
        plan=plan,
        title="Evening patrols",
        responsible="police",
        police_unit=unit,
        deadline=date(YEAR, 6, 30),
    )
    return {"national": national, "councils": [c1, c2], "forums": f, "users": u, "unit": unit}


# What the national report must show, worked out by hand from the fixture above.
HAND = {
    "members_total": 9,  # pairs at year end: f0 u1,u2; f2 u4; f3 u5; f4 u6,u1; c1 u7; c2 u8; N u9
    "by_party": {"citizen": 3, "ngo": 2, "police": 1, "lsg": 2, "authority": 1},  # c1's u7 is ngo
    "joined": 12,  # 11 grants on 1 March (u7 twice on c1: member and secretariat), 1 on 1 July
    "left": 2,  # u3 left f1; u7's first secretariat term ended
    "renewed": 1,
    "proposals": 6,
    "police": {"addressed": 4, "answered": 3, "rate": 75.0, "median_days": 3.0},
    "lsg": {"addressed": 1, "answered": 1, "rate": 100.0, "median_days": 6.0},
    "overdue": 1,
    "meetings": 2,
    "attendance": 3,
}


@pytest.fixture
def national_sec(tree):
    return secretariat(tree["national"])


@pytest.fixture
def c1_sec(tree):
    return secretariat(tree["councils"][0])
