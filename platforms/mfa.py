"""Officials work with a second factor: a police liaison officer, a secretariat, a platform
admin or staff member is sent to set up an authenticator app before anything else.

The check runs once per session (the answer is kept in the session), so a page costs no extra
query; signing in again re-checks, so a role granted later is caught at the next sign-in.
"""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from platforms.models import LiaisonOfficer, Membership, Role

SESSION_KEY = "official_mfa_checked_for"
# what an official may still open before the authenticator is set up
EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/favicon.ico", "/healthz")


def is_official(user) -> bool:
    """Holds a post or role that acts on behalf of others: liaison, secretariat, admin, staff."""
    if user.is_staff or user.is_superuser:
        return True
    if LiaisonOfficer.objects.filter(user=user, active=True).exists():
        return True
    return (
        Membership.objects.current()
        .filter(user=user, role__in=[Role.SECRETARIAT, Role.ADMIN])
        .exists()
    )


def needs_second_factor(user) -> bool:
    from allauth.mfa.models import Authenticator

    return is_official(user) and not Authenticator.objects.filter(user=user).exists()


class OfficialsSecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            getattr(settings, "OFFICIALS_REQUIRE_MFA", False)
            and user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and request.session.get(SESSION_KEY) != user.pk
        ):
            if needs_second_factor(user):
                return redirect(f"{reverse('mfa_activate_totp')}?next={request.path}")
            request.session[SESSION_KEY] = user.pk
        return self.get_response(request)
