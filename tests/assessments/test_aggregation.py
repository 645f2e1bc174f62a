"""Aggregates against hand-computed figures: weights, missing grades, external vs internal."""

import csv
import io
import json

import pytest
from django.urls import reverse

from assessments import selectors, services
from assessments.models import Grade, Round, Subject, Track
from tests.assessments.conftest import make_round

pytestmark = pytest.mark.django_db

# The local framework's weights: openness 3, responsiveness 3, problem_solving 3, rights 3,
# fairness 2, visibility 2, youth 2, domestic_violence 2, integrity 2 (external, 22 in all);
# complaints 2, call_response 2 (internal, 4).
GRADES = {
    "openness": 5,
    "responsiveness": 4,
    "problem_solving": 2,
    "rights": 2,
    "fairness": 3,
    "visibility": None,  # left ungraded: no evidence
    "youth": 4,
    "domestic_violence": 1,
    "integrity": 3,
    "complaints": 1,
    "call_response": 4,
}
RATER_GRADES = {"openness": (5, 5, 4), "visibility": (3, 3, 2)}


@pytest.fixture
def scored(forum, sam, raters, unit):
    round_ = make_round(forum, sam, [unit])
    services.round_open(round_=round_, actor=sam)
    services.round_start_scoring(round_=round_, actor=sam)
    subject = round_.subjects.get()
    for c in round_.framework.criteria.all():
        g = GRADES[c.code]
        if c.track == Track.EXTERNAL:
            for r, rg in zip(raters, RATER_GRADES.get(c.code, (g, g, g)), strict=True):
                services.score_set(subject=subject, criterion=c, rater=r, grade=rg, rationale="r")
            services.moderation_set(subject=subject, criterion=c, actor=sam, grade=g, narrative="n")
        else:
            services.moderation_set(
                subject=subject, criterion=c, actor=sam, grade=g, narrative="n", source="МВД"
            )
    return round_, subject


def test_weighted_median_by_hand():
    assert selectors.weighted_median({}) is None
    assert selectors.weighted_median({3: 1}) == 3
    # best first: 5 (3) -> 4 (8) -> 3 (12 >= 20/2)
    assert selectors.weighted_median({5: 3, 4: 5, 3: 4, 2: 6, 1: 2}) == 3
    # an exact tie at half goes to the better grade
    assert selectors.weighted_median({4: 2, 1: 2}) == 4
    # weight, not count: one heavy poor grade outweighs two light good ones
    assert selectors.weighted_median({5: 1, 4: 1, 1: 3}) == 1


def test_subject_results_match_hand_computation(scored):
    _round, subject = scored
    r = selectors.subject_results(subject)
    ext, internal = r["summary"]["external"], r["summary"]["internal"]
    # external weights per grade: 5:3, 4:3+2, 3:2+2, 2:3+3, 1:2 = 20 of 22 (visibility ungraded)
    assert ext["median"] == Grade.ADEQUATE
    assert ext["coverage"] == 91
    assert [s["percent"] for s in ext["share"]] == [15, 25, 20, 30, 10]
    # internal: 1 (w2) and 4 (w2): a tie at half goes to good
    assert internal["median"] == Grade.GOOD and internal["coverage"] == 100
    openness = next(row for row in r["external"] if row["criterion"].code == "openness")
    assert openness["raters"] == 3
    assert openness["distribution"][:2] == [(Grade.OUTSTANDING.label, 2), (Grade.GOOD.label, 1)]


def test_overall_is_stored_at_the_reply_stage(scored, sam):
    round_, subject = scored
    services.round_end_moderation(round_=round_, actor=sam)
    subject.refresh_from_db()
    # combined: 5:3, 4:5+2, 3:4, 2:6, 1:2+2 = 24; half 12 reached at adequate
    assert (subject.overall, subject.overall_external, subject.overall_internal) == (3, 3, 4)


def test_grade_weights_are_one_sql_aggregate(scored, django_assert_num_queries):
    _round, subject = scored
    with django_assert_num_queries(1):
        weights = selectors.subject_grade_weights(Subject.objects.filter(pk=subject.pk))
    assert weights[subject.pk][Track.EXTERNAL] == {5: 3, 4: 5, 3: 4, 2: 6, 1: 2}
    assert weights[subject.pk][Track.INTERNAL] == {1: 2, 4: 2}


def test_exports_hold_aggregates_only(scored, sam, client, raters):
    round_, subject = scored
    services.round_end_moderation(round_=round_, actor=sam)
    services.round_publish(round_=round_, actor=sam)
    body = client.get(reverse("assessments:export_csv", args=[round_.pk])).content.decode()
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff").split("\r\n\r\n")[0])))
    openness = next(r for r in rows if r["criterion"] == "openness")
    assert openness["grade"] == "5" and openness["raters"] == "3"
    assert openness["n_outstanding"] == "2" and openness["n_good"] == "1"
    for r in raters:
        assert r.public_name not in body and r.email not in body
    data = json.loads(client.get(reverse("assessments:export_json", args=[round_.pk])).content)
    assert len(data["results"]) == 11
    assert "rationale" not in json.dumps(data) and "rater" not in data["results"][0]


def test_exports_of_an_unpublished_round_are_not_public(scored, client):
    round_, _subject = scored
    assert client.get(reverse("assessments:export_csv", args=[round_.pk])).status_code == 404


def test_published_results_for_reporting(scored, sam, forum):
    round_, subject = scored
    services.round_end_moderation(round_=round_, actor=sam)
    assert selectors.published_results([forum.pk], 2026)["subjects"] == []  # not yet published
    services.round_publish(round_=round_, actor=sam)
    r = selectors.published_results([forum.pk], round_.period_end.year)
    assert [(s["unit_id"], s["overall"], s["overall_external"]) for s in r["subjects"]] == [
        (subject.unit_id, 3, 3)
    ]
    assert r["overall_distribution"] == {3: 1}
    assert {"code": "openness", "track": "external", "grade": 5, "n": 1} in r["criteria"]
    assert selectors.published_results([forum.pk], 1999)["subjects"] == []
    assert Round.objects.get().state == "published"


def test_unit_record_on_proposals(forum, unit, django_assert_num_queries):
    """Answer rate, median days to answer and overdue, by hand: answered after 2, 4 and 10
    days (median 4), one unanswered past its date (overdue), one draft (not counted)."""
    from datetime import timedelta

    from django.utils import timezone

    from forums.models import Proposal

    now = timezone.now()
    base = dict(body="b", category="other", origin=forum, platform=forum, police_unit=unit)
    for i, days in enumerate((2, 10, 4)):
        Proposal.objects.create(
            title=f"p{i}",
            state="submitted",
            submitted_at=now - timedelta(days=40),
            police_answered_at=now - timedelta(days=40 - days),
            response_due=(now - timedelta(days=10)).date(),
            **base,
        )
    Proposal.objects.create(
        title="late",
        state="submitted",
        submitted_at=now - timedelta(days=40),
        response_due=(now - timedelta(days=10)).date(),
        **base,
    )
    Proposal.objects.create(title="draft", state="draft", **base)
    with django_assert_num_queries(2):
        record = selectors.unit_proposal_record(unit)
    assert record == {"addressed": 4, "answered": 3, "overdue": 1, "rate": 75, "median_days": 4.0}
