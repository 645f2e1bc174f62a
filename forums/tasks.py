from celery import shared_task

from forums.services import response_deadlines_check


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def check_response_deadlines() -> dict:
    return response_deadlines_check()
