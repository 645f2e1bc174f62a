"""Personas of an assessment: a community forum assessing its local police department.

sam is the forum's secretariat; alice, bob and carol are members who grade; piotr is a police
member of the forum (never grades); hugo heads the assessed local unit (liaison, HEAD);
lena is a liaison of an unrelated unit; rita is a verified resident of the forum's aimak;
cyril a citizen living elsewhere.
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from assessments import services
from assessments.defaults import frameworks_load
from assessments.models import Framework, Grade, Residence, TargetKind, Track
from platforms.models import LiaisonOfficer, Party, PoliceUnit, Territory
from platforms.services import liaison_assign
from tests.conftest import _grant
from tests.factories import PoliceUnitFactory, UserFactory


@pytest.fixture(autouse=True)
def _frameworks(db):
    """Shipped frameworks come with a data migration; a transactional flush removes them."""
    frameworks_load()


@pytest.fixture
def unit(forum, district_unit):
    """The local police department serving the forum's aimak."""
    return PoliceUnitFactory(
        name="Лебединовский ОМВД",
        kind=PoliceUnit.Kind.LOCAL,
        territory=forum.territory,
        parent=district_unit,
    )


@pytest.fixture
def other_unit(db):
    return PoliceUnitFactory(
        name="Batken local police",
        kind=PoliceUnit.Kind.LOCAL,
        territory=Territory.objects.get(code="KG-B-BATKEN"),
    )


@pytest.fixture
def raters(forum):
    return [_grant(forum) for _ in range(3)]


@pytest.fixture
def alice(raters):
    return raters[0]


@pytest.fixture
def piotr(forum):
    return _grant(forum, party=Party.POLICE)


@pytest.fixture
def hugo(unit):
    user = UserFactory(display_name="Майор Асанов")
    liaison_assign(user=user, unit=unit, position=LiaisonOfficer.Position.HEAD)
    return user


@pytest.fixture
def rita(forum):
    user = UserFactory()
    Residence.objects.create(user=user, territory=forum.territory)
    return user


@pytest.fixture
def framework(db):
    return Framework.objects.get(target_kind=TargetKind.LOCAL, version=1)


def make_round(forum, sam, units, framework=None, *, method="portal", start=None, title="Оценка"):
    framework = framework or Framework.objects.get(target_kind=TargetKind.LOCAL, version=1)
    start = start or date(2026, 1, 1)
    return services.round_create(
        platform=forum,
        actor=sam,
        framework=framework,
        title=title,
        period_start=start,
        period_end=start + timedelta(days=180),
        units=units,
        poll_method=method,
    )


def grade_all(round_, raters, sam, grades=None, *, default=Grade.GOOD):
    """Every rater grades every external criterion; the secretariat moderates every criterion.

    `grades` maps a criterion code to the moderated grade (default for the rest).
    """
    grades = grades or {}
    criteria = list(round_.framework.criteria.all())
    for subject in round_.subjects.all():
        for c in criteria:
            g = grades.get(c.code, default) if c.graded else None
            if c.track == Track.EXTERNAL:
                for r in raters:
                    services.score_set(
                        subject=subject, criterion=c, rater=r, grade=g, rationale="видел сам"
                    )
                services.moderation_set(
                    subject=subject, criterion=c, actor=sam, grade=g, narrative="согласовано"
                )
            else:
                services.moderation_set(
                    subject=subject,
                    criterion=c,
                    actor=sam,
                    grade=g,
                    narrative="по данным МВД",
                    source="МВД, отчёт 2026",
                )


def run_to_reply(forum, sam, raters, units, **kwargs):
    grades = kwargs.pop("grades", None)
    default = kwargs.pop("default", Grade.GOOD)
    round_ = make_round(forum, sam, units, **kwargs)
    services.round_open(round_=round_, actor=sam)
    services.round_start_scoring(round_=round_, actor=sam)
    grade_all(round_, raters, sam, grades, default=default)
    return services.round_end_moderation(round_=round_, actor=sam)


def publish(forum, sam, raters, units, **kwargs):
    round_ = run_to_reply(forum, sam, raters, units, **kwargs)
    services.round_publish(round_=round_, actor=sam)
    round_.refresh_from_db()
    return round_


def today():
    return timezone.localdate()
