"""Concurrent requests against PostgreSQL: 20 identical requests through the real URLs (a vote, a
support, a poll answer, a join request, the registration of an escalated proposal) leave
exactly one row; 50 voters on one decision and 50 poll submissions from 25 residents give
exact tallies and no duplicates.

Each thread has its own test client and its own database connection, and all of them wait at
a barrier so the requests hit the server at the same moment.
"""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from assessments import services as assessment_services
from assessments.models import PollAnswer, PollParticipation, Residence
from forums import services as forum_services
from forums.models import Escalation, Proposal, ProposalEvent, Supporter
from platforms.decisions import decision_open, decision_tally
from platforms.models import Membership, PlatformEvent, Vote
from tests.assessments.conftest import make_round
from tests.assessments.test_polls import ANSWERS
from tests.conftest import _grant
from tests.factories import PoliceUnitFactory, UserFactory
from tests.forums.conftest import adopt, secretariat_of

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite serialises writers: no race to test"
    ),
    # one process runs them all, one at a time: two 50-thread tests at once in two xdist
    # processes ask PostgreSQL for more than its 100 connections (a CI failure)
    pytest.mark.xdist_group("concurrency"),
]

N = 20


@pytest.fixture
def frameworks(db):
    """Shipped assessment frameworks come with a data migration; the flush removes them."""
    from assessments.defaults import frameworks_load

    frameworks_load()


def parallel(calls) -> list:
    """Run each callable in its own thread, all released together; returns results or errors."""
    barrier = threading.Barrier(len(calls), timeout=30)
    results: list = [None] * len(calls)

    def run(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except Exception as exc:  # noqa: BLE001 - returned and asserted by the caller
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def post_as(user, url, data):
    """A POST by `user` through its own client: the status code, or the error raised."""

    def call():
        client = Client()
        client.force_login(user)
        return client.post(url, data).status_code

    return call


def assert_no_server_error(results):
    failures = [r for r in results if not (isinstance(r, int) and r < 500)]
    assert not failures, failures  # the errors raised or the 5xx statuses, not the 302s


def test_twenty_identical_votes_leave_one_vote(forum, sam, alice):
    decision = decision_open(platform=forum, actor=sam, matter="other", title="Bench by the school")
    url = reverse("platforms:decision", kwargs={"slug": forum.slug, "pk": decision.pk})
    results = parallel([post_as(alice, url, {"choice": "yes"}) for _ in range(N)])
    assert_no_server_error(results)
    assert Vote.objects.filter(decision=decision, user=alice).count() == 1
    assert decision_tally(decision)["yes"] == 1


def test_twenty_identical_supports_leave_one_supporter(forum, alice, cyril, local_unit):
    proposal = forum_services.proposal_create(
        platform=forum, author=alice, title="Lights", body="Dark street.", category="school",
        submit=True,
    )  # fmt: skip
    url = reverse("forums:proposal", kwargs={"pk": proposal.pk})
    results = parallel([post_as(cyril, url, {"action": "support"}) for _ in range(N)])
    assert_no_server_error(results)
    assert Supporter.objects.filter(proposal=proposal, user=cyril).count() == 1


def test_twenty_identical_poll_answers_leave_one_answer(forum, sam, district_unit, frameworks):
    unit = PoliceUnitFactory(territory=forum.territory, parent=district_unit, kind="local")
    round_ = make_round(forum, sam, [unit])
    assessment_services.round_open(round_=round_, actor=sam)
    rita = UserFactory()
    Residence.objects.create(user=rita, territory=forum.territory)
    url = reverse("assessments:poll", kwargs={"pk": round_.pk})
    data = {"action": "answer", **ANSWERS}
    results = parallel([post_as(rita, url, data) for _ in range(N)])
    assert_no_server_error(results)
    assert PollParticipation.objects.filter(poll=round_.poll).count() == 1
    assert PollAnswer.objects.filter(poll=round_.poll).count() == 1


def test_twenty_identical_join_requests_leave_one_request(forum, cyril):
    url = reverse("platforms:join", kwargs={"slug": forum.slug})
    data = {"party": "citizen", "motivation": "I live here."}
    results = parallel([post_as(cyril, url, data) for _ in range(N)])
    assert_no_server_error(results)
    assert Membership.objects.filter(platform=forum, user=cyril).count() == 1
    assert (
        PlatformEvent.objects.filter(
            platform=forum, kind=PlatformEvent.Kind.MEMBERSHIP, actor=cyril
        ).count()
        == 1
    )


def test_twenty_identical_registrations_register_once(forum, council, sam, alice, local_unit):
    csec = secretariat_of(council)
    proposal = forum_services.proposal_create(
        platform=forum, author=alice, title="Lights", body="Dark street.", category="school",
        police_unit=local_unit, submit=True,
    )  # fmt: skip
    adopt(proposal, sam, [alice, sam, _grant(forum)])
    forum_services.proposal_escalate(proposal=proposal, actor=sam)
    url = reverse("forums:proposal", kwargs={"pk": proposal.pk})
    data = {"action": "register", "platform": council.pk}
    results = parallel([post_as(csec, url, data) for _ in range(N)])
    assert_no_server_error(results)
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.REGISTERED
    assert Escalation.objects.filter(proposal=proposal, status="registered").count() == 1
    assert proposal.events.filter(kind=ProposalEvent.Kind.REGISTERED).count() == 1


def test_fifty_voters_at_once_give_an_exact_tally(forum, sam):
    voters = [_grant(forum) for _ in range(49)] + [sam]
    decision = decision_open(platform=forum, actor=sam, matter="other", title="Night patrols")
    url = reverse("platforms:decision", kwargs={"slug": forum.slug, "pk": decision.pk})
    choices = ["yes"] * 30 + ["no"] * 15 + ["abstain"] * 5
    results = parallel(
        [post_as(v, url, {"choice": c}) for v, c in zip(voters, choices, strict=True)]
    )
    assert_no_server_error(results)
    assert Vote.objects.filter(decision=decision).count() == 50
    tally = decision_tally(decision)
    assert (tally["yes"], tally["no"], tally["abstain"]) == (30, 15, 5)


def test_fifty_poll_submissions_from_25_residents_count_each_once(
    forum, sam, district_unit, frameworks
):
    unit = PoliceUnitFactory(territory=forum.territory, parent=district_unit, kind="local")
    round_ = make_round(forum, sam, [unit])
    assessment_services.round_open(round_=round_, actor=sam)
    residents = [UserFactory() for _ in range(25)]
    Residence.objects.bulk_create(Residence(user=u, territory=forum.territory) for u in residents)
    url = reverse("assessments:poll", kwargs={"pk": round_.pk})
    calls = []
    for i, user in enumerate(residents):
        data = {"action": "answer", **ANSWERS, "top_concern": f"concern {i:02d}"}
        calls += [post_as(user, url, data), post_as(user, url, data)]  # each submits twice
    results = parallel(calls)
    assert_no_server_error(results)
    assert PollParticipation.objects.filter(poll=round_.poll).count() == 25
    answers = PollAnswer.objects.filter(poll=round_.poll)
    assert answers.count() == 25
    concerns = sorted(answers.values_list("top_concern", flat=True))
    assert concerns == [f"concern {i:02d}" for i in range(25)]
