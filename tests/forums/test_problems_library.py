"""The library of practice, reviews by councils, experience exchanges, and the pages.

Query budgets are asserted at two sizes: the library, the map data, the hot-spot page, a forum's
problem list and a problem page stay flat as records grow.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from forums.problems import selectors, services
from forums.problems.models import (
    Exchange,
    ExchangeInvitation,
    Practice,
    PracticeAdoption,
    Problem,
    ProblemReview,
)
from tests.conftest import _grant
from tests.factories import PlatformFactory
from tests.forums.conftest import secretariat_of
from tests.forums.problem_builders import at_stage, closed, record

pytestmark = pytest.mark.django_db

CASE = {
    "title": "Вымогательство денег у младших школьников: дежурства и ящик доверия",
    "summary": "Старшеклассники отбирали деньги у учеников 5-7 классов у школы №5. "
    "Форум вместе со школой и инспектором по делам несовершеннолетних ввёл дежурства.",
    "what_worked": "Анонимный ящик доверия, дежурства родителей, беседы инспектора ИДН.",
    "measures": "Обращения: 9 в месяц до, 2 после (школьный журнал).",
    "contact": "Приёмная айыл окмоту, forum@example.org",
}


@pytest.fixture
def other_forum(forum):
    return PlatformFactory(name="Ала-Арча форуму", parent=forum.parent)


@pytest.fixture
def olga(other_forum):
    return _grant(other_forum)


@pytest.fixture
def osec(other_forum):
    return secretariat_of(other_forum)


@pytest.fixture
def practice(forum, alice, sam):
    problem = closed(forum, alice, sam)
    return services.practice_publish(problem=problem, actor=sam, **CASE)


# --- publishing --------------------------------------------------------------------------


def test_an_open_problem_cannot_be_published(forum, alice, sam):
    problem = at_stage(forum, alice, "assessment")
    with pytest.raises(ValidationError):
        services.practice_publish(problem=problem, actor=sam, **CASE)
    assert not Practice.objects.exists()


def test_only_the_secretariat_publishes(forum, alice, sam):
    problem = closed(forum, alice, sam)
    with pytest.raises(PermissionDenied):
        services.practice_publish(problem=problem, actor=alice, **CASE)
    assert not Practice.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("summary", "Пострадавшая, ПИН 21205199000123"), ("what_worked", "Звоните +996 555 12 34 56")],
)
def test_a_case_study_with_identifying_data_is_refused(forum, alice, sam, field, value):
    problem = closed(forum, alice, sam)
    with pytest.raises(ValidationError) as exc:
        services.practice_publish(problem=problem, actor=sam, **{**CASE, field: value})
    assert field in exc.value.message_dict
    assert not Practice.objects.exists()


def test_a_problem_is_published_once(practice, sam):
    with pytest.raises(ValidationError):
        services.practice_publish(problem=practice.problem, actor=sam, **CASE)
    assert practice.category == "youth" and practice.territory == practice.problem.territory


# --- "we are trying this" ------------------------------------------------------------------


def test_another_forum_links_its_problem(practice, other_forum, olga, sam):
    theirs = record(other_forum, olga, title="Вымогательство у школы №2 в Ала-Арче")
    services.practice_adopt(practice=practice, problem=theirs, actor=olga, note="с января")
    practice.refresh_from_db()
    assert practice.adoption_count == 1
    assert PracticeAdoption.objects.get().platform == other_forum
    assert Notification.objects.filter(user=sam, title__contains="trying your practice").exists()
    with pytest.raises(ValidationError):
        services.practice_adopt(practice=practice, problem=theirs, actor=olga)
    practice.refresh_from_db()
    assert practice.adoption_count == 1


def test_the_own_forum_and_outsiders_cannot_link(practice, forum, other_forum, alice, olga, cyril):
    ours = record(forum, alice)
    with pytest.raises(ValidationError):
        services.practice_adopt(practice=practice, problem=ours, actor=alice)
    theirs = record(other_forum, olga)
    for outsider in (alice, cyril):
        with pytest.raises(PermissionDenied):
            services.practice_adopt(practice=practice, problem=theirs, actor=outsider)
    assert practice.adoptions.count() == 0


def test_practices_are_offered_among_the_options(practice, other_forum, olga):
    theirs = at_stage(other_forum, olga, "analysis")
    assert selectors.practices_for_options(theirs) == [practice]


# --- the library search ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["вымогательство", "ВЫМОГАТЕЛЬСТВО", "ящик доверия", "школьников", "ИДН"]
)
def test_library_search_in_cyrillic(practice, query):
    assert list(selectors.library(query=query)) == [practice]


def test_library_search_misses(practice):
    assert list(selectors.library(query="наркотики")) == []


def test_library_filters(practice):
    assert list(selectors.library(category="youth", problem_type="behaviour")) == [practice]
    assert list(selectors.library(category="domestic")) == []
    chui = practice.territory
    while chui.parent_id and chui.kind not in ("oblast", "city_republican"):
        chui = chui.parent
    assert list(selectors.library(region=chui)) == [practice]
    from platforms.models import Territory

    assert list(selectors.library(region=Territory.objects.get(code="KG-B"))) == []


def test_library_page_finds_in_cyrillic(client, practice):
    response = client.get(reverse("forums:library"), {"q": "Вымогательство", "category": "youth"})
    assert response.status_code == 200
    assert practice.title in response.content.decode()


# --- quality review -------------------------------------------------------------------------


def test_the_council_reviews_and_the_forum_sees_it(client, forum, alice, sam, csec):
    problem = at_stage(forum, alice, "analysis")
    review = services.review_add(
        problem=problem,
        actor=csec,
        analysis=3,
        goals=2,
        effectiveness=1,
        involvement=4,
        feedback="Хороший анализ; добавьте измерения эффективности.",
    )
    assert review.score == 3 * 2 + 2 + 1 * 2 + 4
    assert ProblemReview.max_total() == 24
    assert review.reviewer_platform == forum.parent
    assert Notification.objects.filter(user=sam, title__contains="reviewed").exists()
    client.force_login(alice)
    assert "добавьте измерения" in client.get(problem.get_absolute_url()).content.decode()


@pytest.mark.parametrize("persona", ["sam", "alice", "cyril", "osec"])
def test_only_a_council_above_reviews(request, forum, alice, persona):
    problem = at_stage(forum, alice, "analysis")
    with pytest.raises(PermissionDenied):
        services.review_add(
            problem=problem,
            actor=request.getfixturevalue(persona),
            analysis=1,
            goals=1,
            effectiveness=1,
            involvement=1,
            feedback="x",
        )


def test_the_national_council_reviews_too_and_scores_are_bounded(forum, alice, nsec):
    problem = at_stage(forum, alice, "analysis")
    with pytest.raises(ValidationError):
        services.review_add(
            problem=problem,
            actor=nsec,
            analysis=5,
            goals=1,
            effectiveness=1,
            involvement=1,
            feedback="x",
        )
    review = services.review_add(
        problem=problem,
        actor=nsec,
        analysis=4,
        goals=4,
        effectiveness=4,
        involvement=4,
        feedback="x",
    )
    assert review.score == 24


# --- exchanges ---------------------------------------------------------------------------------


def _propose(host, actor, guests, starts_at=None, **extra):
    return services.exchange_propose(
        host=host,
        actor=actor,
        format="seminar",
        title="Семинар: опыт дежурств у школ",
        topic="Как Лебединовка снизила вымогательство у школ",
        starts_at=starts_at or timezone.now() + timedelta(days=10),
        location="Зал айыл окмоту",
        guests=guests,
        agenda=["Доклад форума", "Вопросы"],
        **extra,
    )


def test_an_exchange_horizontal_and_vertical(client, forum, other_forum, council, sam, osec, csec):
    exchange = _propose(forum, sam, [other_forum, council])
    assert exchange.meeting.kind == "seminar"
    assert set(exchange.meeting.guests.all()) == {other_forum, council}
    assert exchange.meeting.agenda.count() == 2
    assert Notification.objects.filter(user=osec, title__contains="invites").exists()
    assert Notification.objects.filter(user=csec, title__contains="invites").exists()
    inv = ExchangeInvitation.objects.get(platform=other_forum)
    with pytest.raises(ValidationError):
        services.exchange_answer(invitation=inv, actor=osec, accept=True, participants="")
    services.exchange_answer(
        invitation=inv, actor=osec, accept=True, participants="Председатель ОПОП\nУчастковый"
    )
    inv.refresh_from_db()
    assert inv.answer == "accepted" and len(inv.participant_list) == 2
    assert Notification.objects.filter(user=sam, title__contains="accepted").exists()
    council_inv = ExchangeInvitation.objects.get(platform=council)
    services.exchange_answer(invitation=council_inv, actor=csec, accept=False)
    # each forum page lists it
    for platform in (forum, other_forum, council):
        page = client.get(reverse("forums:exchanges", args=[platform.slug]))
        assert exchange in page.context["page"].object_list


def test_exchange_answers_and_outcome_by_the_right_people(
    forum, other_forum, sam, osec, alice, olga
):
    exchange = _propose(forum, sam, [other_forum])
    inv = exchange.invitations.get()
    for wrong in (sam, alice, olga):
        with pytest.raises(PermissionDenied):
            services.exchange_answer(invitation=inv, actor=wrong, accept=False)
    with pytest.raises(ValidationError):
        services.exchange_publish_outcome(exchange=exchange, actor=sam, outcome="Итоги")
    with pytest.raises(PermissionDenied):
        services.exchange_publish_outcome(exchange=exchange, actor=osec, outcome="Итоги")
    exchange.meeting.starts_at = timezone.now() - timedelta(hours=2)
    exchange.meeting.save(update_fields=["starts_at"])
    with pytest.raises(ValidationError):
        services.exchange_publish_outcome(exchange=exchange, actor=sam, outcome="Тел 0555 12 34 56")
    services.exchange_publish_outcome(
        exchange=exchange, actor=sam, outcome="Ала-Арча введёт ящик доверия."
    )
    exchange.refresh_from_db()
    assert exchange.outcome_published_at
    with pytest.raises(PermissionDenied):
        services.exchange_answer(invitation=inv, actor=osec, accept=False)


def test_an_exchange_needs_a_guest_and_the_secretariat(forum, sam, alice, other_forum):
    with pytest.raises(ValidationError):
        _propose(forum, sam, [])
    with pytest.raises(PermissionDenied):
        _propose(forum, alice, [other_forum])
    assert not Exchange.objects.exists()


# --- pages and permissions on the web ----------------------------------------------------------


def test_public_pages_for_anonymous(client, practice, forum, other_forum, sam):
    exchange = _propose(forum, sam, [other_forum])
    problem = practice.problem
    for url in (
        reverse("forums:problems", args=[forum.slug]),
        problem.get_absolute_url(),
        reverse("forums:library"),
        practice.get_absolute_url(),
        reverse("forums:hotspots"),
        reverse("forums:platform_hotspots", args=[forum.slug]),
        reverse("forums:hotspots_data"),
        reverse("forums:exchanges", args=[forum.slug]),
        exchange.get_absolute_url(),
    ):
        assert client.get(url).status_code == 200, url
    for url in (
        reverse("forums:problem_new", args=[forum.slug]),
        reverse("forums:problem_publish", args=[problem.pk]),
        reverse("forums:exchange_new", args=[forum.slug]),
    ):
        assert client.get(url).status_code == 302, url  # to the sign-in page
    assert client.post(problem.get_absolute_url(), {"action": "log"}).status_code == 403


def test_web_forms_refuse_outsiders(client, forum, alice, cyril, olga):
    problem = record(forum, alice)
    for user in (cyril, olga):
        client.force_login(user)
        assert client.get(reverse("forums:problem_new", args=[forum.slug])).status_code == 403
        assert (
            client.get(reverse("forums:problem_edit", args=[problem.pk, "scanning"])).status_code
            == 403
        )
        response = client.post(
            problem.get_absolute_url(), {"action": "advance", "transition": "analyse"}
        )
        assert response.status_code == 403
        assert client.get(reverse("forums:problem_review", args=[problem.pk])).status_code == 403
    problem.refresh_from_db()
    assert problem.stage == "scanning"


def test_record_and_advance_on_the_web(client, forum, alice):
    client.force_login(alice)
    data = {
        "title": "Драки у дискотеки в клубе по субботам ночью",
        "problem_type": "place",
        "category": "youth",
        "territory": forum.territory.pk,
        "place": "сельский клуб",
        "lat": "42.90",
        "lon": "74.70",
        "period": "субботы 22:00-02:00",
        "noticed_via": "calls",
        "harm": "Травмы",
        "frequency": "каждую субботу",
        "priority_reason": "Растёт число вызовов",
        "incidents": "04.01 драка\n11.01 ножевое ранение",
    }
    response = client.post(reverse("forums:problem_new", args=[forum.slug]), data)
    problem = Problem.objects.get()
    assert response.status_code == 302 and response.url == problem.get_absolute_url()
    page = client.get(problem.get_absolute_url())
    assert b'data-testid="advance-analyse"' in page.content
    response = client.post(
        problem.get_absolute_url(), {"action": "advance", "transition": "analyse"}
    )
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.stage == "analysis"
    # an incomplete stage: the message says what is missing, nothing changes
    response = client.post(
        problem.get_absolute_url(), {"action": "advance", "transition": "respond"}, follow=True
    )
    assert "not complete" in response.content.decode()
    problem.refresh_from_db()
    assert problem.stage == "analysis"


def test_web_refuses_a_phone_number_with_a_clear_message(client, forum, alice):
    client.force_login(alice)
    response = client.post(
        reverse("forums:problem_new", args=[forum.slug]),
        {
            "title": "Угрозы продавцу",
            "problem_type": "person",
            "category": "other",
            "territory": forum.territory.pk,
            "harm": "Звонят с номера +996 555 123 456",
        },
    )
    assert response.status_code == 200
    assert "phone number" in response.content.decode()
    assert not Problem.objects.exists()


# --- query budgets at two sizes ------------------------------------------------------------------


def _many_practices(forum, alice, sam, n):
    for i in range(n):
        problem = record(forum, alice, lat="42.9", lon=f"{74 + i % 5}.10")
        Problem.objects.filter(pk=problem.pk).update(stage="closed")
        problem.refresh_from_db()
        services.practice_publish(problem=problem, actor=sam, **{**CASE, "title": f"Дело {i}"})


@pytest.mark.parametrize("size", [2, 25])
def test_library_query_count_is_flat(client, forum, alice, sam, size, django_assert_num_queries):
    _many_practices(forum, alice, sam, size)
    # 1 regions for the filter, 1 count, 1 page of practices with forums and territories
    with django_assert_num_queries(3):
        response = client.get(reverse("forums:library"), {"q": "дело", "category": "youth"})
    assert response.context["page"].paginator.count == size


@pytest.mark.parametrize("size", [2, 30])
def test_map_data_and_hotspots_are_flat(client, forum, alice, size, django_assert_num_queries):
    for i in range(size):
        record(forum, alice, lat=f"{40 + i % 3}.50", lon=f"{72 + i % 4}.20")
    # 1 grouped cells
    with django_assert_num_queries(1):
        response = client.get(reverse("forums:hotspots_data"), {"category": "youth"})
    assert sum(c["n"] for c in response.json()["cells"]) == size
    # platform, cells, problems by territory and stage, proposals by territory, territories
    with django_assert_num_queries(5):
        response = client.get(reverse("forums:platform_hotspots", args=[forum.slug]))
    assert sum(d["problems"] for d in response.context["districts"]) == size


@pytest.mark.parametrize("size", [2, 30])
def test_problem_list_is_flat(client, forum, alice, size, django_assert_num_queries):
    for _ in range(size):
        record(forum, alice)
    # platform, count, page with territories
    with django_assert_num_queries(3):
        response = client.get(reverse("forums:problems", args=[forum.slug]))
    assert response.context["page"].paginator.count == size


@pytest.mark.parametrize("size", [1, 15])
def test_problem_page_is_flat(
    client, forum, alice, other_forum, olga, size, django_assert_num_queries
):
    problem = at_stage(forum, alice, "response")
    for i in range(size):
        services.problem_log(problem=problem, actor=alice, note=f"шаг {i}")
        services.measure_add(
            problem=problem, actor=alice, name=f"m{i}", baseline_value=i, baseline_on="2025-10-01"
        )
    client.force_login(alice)
    with django_assert_num_queries(QUERIES_PROBLEM_PAGE):
        response = client.get(problem.get_absolute_url())
    assert response.status_code == 200


# the signed-in member's problem page: session, user; the problem with platform, territory
# and practice; measures, tasks, events with actors, proposals, meetings, adoptions, reviews
# (7 prefetches); the user's current roles (the access snapshot answers every participate and
# secretariat check); the practices offered among the options; the platforms above (may this
# user review?); the header's liaison posts and unread count; the link form's meetings
QUERIES_PROBLEM_PAGE = 16
