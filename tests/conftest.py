"""Shared fixtures: named personas around one community forum, as in the roles table.

alice is a member, sam is the secretariat, paula the platform admin, leo the liaison officer
of the forum's local police, lena a liaison of another unit, cyril a citizen with no role,
and an anonymous visitor reads public pages only.
"""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from platforms.models import Party, PoliceUnit, Role, Territory
from platforms.services import liaison_assign, membership_grant
from tests.factories import PlatformFactory, PoliceUnitFactory, UserFactory

pytest_plugins = ["tests.support.worker"]

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def forum(db):
    return PlatformFactory(name="Lebedinovka forum")


@pytest.fixture
def council(forum):
    return forum.parent


def _grant(platform, role=Role.MEMBER, party=Party.CITIZEN, **kwargs):
    user = UserFactory()
    if role == Role.SECRETARIAT:
        today = timezone.localdate()
        kwargs.setdefault("term_start", today - timedelta(days=10))
        kwargs.setdefault("term_end", today + timedelta(days=300))
    membership_grant(
        platform=platform, user=user, party=party, role=role, actor=None, check=False, **kwargs
    )
    return user


@pytest.fixture
def alice(forum):
    """A member of the forum."""
    return _grant(forum)


@pytest.fixture
def sam(forum):
    """The forum's secretariat, within term."""
    return _grant(forum, role=Role.SECRETARIAT, party=Party.NGO)


@pytest.fixture
def paula(forum):
    """The forum's platform admin."""
    return _grant(forum, role=Role.ADMIN, party=Party.LSG)


@pytest.fixture
def cyril(db):
    """A registered citizen with no role anywhere."""
    return UserFactory()


@pytest.fixture
def district_unit(db):
    return PoliceUnitFactory(name="Alamudun district police", kind=PoliceUnit.Kind.DISTRICT)


@pytest.fixture
def local_unit(district_unit):
    return PoliceUnitFactory(name="Lebedinovka police", parent=district_unit)


@pytest.fixture
def leo(local_unit):
    """The liaison officer of the local unit."""
    user = UserFactory()
    liaison_assign(user=user, unit=local_unit)
    return user


@pytest.fixture
def lena(db):
    """A liaison officer of another, unrelated unit."""
    user = UserFactory()
    other = PoliceUnitFactory(
        name="Batken police", territory=Territory.objects.get(code="KG-B-BATKEN")
    )
    liaison_assign(user=user, unit=other)
    return user


@pytest.fixture
def sysadmin(db):
    return UserFactory(is_superuser=True, is_staff=True)


def pytest_collection_modifyitems(config, items):
    if not CHROMIUM.exists() and not os.environ.get("REQUIRE_BROWSER"):
        skip = pytest.mark.skip(reason="/usr/bin/chromium not installed: browser tests skipped")
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(skip)
    if not os.environ.get("CELERY_TEST_BROKER_URL"):
        skip = pytest.mark.skip(reason="CELERY_TEST_BROKER_URL not set: real-worker tests skipped")
        for item in items:
            if "celery_worker" in item.keywords:
                item.add_marker(skip)
    # the real-worker tests share one broker queue: run them on one xdist worker, one at a time
    for item in items:
        if "celery_worker" in item.keywords:
            item.add_marker(pytest.mark.xdist_group("celery_worker"))


@pytest.fixture(autouse=True)
def _territories_after_flush(request):
    """Transactional tests flush the database, shipped territories included: reload them."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    from platforms.services import territories_load

    if not Territory.objects.filter(code="KG").exists():
        territories_load()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: the local-memory cache outlives a test in its
    process, and a cached public page or rate-limit counter must not carry into the next."""
    from django.core.cache import cache

    cache.clear()
