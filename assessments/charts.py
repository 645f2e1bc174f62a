"""Server-rendered SVG charts (pygal): the same file serves the page, a PDF and a browser
without JavaScript. Each chart is shown as an image with a data table beside it."""

import base64

import pygal
from django.utils.translation import gettext as _
from pygal.style import Style

from assessments.models import Grade

# Dark enough on white for WCAG contrast; no web fonts.
STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1b1f24",
    foreground_strong="#1b1f24",
    foreground_subtle="#4a5560",
    colors=("#0b5cab", "#a4161a", "#1d6b2f", "#8a4b00", "#5b2a86"),
    font_family="system-ui, sans-serif",
)
GRADE_COLOURS = ("#1d6b2f", "#4f8f3a", "#8a6d00", "#b35900", "#a4161a")


def _config(**kwargs) -> dict:
    # no scripts: pygal would otherwise link its tooltip JavaScript from a CDN
    return {"js": [], "disable_xml_declaration": False, "width": 640, "height": 320, **kwargs}


def data_uri(svg: bytes | str) -> str:
    data = svg.encode() if isinstance(svg, str) else svg
    return "data:image/svg+xml;base64," + base64.b64encode(data).decode()


def trend_chart(trend: list[dict]) -> str | None:
    """Overall grade (weighted median) per round, external and internal, as a line chart."""
    if not trend:
        return None
    chart = pygal.Line(
        style=STYLE,
        range=(1, 5),
        y_labels=list(range(1, 6)),
        y_labels_major_every=1,
        show_minor_y_labels=False,
        **_config(),
    )
    labels = {g.value: str(g.label) for g in Grade}
    chart.value_formatter = lambda v: labels.get(v, "") if v is not None else ""
    chart.title = _("Overall grade per round")
    chart.x_labels = [str(row["round__title"]) for row in trend]
    chart.add(_("external"), [row["overall_external"] for row in trend])
    chart.add(_("internal"), [row["overall_internal"] for row in trend])
    return data_uri(chart.render())


def distribution_chart(*, title: str, categories: list[str], rows: list[list[int]]) -> str | None:
    """Units per grade for each category, stacked (counts, never averages)."""
    if not categories:
        return None
    style = Style(**{**STYLE.to_dict(), "colors": GRADE_COLOURS})
    chart = pygal.HorizontalStackedBar(style=style, **_config(height=120 + 40 * len(categories)))
    chart.title = title
    chart.x_labels = categories
    for index, grade in enumerate(sorted(Grade.values, reverse=True)):
        chart.add(str(Grade(grade).label), [row[index] for row in rows])
    return data_uri(chart.render())
