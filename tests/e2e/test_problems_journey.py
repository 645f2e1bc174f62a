"""A forum works a problem through the SARA cycle and publishes it; another forum adopts it.

Real Chromium on a phone-sized screen against the live server; axe-core on every page.
"""

import pytest
from django.urls import reverse

from forums.problems.models import Practice, PracticeAdoption, Problem
from platforms.models import Party, Role
from tests.conftest import _grant
from tests.e2e.test_journeys import click_and_wait, login, logout, submit_form_of
from tests.factories import PlatformFactory
from tests.forums.problem_builders import record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill(page, values: dict):
    for name, value in values.items():
        field = page.locator(f"[name='{name}']")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def save_form(page, first_field, axe_check):
    axe_check(page)
    submit_form_of(page, f"[name='{first_field}']")
    assert not page.locator(".errorlist, .msg.error").count(), page.content()[:3000]


def advance(page, action):
    click_and_wait(page, f"[data-testid='advance-{action}']")
    assert not page.locator(".msg.error").count(), page.locator(".msg.error").inner_text()


def open_details_and_submit(page, summary_text, values, button):
    page.locator("summary", has_text=summary_text).click()
    fill(page, values)
    click_and_wait(page, f"[data-testid='{button}']")


def test_sara_cycle_library_and_adoption(page, live_server, axe_check):
    forum = PlatformFactory(name="Лебединовка форуму")
    sam = _grant(forum, role=Role.SECRETARIAT, party=Party.NGO)
    other = PlatformFactory(name="Ала-Арча форуму", parent=forum.parent)
    olga = _grant(other)
    theirs = record(other, olga, title="Вымогательство у школы №2 в Ала-Арче на перемене")

    # Scanning
    login(page, live_server, sam.email)
    page.goto(live_server.url + reverse("forums:problems", args=[forum.slug]))
    axe_check(page)
    click_and_wait(page, "[data-testid='new-problem']")
    assert page.locator("[data-testid='privacy-warning']").count() == 1
    fill(
        page,
        {
            "title": "Старшеклассники отбирают деньги у младших у школы №5",
            "problem_type": "behaviour",
            "category": "school",
            "territory": str(forum.territory.pk),
            "place": "задний двор школы №5",
            "lat": "42.88",
            "lon": "74.60",
            "period": "учебный год, большая перемена",
            "noticed_via": "poll",
            "harm": "Дети отдают деньги на обед и боятся ходить в школу.",
            "frequency": "ежедневно",
            "priority_reason": "Главная тревога родителей в опросе.",
            "incidents": "Октябрь: жалоба родителей 5 класса\nНоябрь: ученик отказался ходить в школу",
        },
    )
    save_form(page, "title", axe_check)
    problem = Problem.objects.get(platform=forum)
    axe_check(page)
    advance(page, "analyse")

    # Analysis
    click_and_wait(page, "[data-testid='edit-analysis']")
    fill(
        page,
        {
            "offender": "Трое старшеклассников",
            "handler": "Классный руководитель",
            "victim": "Ученики 5-7 классов",
            "guardian": "Дежурные учителя",
            "location": "Двор без присмотра",
            "manager": "Директор школы",
            "repeats": "Одни и те же жертвы и место",
            "current_responses": "Беседы завуча, не помогают",
            "explanation": "Двор вне поля зрения дежурных",
        },
    )
    save_form(page, "offender", axe_check)
    open_details_and_submit(
        page,
        "Add a baseline measure",
        {
            "measure-name": "Обращения в месяц",
            "measure-baseline_value": "9",
            "measure-baseline_on": "2025-10-01",
        },
        "add-measure",
    )
    axe_check(page)
    advance(page, "respond")

    # Response
    click_and_wait(page, "[data-testid='edit-response']")
    fill(
        page,
        {
            "options": "Дежурства; ящик доверия; беседы инспектора",
            "chosen_response": "Ящик доверия и дежурства родителей",
            "chosen_reason": "Дети боятся говорить открыто",
            "objectives": "Втрое меньше обращений к маю",
        },
    )
    save_form(page, "options", axe_check)
    open_details_and_submit(
        page,
        "Add a task",
        {
            "task-party": "school",
            "task-who": "Школа №5",
            "task-what": "Поставить ящик доверия",
            "task-due": "2026-12-01",
        },
        "add-task",
    )
    fill(page, {"log-note": "Ящик установлен"})
    click_and_wait(page, "[data-testid='add-log']")
    advance(page, "assess")

    # Assessment
    click_and_wait(page, "[data-testid='edit-assessment']")
    fill(
        page,
        {
            "as_planned": "yes",
            "displacement": "Не замечено",
            "goals_met": "yes",
            "decision": "close",
            "lessons": "Ящик работает, если его открывает не завуч",
        },
    )
    save_form(page, "as_planned", axe_check)
    fill(page, {"after-after_value": "3", "after-after_on": "2026-03-01"})
    click_and_wait(page, "[data-testid='after-1']")
    axe_check(page)
    advance(page, "close")
    problem.refresh_from_db()
    assert problem.stage == "closed"

    # Publish as a case study
    click_and_wait(page, "[data-testid='publish-practice']")
    fill(
        page,
        {
            "title": "Ящик доверия против вымогательства в школе",
            "summary": "Старшеклассники отбирали деньги у младших; форум со школой поставил ящик "
            "доверия и организовал дежурства родителей.",
            "contact": "Приёмная айыл окмоту",
        },
    )
    save_form(page, "summary", axe_check)
    practice = Practice.objects.get(problem=problem)
    axe_check(page)
    logout(page)

    # A second forum finds it in the library and links its own problem
    login(page, live_server, olga.email)
    page.goto(live_server.url + reverse("forums:library"))
    fill(page, {"q": "ЯЩИК ДОВЕРИЯ"})
    submit_form_of(page, "[name='q']")
    axe_check(page)
    click_and_wait(page, f"[data-testid='library'] a[href='{practice.get_absolute_url()}']")
    axe_check(page)
    page.locator("[name='problem']").select_option(str(theirs.pk))
    click_and_wait(page, "[data-testid='adopt']")
    assert page.locator("[data-testid='adoption-count']").inner_text() == "1"
    assert PracticeAdoption.objects.filter(practice=practice, problem=theirs).exists()
    axe_check(page)
    # the hot-spot map shows the first forum's point
    page.goto(live_server.url + reverse("forums:hotspots"))
    assert page.locator("[data-testid='map'] circle").count() == 1
    axe_check(page)
