"""Checks a serving process (web, worker) makes before it starts."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def require_secret_key() -> None:
    """Refuse to serve without a secret key: a public fallback would let anyone forge e-mail
    confirmation links, reset tokens and sessions."""
    try:
        settings.SECRET_KEY  # noqa: B018 - Django refuses an empty key on read
    except ImproperlyConfigured:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY to a long random value in production, "
            "or DEBUG=1 for local development."
        ) from None
