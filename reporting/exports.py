"""CSV and JSON of every figure of a published version."""

import csv
import io
import json

from accounts.exports import safe_row
from reporting.models import ReportVersion
from reporting.presentation import report_sections


def version_csv(version: ReportVersion) -> str:
    """One row per figure: section, key, label (in the reader's language), value; BOM for Excel."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(["section", "section_title", "key", "label", "value"])
    meta = version.figures.get("platform", {})
    for key, value in (
        ("platform", meta.get("name", "")),
        ("year", version.report.year),
        ("version", version.number),
        ("published_at", version.published_at.isoformat()),
    ):
        writer.writerow(safe_row("report", "", key, key, value))
    for section in report_sections(version.figures, charts=False):
        if section.get("note"):
            writer.writerow(safe_row(section["key"], section["title"], "note", "", section["note"]))
        for row in section["rows"]:
            writer.writerow(
                safe_row(section["key"], section["title"], row["key"], row["label"], row["value"])
            )
    for child in version.figures.get("children") or []:
        for key in ("members", "proposals", "police_rate", "meetings", "published"):
            writer.writerow(safe_row("children", child["name"], child["slug"], key, child[key]))
    return out.getvalue()


def version_json(version: ReportVersion) -> str:
    return json.dumps(
        {
            "platform": version.figures.get("platform"),
            "year": version.report.year,
            "version": version.number,
            "published_at": version.published_at.isoformat(),
            "correction_note": version.note,
            "sections": version.sections,
            "figures": version.figures,
        },
        ensure_ascii=False,
        indent=2,
    )
