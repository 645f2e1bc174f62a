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
    # grouped in every language ("12 500" in ky, ru, uz; "12,500" in en), not only with
    # USE_THOUSAND_SEPARATOR, which would also group years and ids across the site
    return number_format(value, force_grouping=True)


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
    people = people_section(f.get("people"))
    if people:
        out.append(people)
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
    out.append(problem_section(f.get("problems")))
    out += [poll_section(poll) for poll in f.get("polls") or []]
    a = f.get("assessments")
    out.append(assessment_section(a))
    return [s for s in out if s is not None]


def people_section(people: dict | None) -> dict | None:
    """Shares of women and of young people among those who stated them (10 or more)."""
    if not people:
        return None
    rows = []
    if people.get("women"):
        rows += [
            (
                "women_share",
                _("women, percent of those who stated their gender"),
                people["women"]["share"],
            ),
            ("women_stated", _("people who stated their gender"), people["women"]["stated"]),
        ]
    if people.get("young"):
        rows += [
            (
                "young_share",
                _("young people (14-35), percent of those who stated their age"),
                people["young"]["share"],
            ),
            ("young_stated", _("people who stated their year of birth"), people["young"]["stated"]),
        ]
    section = _section("people", _("Women and young people among members and attendees"), rows)
    section["note"] = _(
        "Members and meeting attendees state their gender and year of birth if they wish; a "
        "share is shown only when at least 10 people stated it."
    )
    return section


def problem_section(pr: dict | None) -> dict | None:
    """SARA problems opened in the year (by the stage they are at), closed, and closed with a
    measured reduction."""
    if not pr or not (pr.get("opened") or pr.get("closed")):
        return None
    from forums.problems.models import Stage

    stages = dict(Stage.choices)
    rows = [
        ("opened", _("problems opened in the year"), pr["opened"]),
        *[
            (
                f"stage_{code}",
                _("opened in the year, now at stage: %(stage)s")
                % {"stage": stages.get(code, code)},
                n,
            )
            for code, n in pr["by_stage"].items()
        ],
        ("closed", _("problems closed in the year"), pr["closed"]),
        (
            "closed_with_reduction",
            _("closed with a measured reduction"),
            pr["closed_with_reduction"],
        ),
    ]
    return _section("problems", _("Problems worked through (SARA)"), rows)


def poll_section(poll: dict) -> dict:
    """One published citizen poll, its own figures under the scorecards' display rules: under
    10 responses only the count; under 100 marked indicative; a margin only for a random
    sample. Polls are never pooled."""
    from assessments.forms import POLL_QUESTIONS

    rows = [("responses", _("responses"), poll["n"])]
    notes = []
    if not poll["shown"]:
        notes.append(
            _("Results are shown from 10 responses on, so that no one's answers can be recognised.")
        )
    else:
        if poll["indicative"]:
            notes.append(_("indicative: fewer than 100 responses"))
        if poll["self_selected"]:
            notes.append(
                _(
                    "Respondents chose to answer (a self-selected portal poll): the figures "
                    "describe them, not every resident, and no margin of error applies."
                )
            )
        else:
            notes.append(
                _("Random sample: the margin is the 95% confidence interval, in percentage points.")
            )
        for q in poll["questions"]:
            if not q["shown"]:
                continue
            question = str(POLL_QUESTIONS.get(q["field"], (q["field"],))[0])
            rows.append(
                (
                    f"{q['field']}_percent",
                    _("%(question)s: positive, %%") % {"question": question},
                    q["percent"],
                )
            )
            rows.append(
                (
                    f"{q['field']}_answered",
                    _("%(question)s: answered") % {"question": question},
                    q["answered"],
                )
            )
            if "margin" in q:
                rows.append(
                    (
                        f"{q['field']}_margin",
                        _("%(question)s: margin (±), points") % {"question": question},
                        q["margin"],
                    )
                )
    section = _section(
        f"poll_{poll['round_id']}",
        _("Citizen poll: %(title)s") % {"title": poll["round_title"]},
        rows,
    )
    section["note"] = " ".join(str(n) for n in notes)
    return section


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
