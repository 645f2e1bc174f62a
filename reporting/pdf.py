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


def version_pdf_bytes(version: ReportVersion, language: str) -> bytes:
    from weasyprint import HTML

    with translation.override(language):
        html = render_to_string(
            "reporting/report_pdf.html", {**version_context(version), "LANGUAGE_CODE": language}
        )
    return HTML(string=html).write_pdf()


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
