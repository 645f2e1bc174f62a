import os

from allauth.account import views as account_views
from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.db import transaction
from django.http import HttpResponse
from django.urls import include, path

from accounts.pagecache import public_page
from accounts.views import favicon, set_language
from platforms.views import home

admin.autodiscover()
# An upload refused for its size gets a page that says so (413), not a bare 400.
handler400 = "forums.uploads.bad_request"
admin.site.login = secure_admin_login(admin.site.login)


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("", public_page(home), name="home"),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("i18n/setlang/", set_language, name="set_language"),
    # Sign-up writes the user, the address and the confirmation e-mail (an outbox row): all or
    # nothing, so a failure never leaves a half-created account. Same path and name as allauth's.
    path("accounts/signup/", transaction.atomic(account_views.signup), name="account_signup"),
    path("accounts/", include("allauth.urls")),
    path("me/", include("accounts.urls")),
    path("", include("forums.urls")),
    path("platforms/", include("platforms.urls")),
    path("assessments/", include("assessments.urls")),
    path("reports/", include("reporting.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("config.api")),
]

# The benchmark's framework floor (bench/run.py), mounted only when asked for.
if os.environ.get("BENCH_FLOOR") == "1":
    urlpatterns.append(path("bench/floor/", include("config.floor")))
