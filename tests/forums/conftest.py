from datetime import timedelta

import pytest
from django.utils import timezone

from forums import services
from platforms.models import LiaisonOfficer, Party, Role
from platforms.services import liaison_assign, membership_grant
from tests.factories import UserFactory


def secretariat_of(platform):
    user = UserFactory()
    today = timezone.localdate()
    membership_grant(
        platform=platform,
        user=user,
        party=Party.NGO,
        role=Role.SECRETARIAT,
        actor=None,
        check=False,
        term_start=today - timedelta(days=5),
        term_end=today + timedelta(days=300),
    )
    return user


@pytest.fixture
def csec(council):
    """The district council's secretariat."""
    return secretariat_of(council)


@pytest.fixture
def nsec(council):
    """The national council's secretariat."""
    return secretariat_of(council.parent)


@pytest.fixture
def head(district_unit):
    """The head of the district police department above leo's unit."""
    user = UserFactory()
    liaison_assign(user=user, unit=district_unit, position=LiaisonOfficer.Position.HEAD)
    return user


@pytest.fixture
def proposal(forum, alice, local_unit):
    return services.proposal_create(
        platform=forum,
        author=alice,
        title="Lights on School Street",
        body="The street to school no. 3 is dark; girls are harassed after classes.",
        category="school",
        police_unit=local_unit,
        submit=True,
    )


def adopt(proposal, sec, voters):
    """Open a decision, have the voters say yes, close it."""
    from platforms.decisions import vote_cast

    decision = services.proposal_open_vote(proposal=proposal, actor=sec)
    for v in voters:
        vote_cast(decision=decision, user=v, choice="yes")
    return services.proposal_decide(proposal=proposal, actor=sec)
