import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("open_platforms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# background bulk imports (platforms.tasks_imports)
app.autodiscover_tasks(related_name="tasks_imports")


@app.on_after_configure.connect
def _refuse_without_a_secret_key(sender, **kwargs):
    from config.startup import require_secret_key

    require_secret_key()
