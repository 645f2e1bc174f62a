import logging

from celery import shared_task

from reporting import services

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def generate_report(report_id: int) -> int:
    """Compute a draft report's figures (idempotent: a rerun overwrites the same draft), after
    bringing the figure summaries of its platform's subtree up to date for its year."""
    _refresh_summaries_for(report_id)
    return services.report_compute(report_id=report_id).pk


def _refresh_summaries_for(report_id: int) -> None:
    """A failed refresh never fails the report: the figures are then computed directly."""
    from reporting.models import AnnualReport
    from reporting.summaries.refresh import refresh_for_report

    report = AnnualReport.objects.select_related("platform").filter(pk=report_id).first()
    if report is None or report.is_public:
        return
    try:
        refresh_for_report(report.platform, report.year)
    except Exception:  # the summary is an accelerator; the direct figures stay correct
        logger.exception("figure summaries not refreshed for report %s", report_id)


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def render_report_pdfs(version_id: int) -> int:
    """Render and store a published version's PDF in every language (skips those stored)."""
    from reporting.pdf import version_pdfs_render

    return version_pdfs_render(version_id=version_id)


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def decide_closed_plan_votes() -> int:
    return services.plans_decide_closed()


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def refresh_figure_summaries(years: list[int] | None = None) -> dict:
    """Recompute the yearly figure summaries (nightly: the current and the previous year)."""
    from reporting.summaries.refresh import nightly_years, refresh_year

    return {year: refresh_year(year) for year in (years or nightly_years())}


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def refresh_report_summaries(platform_id: int, year: int) -> int:
    """On demand, when a report is prepared: the summaries of its platform's subtree."""
    from platforms.models import Platform
    from reporting.summaries.refresh import refresh_for_report

    return refresh_for_report(Platform.objects.get(pk=platform_id), year)
