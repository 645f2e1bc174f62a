"""The public statistics page is cached; any change to what it counts invalidates it."""

from django.core.cache import cache

from reporting import selectors

STATISTICS_VERSION_KEY = "reporting:statistics:version"
STATISTICS_TTL = 60 * 60


def _version() -> int:
    version = cache.get(STATISTICS_VERSION_KEY)
    if version is None:
        version = 1
        cache.set(STATISTICS_VERSION_KEY, version, None)
    return version


def statistics_invalidate(**kwargs) -> None:
    """Start a new cache generation: every cached page (each oblast too) is stale at once."""
    try:
        cache.incr(STATISTICS_VERSION_KEY)
    except ValueError:
        cache.set(STATISTICS_VERSION_KEY, 2, None)


def statistics_cached(territory=None) -> dict:
    key = f"reporting:statistics:{_version()}:{territory.pk if territory else 'all'}"
    data = cache.get(key)
    if data is None:
        data = selectors.statistics(territory=territory)
        cache.set(key, data, STATISTICS_TTL)
    return data
