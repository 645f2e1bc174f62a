"""Browser journey (issue 11): the national secretariat drafts, generates, previews and
publishes the annual report; an anonymous visitor reads it and downloads its PDF and CSV.
axe-core checks every page on the way.
"""

import pytest

from reporting.models import AnnualReport
from tests.e2e.test_journeys import click_and_wait, login, new_page
from tests.reporting.conftest import YEAR, national_sec, tree  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECTIONS = {
    "summary": "Итоги года: советы и форумы работали вместе. Жылдын жыйынтыгы.",
    "achievements": "Освещены улицы у школ.",
    "problems": "Мало молодёжи.",
    "next_year": "Больше встреч с милицией.",
}


def test_secretariat_publishes_and_a_visitor_downloads(
    live_server,
    browser,
    tree,  # noqa: F811 (the fixture imported above)
    national_sec,  # noqa: F811
    axe_check,
):
    national = tree["national"]
    page = new_page(browser)
    login(page, live_server, national_sec.email)
    page.goto(f"{live_server.url}/reports/p/{national.slug}/")
    axe_check(page)
    click_and_wait(page, "text=Start an annual report")
    axe_check(page)
    page.select_option("select[name=year]", str(YEAR))
    click_and_wait(page, "main form button[type=submit]")
    assert page.url.endswith(f"/{YEAR}/manage/")
    axe_check(page)
    click_and_wait(page, "[data-testid=generate]")
    page.wait_for_selector("[data-testid=preview]")
    assert page.locator("[data-testid=table-proposals_state]").count() == 1
    axe_check(page)
    for name, text in SECTIONS.items():
        page.fill(f"textarea[name={name}]", text)
    click_and_wait(page, "[data-testid=publish]")
    assert page.url.endswith(f"/reports/p/{national.slug}/{YEAR}/")
    assert AnnualReport.objects.get(platform=national).status == "published"
    axe_check(page)

    visitor = new_page(browser)
    visitor.goto(f"{live_server.url}/reports/")
    axe_check(visitor)
    click_and_wait(visitor, f"a[href='/reports/p/{national.slug}/{YEAR}/']")
    assert "Итоги года" in visitor.inner_text("main")
    headline = visitor.inner_text("[data-testid=headline]")
    assert "75" in headline  # the police response rate
    axe_check(visitor)
    with visitor.expect_download() as pdf:
        visitor.click("[data-testid=pdf]")
    assert pdf.value.suggested_filename.endswith(".pdf")
    with open(pdf.value.path(), "rb") as fh:
        assert fh.read(5) == b"%PDF-"
    with visitor.expect_download() as csv:
        visitor.click("[data-testid=csv]")
    with open(csv.value.path(), encoding="utf-8-sig") as fh:
        assert "proposals_state" in fh.read()
    visitor.goto(f"{live_server.url}/reports/statistics/")
    axe_check(visitor)
