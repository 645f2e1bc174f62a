"""PDFs of published versions, rendered by WeasyPrint from the frozen snapshot."""

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation

from reporting.models import ReportFile, ReportVersion
from reporting.presentation import headline, report_sections


def version_context(version: ReportVersion) -> dict:
    report = version.report
    return {
        "report": report,
        "platform": report.platform,
        "version": version,
        "figures": version.figures,
        "sections": report_sections(version.figures),
        "headline": headline(version.figures),
        "narrative": version.sections,
    }


# Layout rules that keep WeasyPrint fast on the national report (about 100 sections and 2,300
# table rows; measured 116 s before, see bench/RESULTS.md): a section may continue on the next
# page (keeping each whole made WeasyPrint lay pages out again and again), and the figure tables
# have fixed column widths (automatic widths measured every label twice before laying it out).
# WeasyPrint gives these stylesheets the user origin, hence !important over the template's.
PDF_LAYOUT_CSS = """
.report-section { page-break-inside: auto !important; break-inside: auto !important; }
table { table-layout: fixed !important; }
.report-section th[scope=col]:first-child { width: 78% !important; }
section[aria-labelledby=sec-children] th[scope=col]:first-child { width: 34% !important; }
"""


def version_pdf_bytes(version: ReportVersion, language: str) -> bytes:
    from weasyprint import CSS, HTML

    with translation.override(language):
        html = render_to_string(
            "reporting/report_pdf.html", {**version_context(version), "LANGUAGE_CODE": language}
        )
    return HTML(string=html).write_pdf(stylesheets=[CSS(string=PDF_LAYOUT_CSS)])


def version_pdf(version: ReportVersion, language: str) -> ReportFile:
    """The stored PDF of this version in this language; rendered and stored on first use."""
    existing = ReportFile.objects.filter(version=version, language=language).first()
    if existing is not None and existing.file.storage.exists(existing.file.name):
        return existing
    data = version_pdf_bytes(version, language)
    if existing is not None:  # the row outlived its file: store it again
        existing.file.save(f"{language}.pdf", ContentFile(data), save=False)
        existing.size = len(data)
        existing.save(update_fields=["file", "size"])
        return existing
    row = ReportFile(version=version, language=language, size=len(data))
    row.file.save(f"{language}.pdf", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:  # rendered concurrently: keep the first, drop this file
        row.file.delete(save=False)
        return ReportFile.objects.get(version=version, language=language)
    return row


def version_pdfs_render(*, version_id: int) -> int:
    version = ReportVersion.objects.select_related("report", "report__platform").get(pk=version_id)
    for code, _name in settings.LANGUAGES:
        version_pdf(version, code)
    return version.pk
