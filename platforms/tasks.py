from celery import shared_task

from platforms.decisions import decisions_close_due
from platforms.registration import forums_activate_silent
from platforms.services import platform_member_counts_recount, terms_check


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def check_terms() -> dict:
    return terms_check()


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def activate_silent_forums() -> int:
    return forums_activate_silent()


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def close_due_decisions() -> int:
    return decisions_close_due()


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def recount_members() -> int:
    """Repair member counts that drifted (a change made outside the membership services)."""
    return platform_member_counts_recount()
