from celery import shared_task

from accounts.services import outbox_relay


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def relay_outbox() -> int:
    return outbox_relay()
