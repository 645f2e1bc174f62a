"""Pages: public reports and their downloads, the secretariat's workspace, statistics, budgets."""

import io
import json
from datetime import date

import pytest
from django.utils import translation
from django.utils.formats import date_format
from pypdf import PdfReader

from reporting import services
from reporting.models import AnnualReport, ReportFile
from reporting.pdf import version_pdf
from tests.factories import UserFactory
from tests.reporting.conftest import YEAR, at
from tests.reporting.factories import ProposalFactory
from tests.reporting.test_services import SECTIONS, _published

pytestmark = pytest.mark.django_db


def test_anonymous_reads_the_published_report_and_downloads(client, tree, national_sec):
    report = _published(tree["national"], national_sec)
    page = client.get(report.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "Итоги 2025 года" in html and 'data-testid="table-proposals_state"' in html
    assert "data:image/svg+xml;base64," in html  # a chart beside its table
    assert "No published assessments" in html
    csv_text = client.get(f"/reports/p/{tree['national'].slug}/{YEAR}/v1.csv").content.decode()
    assert "proposals_state" in csv_text and "responses,Answers" in csv_text
    data = json.loads(client.get(f"/reports/p/{tree['national'].slug}/{YEAR}/v1.json").content)
    assert data["figures"]["proposals"]["total"] == 6 and data["version"] == 1


def test_pdf_holds_the_headline_figures_in_russian_and_kyrgyz(client, tree, national_sec):
    report = _published(tree["national"], national_sec)
    version = report.versions.get()
    for language in ("ru", "ky"):
        response = client.get(f"/reports/p/{tree['national'].slug}/{YEAR}/v1.pdf?lang={language}")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        pdf = b"".join(response.streaming_content)
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
        assert "Итоги 2025 года" in text and "Жылдын жыйынтыгы" in text  # Cyrillic, Kyrgyz letters
        assert "75" in text and "6" in text  # response rate and proposals
    assert ReportFile.objects.filter(version=version).count() == 2  # stored, served again
    assert version_pdf(version, "ru").pk == ReportFile.objects.get(language="ru").pk


def test_drafts_are_private(client, tree, national_sec):
    report = services.report_create(platform=tree["national"], actor=national_sec, year=YEAR)
    assert client.get(report.get_absolute_url()).status_code == 404
    assert client.get(f"/reports/p/{tree['national'].slug}/{YEAR}/v1.csv").status_code == 404
    client.force_login(UserFactory())
    assert client.get(f"/reports/p/{tree['national'].slug}/{YEAR}/manage/").status_code == 404


def test_secretariat_drafts_generates_and_publishes_in_the_browser_forms(
    client, tree, national_sec, django_capture_on_commit_callbacks
):
    client.force_login(national_sec)
    base = f"/reports/p/{tree['national'].slug}"
    response = client.post(f"{base}/new/", {"year": YEAR})
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{base}/{YEAR}/manage/", {"action": "generate", **SECTIONS})
    page = client.get(f"{base}/{YEAR}/manage/").content.decode()
    assert 'data-testid="preview"' in page and 'value="publish"' in page
    response = client.post(
        f"{base}/{YEAR}/manage/", {"action": "publish", **SECTIONS, "problems": ""}
    )
    assert response.status_code == 200 and "before publishing" in response.content.decode()
    assert AnnualReport.objects.get().status == "draft"
    response = client.post(f"{base}/{YEAR}/manage/", {"action": "publish", **SECTIONS})
    assert response.status_code == 302
    assert AnnualReport.objects.get().status == "published"
    page = client.get(f"{base}/{YEAR}/manage/").content.decode()
    assert 'value="publish"' not in page and "/correct/" in page  # buttons from the table


def test_report_page_query_budget_is_flat(
    client, tree, national_sec, django_assert_num_queries, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # the page as rendered, not as served from the page cache
    report = _published(tree["national"], national_sec)
    url = report.get_absolute_url()
    client.get(url)
    # platform (+territory, parent, grandparent joined), report, versions list, latest version
    with django_assert_num_queries(4):
        client.get(url)
    for _ in range(30):
        ProposalFactory(origin=tree["forums"][0], submitted_at=at(9, 9))
    with django_assert_num_queries(4):
        assert client.get(url).status_code == 200


def test_statistics_are_cached_and_invalidated(client, tree, django_assert_num_queries, settings):
    settings.PAGE_CACHE_SECONDS = 0  # the figures' own cache, under the page cache
    page = client.get("/reports/statistics/")
    assert page.status_code == 200 and 'data-testid="regions"' in page.content.decode()
    with django_assert_num_queries(1):  # the regions for the filter; the figures are cached
        client.get("/reports/statistics/")
    ProposalFactory(origin=tree["forums"][0])
    page = client.get("/reports/statistics/")
    assert page.context["stats"]["proposals"]["total"] == 8  # all years: 7 in the tree, 1 new
    chui = client.get("/reports/statistics/?oblast=KG-B").context["stats"]
    assert chui["proposals"]["total"] == 2 and chui["platforms"]["total"] == 3


def test_plan_pages(client, tree):
    plan = tree["forums"][0].plans.get()
    page = client.get(plan.get_absolute_url())
    assert page.status_code == 200 and "overdue" in page.content.decode()
    assert client.get(f"/reports/p/{tree['forums'][0].slug}/").status_code == 200


def test_the_pdf_task_renders_and_stores_every_language(tree, national_sec):
    from reporting.tasks import render_report_pdfs

    report = _published(tree["national"], national_sec)
    version = report.versions.get()
    render_report_pdfs.delay(version.pk)
    assert sorted(ReportFile.objects.values_list("language", flat=True)) == ["en", "ky", "ru", "uz"]


def test_the_figures_date_is_written_as_each_language_writes_dates(client, tree, national_sec):
    report = _published(tree["national"], national_sec)
    as_of = date.fromisoformat(report.versions.get().figures["as_of"][:10])
    written = {}
    for language in ("ky", "ru", "uz", "en"):
        client.cookies["django_language"] = language
        html = client.get(report.get_absolute_url()).content.decode()
        with translation.override(language):
            written[language] = date_format(as_of, "DATE_FORMAT")
        assert written[language] in html and as_of.isoformat() not in html
    assert written["ky"].startswith("2025-ж., 31-") and len(set(written.values())) == 4
