"""Settings refuse an unsafe production start and keep development and tests working."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

BASE_DIR = settings.BASE_DIR


def _start_web(**env) -> subprocess.CompletedProcess:
    """Load the WSGI application (what gunicorn does) in a fresh interpreter."""
    return _import_settings("'ok'", module="config.wsgi", **env)


def _import_settings(
    print_expr: str = "'ok'", module: str = "config.settings", **env
) -> subprocess.CompletedProcess:
    """Import a module in a fresh interpreter with exactly the given variables set."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE", "REDIS_URL"}
    }
    clean.update(env)
    clean.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    return subprocess.run(  # noqa: S603 - a fixed interpreter and a fixed program
        [sys.executable, "-c", f"import {module} as s; print({print_expr})"],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    """A public fallback key would let anyone forge e-mail confirmation and reset links."""
    result = _start_web(DEBUG="0")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr
    # offline commands (makemigrations, check) still import the settings
    assert _import_settings(DEBUG="0").returncode == 0


def test_an_empty_secret_key_counts_as_missing():
    result = _start_web(DEBUG="0", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_is_off_unless_asked_so_a_bare_start_also_refuses():
    result = _start_web()
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_starts_with_a_secret_key():
    result = _import_settings("s.SECRET_KEY", DEBUG="0", SECRET_KEY="a-real-secret")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "a-real-secret"


def test_development_starts_without_a_secret_key():
    result = _import_settings("s.SECRET_KEY", DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("django-insecure-")


def test_test_profile_imports_even_with_debug_0_exported():
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import config.settings_test as s; print(s.DEBUG)"],
        cwd=BASE_DIR,
        env={
            **{k: v for k, v in os.environ.items() if k != "SECRET_KEY"},
            "DEBUG": "1",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_trusted_proxy_count_reaches_allauth():
    result = _import_settings(
        "s.ALLAUTH_TRUSTED_PROXY_COUNT", DEBUG="0", SECRET_KEY="k", TRUSTED_PROXY_COUNT="1"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"


def test_redis_cache_fails_open_with_short_timeouts():
    result = _import_settings(
        "__import__('json').dumps(s.CACHES['default'])",
        DEBUG="1",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stderr
    cache = json.loads(result.stdout)
    assert cache["BACKEND"] == "config.cache.FailOpenRedisCache"
    assert cache["OPTIONS"]["socket_connect_timeout"] <= 0.5
    assert cache["OPTIONS"]["socket_timeout"] <= 0.5


@pytest.mark.parametrize("debug", ["0", "1"])
def test_email_has_a_timeout(debug):
    result = _import_settings("s.EMAIL_TIMEOUT", DEBUG=debug, SECRET_KEY="k")
    assert result.returncode == 0, result.stderr
    assert 0 < int(result.stdout) <= 60
