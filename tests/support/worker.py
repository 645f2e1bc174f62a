"""A real Celery worker on the Redis broker for the tests marked `celery_worker`."""

import os
import time

import pytest
from celery import Celery
from celery import _state as celery_state

import accounts.tasks  # noqa: F401 - importing registers the shared tasks on every app
import forums.tasks  # noqa: F401
import platforms.tasks  # noqa: F401


@pytest.fixture
def worker_app(settings):
    """A separate Celery app on the Redis broker, so the eager app of other tests is untouched."""
    from celery.contrib.testing.worker import start_worker

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    app = Celery("open_platforms_worker_test")
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(broker_url=os.environ["CELERY_TEST_BROKER_URL"], task_always_eager=False)
    app.finalize()
    # start_worker makes this app the process-wide default; later tests must queue on the
    # project's eager app again
    previous = celery_state.default_app
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
            yield app
    finally:
        celery_state.set_default_app(previous)


def wait_for(predicate, timeout=20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False
