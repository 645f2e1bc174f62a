from celery import shared_task

from reporting import services


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def generate_report(report_id: int) -> int:
    """Compute a draft report's figures (idempotent: a rerun overwrites the same draft)."""
    return services.report_compute(report_id=report_id).pk


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def render_report_pdfs(version_id: int) -> int:
    """Render and store a published version's PDF in every language (skips those stored)."""
    from reporting.pdf import version_pdfs_render

    return version_pdfs_render(version_id=version_id)


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def decide_closed_plan_votes() -> int:
    return services.plans_decide_closed()
