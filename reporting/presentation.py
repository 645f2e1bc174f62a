"""Figures (stored as codes and numbers) turned into titled tables and charts for the reader.

The same function feeds the HTML page, the PDF and the CSV, so they never disagree; labels are
translated when shown, the numbers are the frozen ones.
"""

import base64

import pygal
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from pygal.style import Style

from forums.models import Category, Meeting, Proposal
from platforms.models import Party, Platform
from reporting.models import PlanAction

CHART_STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1b1f24",
    foreground_strong="#1b1f24",
    foreground_subtle="#4a5560",
    colors=("#0b5cab", "#1d6b2f", "#8a4b00", "#6a3d9a", "#a4161a", "#2a7f8f"),
    font_family="DejaVu Sans, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=13,
    title_font_size=16,
    legend_font_size=13,
)


def _fmt(value):
    if value is None:
        return "—"
    return number_format(value)


def chart(title: str, rows: list[tuple[str, float]]) -> str:
    """A horizontal bar chart as an SVG data URI (no scripts, no external files)."""
    bar = pygal.HorizontalBar(
        style=CHART_STYLE,
        show_legend=False,
        width=640,
        height=max(160, 48 * len(rows) + 60),
        js=[],
        print_values=True,
        disable_xml_declaration=False,
    )
    bar.x_labels = [label for label, _v in rows]
    bar.add(title, [value or 0 for _l, value in rows])
    svg = bar.render()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _section(key, title, rows, *, with_chart=False, unit=""):
    section = {
        "key": key,
        "title": title,
        "rows": [
            {"key": k, "label": label, "value": value, "shown": _fmt(value)}
            for k, label, value in rows
        ],
        "unit": unit,
    }
    if with_chart and any(r["value"] for r in section["rows"]):
        section["chart"] = chart(title, [(r["label"], r["value"]) for r in section["rows"]])
    return section


def _labelled(mapping: dict, labels: dict) -> list:
    return [(code, str(labels.get(code, code)), n) for code, n in mapping.items()]


def report_sections(figures: dict, *, charts: bool = True) -> list[dict]:
    """The report's sections in reading order; a section appears only when its data exists."""
    f = figures
    out = []
    plat = f.get("platforms") or {}
    if plat.get("total"):
        out.append(
            _section(
                "platforms",
                _("Platforms"),
                [
                    *_labelled(plat["by_level"], dict(Platform.Level.choices)),
                    ("total", _("total"), plat["total"]),
                ],
            )
        )
    m = f.get("members") or {}
    if m.get("total") or m.get("joined") or m.get("left"):
        out.append(
            _section(
                "members",
                _("Members by party"),
                _labelled(m["by_party"], dict(Party.choices)),
                with_chart=charts,
            )
        )
        out.append(
            _section(
                "turnover",
                _("Membership and turnover"),
                [
                    ("total", _("members at the end of the year"), m["total"]),
                    ("joined", _("joined"), m["joined"]),
                    ("left", _("left"), m["left"]),
                    ("renewed", _("terms renewed"), m["renewed"]),
                ],
            )
        )
    mt = f.get("meetings") or {}
    if mt.get("held"):
        out.append(
            _section(
                "meetings",
                _("Meetings held"),
                [
                    *_labelled(mt["by_kind"], dict(Meeting.Kind.choices)),
                    ("held", _("total"), mt["held"]),
                    ("attendance", _("attendances recorded"), mt["attendance"]),
                    ("average_attendance", _("average attendance"), mt["average_attendance"]),
                    ("minutes_published", _("minutes published"), mt["minutes_published"]),
                ],
            )
        )
    p = f.get("proposals") or {}
    if p.get("total"):
        out.append(
            _section(
                "proposals_state",
                _("Proposals by state"),
                _labelled(p["by_state"], dict(Proposal.State.choices)),
                with_chart=charts,
            )
        )
        out.append(
            _section(
                "proposals_category",
                _("Proposals by category"),
                _labelled(p["by_category"], dict(Category.choices)),
                with_chart=charts,
            )
        )
    e = f.get("escalations") or {}
    if e.get("sent") or e.get("received"):
        out.append(
            _section(
                "escalations",
                _("Escalations"),
                [
                    ("sent", _("sent to an upper platform"), e["sent"]),
                    ("received", _("received from a lower platform"), e["received"]),
                    ("registered", _("registered"), e["registered"]),
                    ("returned", _("returned"), e["returned"]),
                ],
            )
        )
    r = f.get("responses") or {}
    if r and (r["police"]["addressed"] or r["lsg"]["addressed"]):
        rows = []
        for party, name in (("police", _("police")), ("lsg", _("local self-government"))):
            d = r[party]
            if not d["addressed"]:
                continue
            rows += [
                (
                    f"{party}_addressed",
                    _("%(party)s: proposals addressed") % {"party": name},
                    d["addressed"],
                ),
                (f"{party}_answered", _("%(party)s: answered") % {"party": name}, d["answered"]),
                (f"{party}_rate", _("%(party)s: response rate, %%") % {"party": name}, d["rate"]),
                (
                    f"{party}_median_days",
                    _("%(party)s: median days to answer") % {"party": name},
                    d["median_days"],
                ),
            ]
        rows.append(("overdue", _("answers overdue"), r["overdue"]))
        out.append(
            _section("responses", _("Answers of the police and local self-government"), rows)
        )
    pl = f.get("plans") or {}
    if pl.get("plans"):
        out.append(
            _section(
                "plans",
                _("Strategic plans"),
                [
                    ("plans", _("plans"), pl["plans"]),
                    ("adopted", _("adopted"), pl["adopted"]),
                    ("actions", _("actions"), pl["actions"]),
                    *_labelled(pl["by_status"], dict(PlanAction.Status.choices)),
                    ("overdue", _("actions overdue"), pl["overdue"]),
                    ("done_share", _("actions done, %"), pl["done_share"]),
                ],
            )
        )
    lr = f.get("lower_reports") or {}
    if lr.get("platforms"):
        out.append(
            _section(
                "lower_reports",
                _("Reports of the platforms below"),
                [
                    ("platforms", _("platforms below"), lr["platforms"]),
                    ("published", _("published their own report"), lr["published"]),
                    ("share", _("share, %"), lr["share"]),
                ],
            )
        )
    a = f.get("assessments")
    out.append(assessment_section(a))
    return [s for s in out if s is not None]


def assessment_section(a: dict | None) -> dict:
    """Grade distribution, coverage and recommendations of published assessments, or a stated
    absence when none is published for the period."""
    if not a or not a.get("subjects"):
        return {
            "key": "assessments",
            "title": _("Assessments of the police"),
            "rows": [],
            "empty": _("No published assessments for this period."),
        }
    from assessments.models import Grade, Recommendation

    grades = dict(Grade.choices)
    statuses = dict(Recommendation.Status.choices)
    rows = [
        (
            f"grade_{g}",
            _("overall grade: %(grade)s")
            % {"grade": grades.get(int(g), _("not graded")) if g != "none" else _("not graded")},
            n,
        )
        for g, n in a["overall_distribution"].items()
    ]
    rows += [
        ("units_assessed", _("units assessed"), a["units_assessed"]),
        ("units_in_scope", _("units in scope"), a["units_in_scope"]),
        ("coverage", _("coverage, %"), a["coverage"]),
        ("recommendations", _("recommendations issued"), sum(a["recommendations"].values())),
        *[
            (
                f"recommendations_{k}",
                _("recommendations: %(status)s") % {"status": statuses.get(k, k)},
                n,
            )
            for k, n in sorted(a["recommendations"].items())
        ],
    ]
    return _section("assessments", _("Assessments of the police"), rows)


def headline(figures: dict) -> list[dict]:
    """The three numbers at the top of a report."""
    r = (figures.get("responses") or {}).get("police") or {}
    return [
        {"label": _("members"), "value": _fmt((figures.get("members") or {}).get("total"))},
        {"label": _("proposals"), "value": _fmt((figures.get("proposals") or {}).get("total"))},
        {"label": _("police response rate, %"), "value": _fmt(r.get("rate"))},
    ]
