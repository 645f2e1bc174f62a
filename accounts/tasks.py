from celery import shared_task

from accounts.services import digest_send, outbox_relay


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def relay_outbox() -> int:
    return outbox_relay()


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def send_digests(frequency: str) -> int:
    """Write the daily or weekly digests, then relay a first batch; a retry writes no duplicate."""
    written = digest_send(frequency=frequency)
    if written:
        outbox_relay()
    return written
