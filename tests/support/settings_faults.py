"""Settings of the processes the fault tests start (a Celery worker, a web server).

They run the test profile against the test database (DATABASE_URL from the test) and a private
Redis (FAULT_BROKER_URL); each e-mail they send is one file in FAULT_MAIL_DIR, so the test
counts deliveries across processes.
"""

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

from config.settings_test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_URL = os.environ.get("FAULT_BROKER_URL", "memory://")
# a message whose worker vanished without acknowledging it is delivered again after this
# kombu scans for such messages every interval x throttle seconds (10 x 10 by default): a
# worker started after the kill would otherwise wait up to 100 s for the first scan
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 5,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
EMAIL_BACKEND = "tests.support.settings_faults.FileBackend"
FAULT_MAIL_DIR = os.environ.get("FAULT_MAIL_DIR", "")


class FileBackend(BaseEmailBackend):
    """One file per delivered message, named at random, holding the recipient and subject.

    A subject containing "[slow]" hangs the first time it is sent (the process id is written
    to FAULT_MAIL_DIR/slow.pid), so the test can kill the process in the middle of the task.
    """

    def send_messages(self, messages):
        directory = Path(os.environ["FAULT_MAIL_DIR"])
        for message in messages:
            marker = directory / "slow.pid"
            if "[slow]" in message.subject and not marker.exists():
                marker.write_text(str(os.getpid()))
                time.sleep(120)  # killed here
            body = f"{','.join(message.to)}\n{message.subject}\n"
            (directory / f"{uuid.uuid4().hex}.eml").write_text(body)
        return len(messages)


# the tests wait for the worker's "ready." line, logged at INFO
LOGGING = {**LOGGING, "loggers": {**LOGGING.get("loggers", {}), "celery": {"level": "INFO"}}}  # noqa: F405

# only to show the restart test fails without the health check: FAULT_NO_HEALTH_CHECKS=1
if os.environ.get("FAULT_NO_HEALTH_CHECKS"):
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False  # noqa: F405
