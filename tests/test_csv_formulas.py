"""Every CSV and XLSX export, in every app, neutralises spreadsheet formulas (CSV injection).

Text that starts with =, +, - or @ is stored in the places each export shows (titles, names,
narratives), then every cell of every export is read back: none may start with a formula prefix
unless it is a plain number. A test enumerates the export routes, so a new export without a case
here fails.
"""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from forums import services as forums
from platforms.models import Party, Role, Territory
from tests.factories import PlatformFactory, PoliceUnitFactory, TerritoryFactory, UserFactory
from tests.support.matrix_world import grant

pytestmark = pytest.mark.django_db

FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+cmd|'/C calc'!A0", "-2+3", "@SUM(A1:A9)"]
NUMBER = re.compile(r"^-?\d+([.,]\d+)?%?$")


def _dangerous(cells) -> list[str]:
    return [
        c
        for c in cells
        if isinstance(c, str) and c and c[0] in "=+-@\t\r" and not NUMBER.match(c.strip())
    ]


def _csv_cells(content: bytes) -> list[str]:
    text = content.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def _xlsx_cells(content: bytes) -> list:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content))
    return [c.value for sheet in book.worksheets for row in sheet.iter_rows() for c in row]


def _content(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


@pytest.fixture
def formulas(settings):
    """Formula-like text in every place an export shows."""
    from assessments.defaults import frameworks_load
    from reporting import services as reporting
    from tests.assessments.conftest import publish

    frameworks_load()
    today = timezone.localdate()
    forum = PlatformFactory(name=FORMULAS[0])
    sam = grant(
        forum,
        role=Role.SECRETARIAT,
        party=Party.NGO,
        term_start=today - timedelta(days=400),
        term_end=today + timedelta(days=300),
    )
    raters = [grant(forum) for _ in range(3)]
    author = UserFactory(display_name=FORMULAS[3])
    grant(forum, author)
    unit = PoliceUnitFactory(name=FORMULAS[1], territory=forum.territory)
    for title in FORMULAS:
        forums.proposal_create(
            platform=forum,
            author=author,
            title=title,
            body=title,
            category="youth",
            place=FORMULAS[2],
            police_unit=unit,
            submit=True,
        )
    round_ = publish(forum, sam, raters, [unit], title=FORMULAS[2])
    report = reporting.report_create(platform=forum, actor=sam, year=today.year - 1)
    reporting.report_update(
        report=report,
        actor=sam,
        summary=FORMULAS[0],
        achievements=FORMULAS[1],
        problems=FORMULAS[2],
        next_year=FORMULAS[3],
    )
    reporting.report_compute(report_id=report.pk)
    version = reporting.report_publish(report=report, actor=sam)
    TerritoryFactory(
        name_en=FORMULAS[3], name_ru=FORMULAS[0], parent=Territory.objects.get(code="KG")
    )
    return {"forum": forum, "round": round_, "report": report, "version": version}


def _exports(f) -> dict:
    report = f["report"]
    return {
        "forums:export": reverse("forums:export"),
        "forums:export_xlsx": reverse("forums:export_xlsx"),
        "assessments:export_csv": reverse("assessments:export_csv", kwargs={"pk": f["round"].pk}),
        "reporting:report_csv": reverse(
            "reporting:report_csv",
            kwargs={
                "slug": report.platform.slug,
                "year": report.year,
                "number": f["version"].number,
            },
        ),
    }


ADMIN_EXPORTS = ["admin:platforms_territory_export"]


def test_every_export_neutralises_formula_prefixes(client, formulas):
    # the whole-tracker export asks for a signed-in person
    client.force_login(UserFactory())
    seen = 0
    for name, url in _exports(formulas).items():
        response = client.get(url)
        assert response.status_code == 200, name
        content = _content(response)
        cells = _xlsx_cells(content) if name.endswith("xlsx") else _csv_cells(content)
        quoted = [c for c in cells if isinstance(c, str) and c[:2] in ("'=", "'+", "'-", "'@")]
        assert quoted, f"{name}: the formula-like text should appear, quoted"
        assert not _dangerous(cells), f"{name}: {_dangerous(cells)[:5]}"
        seen += 1
    assert seen == len(_exports(formulas))


@pytest.mark.parametrize("file_format", ["0", "1"])
def test_the_admin_territory_export_neutralises_formula_prefixes(client, formulas, file_format):
    """The admin's export (django-import-export): CSV and XLSX."""
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    url = reverse(ADMIN_EXPORTS[0])
    form_page = client.get(url)
    assert form_page.status_code == 200
    wanted = "xlsx" if file_format == "1" else "csv"
    choices = form_page.context["form"].fields["format"].choices
    index = next(value for value, label in choices if str(label).lower() == wanted)
    fields = ["code", "parent", "kind", "name_en", "name_ru", "name_ky", "name_uz"]
    data = {"format": str(index), "export_items": [], "resource": "0"}
    data.update({f"territoryresource_{f}": "on" for f in fields})
    response = client.post(url, data)
    assert response.status_code == 200, response.content[:300]
    content = _content(response)
    cells = _xlsx_cells(content) if wanted == "xlsx" else _csv_cells(content)
    assert any(isinstance(c, str) and FORMULAS[3][1:] in c for c in cells)
    assert not _dangerous(cells), _dangerous(cells)[:5]


def test_every_export_route_is_covered():
    """A route that serves CSV or XLSX has a case above."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(resolver, prefix, ns):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                yield from walk(
                    p, prefix + str(p.pattern), ns + (f"{p.namespace}:" if p.namespace else "")
                )
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern), (ns + p.name) if p.name else ""

    covered = {
        "forums:export",
        "forums:export_xlsx",
        "assessments:export_csv",
        "reporting:report_csv",
        *ADMIN_EXPORTS,
    }
    exports = {
        name
        for route, name in walk(get_resolver(), "", "")
        if re.search(r"(csv|xlsx|export)", route) and not route.startswith("api/")
    }
    assert exports <= covered, sorted(exports - covered)
