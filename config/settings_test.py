"""Test profile: only overrides what makes the suite fast and hermetic."""

import os

os.environ.setdefault("DEBUG", "1")
# The suite must also import with DEBUG=0 exported in the shell, which requires a key.
os.environ.setdefault("SECRET_KEY", "test-only-not-a-secret")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"

# Assertions read in English; the translated pages are tested with Accept-Language.
LANGUAGE_CODE = "en"
