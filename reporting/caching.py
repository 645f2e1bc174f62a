"""The public statistics page's figures are cached under the page cache's generation
(accounts.pagecache): any change to a portal record makes them stale at once. Signed-in people,
whose pages are not cached whole, read the figures from here too."""

from django.core.cache import cache

from accounts import pagecache
from reporting import selectors

STATISTICS_TTL = 60 * 60


def statistics_cached(territory=None) -> dict:
    key = f"reporting:statistics:{pagecache.generation()}:{territory.pk if territory else 'all'}"
    data = cache.get(key)
    if data is None:
        data = selectors.statistics(territory=territory)
        cache.set(key, data, STATISTICS_TTL)
    return data
