"""Error pages people can use: styled, in their language, with a way forward.

400, 403 and 404 use the site layout; 500 is a static-safe page that never reaches the
database (the failure may be the database). A refused action says why on the 403 page.
"""

import pytest
from django.db import connection
from django.template.loader import get_template
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from forums.uploads import UploadTooLarge, bad_request
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.support.error_urls")]


def _page(response):
    return response.content.decode()


def _ways(page, *, signed_in=False):
    assert f'href="{reverse("home")}"' in page
    assert (reverse("account_login") in page) is not signed_in


def test_404_uses_the_layout_and_offers_home_and_sign_in(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    page = _page(response)
    assert 'class="site-header"' in page
    assert 'data-testid="error-404"' in page
    assert "Page not found" in page
    _ways(page)


def test_404_is_in_the_readers_language(client):
    response = client.get("/no/such/page/", HTTP_ACCEPT_LANGUAGE="ky")
    page = _page(response)
    assert '<html lang="ky">' in page
    with translation.override("ky"):
        assert translation.gettext("Sign in") in page
        assert translation.gettext("Page not found") in page


def test_403_says_why_and_offers_sign_in(client):
    response = client.get("/test-errors/403/")
    assert response.status_code == 403
    page = _page(response)
    assert 'class="site-header"' in page
    assert "Only members of this platform submit proposals." in page
    _ways(page)
    assert "?next=/test-errors/403/" in page


def test_a_refused_page_explains_itself_in_kyrgyz(client):
    """A citizen opening the liaison dashboard reads the reason in their language."""
    client.force_login(UserFactory(preferred_language="ky"))
    response = client.get(reverse("forums:liaison"), HTTP_ACCEPT_LANGUAGE="ky")
    assert response.status_code == 403
    page = _page(response)
    with translation.override("ky"):
        assert translation.gettext("This page is for police liaison officers.") in page
    _ways(page, signed_in=True)


def test_400_uses_the_layout_without_the_request(client):
    response = client.get("/test-errors/400/")
    assert response.status_code == 400
    page = _page(response)
    assert 'class="site-header"' in page
    assert 'data-testid="error-400"' in page
    _ways(page)


def test_an_oversized_upload_still_gets_its_413_page():
    response = bad_request(RequestFactory().post("/"), UploadTooLarge())
    assert response.status_code == 413


def test_500_is_styled_translated_and_never_touches_the_database():
    client = Client(raise_request_exception=False)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/test-errors/500/", HTTP_ACCEPT_LANGUAGE="ky")
    assert response.status_code == 500
    assert not queries.captured_queries
    page = _page(response)
    assert '<html lang="ky">' in page
    assert 'data-testid="error-500"' in page
    assert "/static/css/site.css" in page
    with translation.override("ky"):
        assert translation.gettext("Sign in") in page
    _ways(page)


def test_the_500_template_renders_with_no_context_at_all():
    with CaptureQueriesContext(connection) as queries, translation.override("en"):
        page = get_template("500.html").render()
    assert not queries.captured_queries
    assert "Open Platforms" in page
