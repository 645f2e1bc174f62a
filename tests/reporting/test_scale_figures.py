"""Report figures at national scale (issue 13): the children table is one GROUP BY per measure
over the subtree, added up per child, and agrees with counting each child's subtree directly;
its query count does not grow with the number of platforms."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forums.models import Proposal
from platforms.models import Membership, Party, Platform, Role
from reporting.below import children_figures
from reporting.selectors import Period, Scope, membership_figures
from tests.factories import PlatformFactory, TerritoryFactory, UserFactory
from tests.reporting.conftest import YEAR, at, grant
from tests.reporting.factories import ProposalFactory

pytestmark = pytest.mark.django_db


def _children(platform):
    with CaptureQueriesContext(connection) as ctx:
        rows = children_figures(platform, YEAR, Period.year(YEAR))
    return rows, len(ctx.captured_queries)


def _grow(council, forums: int):
    for _ in range(forums):
        forum = PlatformFactory(territory=TerritoryFactory(parent=council.territory))
        assert forum.parent_id == council.pk
        grant(forum, UserFactory())
        ProposalFactory(origin=forum, submitted_at=at(5, 1))


def test_children_figures_add_up_each_subtree(tree):
    national = Platform.objects.get(pk=tree["national"].pk)
    c1, _c2 = tree["councils"]
    _grow(c1, 3)
    rows, _ = _children(national)
    by_slug = {r["slug"]: r for r in rows}
    for council in tree["councils"]:
        subtree = Platform.objects.filter(path__startswith=council.path)
        expected_members = Membership.objects.filter(
            platform__in=subtree, status=Membership.Status.ACTIVE
        ).count()
        expected_proposals = Proposal.objects.filter(
            origin__in=subtree.filter(status__in=Platform.PUBLIC_STATUSES),
            submitted_at__year=YEAR,
        ).count()
        assert by_slug[council.slug]["members"] == expected_members
        assert by_slug[council.slug]["proposals"] == expected_proposals


def test_children_figures_queries_do_not_grow(tree):
    national = Platform.objects.get(pk=tree["national"].pk)
    _, small = _children(national)
    for council in tree["councils"]:
        _grow(council, 4)
    _, large = _children(national)
    # the children, the subtree's paths, proposals, meetings and members per platform, and the
    # published reports of the children
    assert small == large == 6


def test_members_count_people_once_per_platform(tree):
    """Two roles on one platform are one person there; the same person elsewhere counts again."""
    forum, other = tree["forums"][0], tree["forums"][3]
    scope, period = Scope.below(tree["national"]), Period.year(YEAR)
    before = membership_figures(scope, period)
    person = UserFactory()
    with time_machine.travel(at(6, 1), tick=False):
        grant(forum, person)
        grant(forum, person, Party.NGO, Role.SECRETARIAT)
    once = membership_figures(scope, period)
    assert once["total"] == before["total"] + 1
    assert once["by_party"]["ngo"] == before["by_party"].get("ngo", 0) + 1
    with time_machine.travel(at(6, 2), tick=False):
        grant(other, person)
    assert membership_figures(scope, period)["total"] == before["total"] + 2
