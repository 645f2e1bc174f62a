"""The shipped docker-compose.yml lets no client choose the address the login limits count.

web trusts one proxy (TRUSTED_PROXY_COUNT=1), so X-Forwarded-For must come from nginx only:
web publishes no port, and nginx overwrites the header with the address it sees.
"""

import re

import pytest
from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

yaml = pytest.importorskip("yaml", reason="PyYAML is needed to read docker-compose.yml")

COMPOSE = settings.BASE_DIR / "docker-compose.yml"
NGINX = settings.BASE_DIR / "deploy" / "nginx.conf"


@pytest.fixture(scope="module")
def services():
    return yaml.safe_load(COMPOSE.read_text())["services"]


@pytest.fixture(scope="module")
def nginx_conf():
    # comments dropped, so a commented-out directive never satisfies a check
    return "\n".join(line.split("#", 1)[0] for line in NGINX.read_text().splitlines())


def _proxy(services):
    (name,) = [n for n, s in services.items() if "nginx" in str(s.get("image", ""))]
    return services[name]


def test_only_nginx_publishes_ports(services):
    proxy = _proxy(services)
    assert proxy.get("ports")
    published = [name for name, service in services.items() if service.get("ports")]
    assert published == [n for n, s in services.items() if s is proxy]


def test_web_is_only_on_the_internal_network(services):
    compose = yaml.safe_load(COMPOSE.read_text())
    web = services["web"]
    assert "ports" not in web
    networks = web.get("networks") or []
    assert networks, "web must name its networks, or it joins the default one"
    for network in networks:
        assert compose["networks"][network].get("internal") is True
    # the proxy shares a network with web, or it could not reach it
    assert set(networks) & set(_proxy(services)["networks"])


def test_web_trusts_exactly_one_proxy(services):
    assert str(services["web"]["environment"]["TRUSTED_PROXY_COUNT"]) == "1"


def test_nginx_config_is_mounted(services):
    volumes = _proxy(services)["volumes"]
    assert any(v.startswith("./deploy/nginx.conf:") for v in volumes)


def test_nginx_overwrites_x_forwarded_for(nginx_conf):
    headers = dict(re.findall(r"proxy_set_header\s+(\S+)\s+([^;]+);", nginx_conf))
    assert headers["X-Forwarded-For"] == "$remote_addr"
    assert headers["X-Forwarded-Proto"] == "$scheme"
    assert "$proxy_add_x_forwarded_for" not in nginx_conf
    assert "$http_x_forwarded_for" not in nginx_conf


def test_nginx_accepts_an_attachment_and_its_form(nginx_conf):
    assert re.search(r"client_max_body_size\s+6m;", nginx_conf)
    assert re.search(r"proxy_pass\s+http://\S+;", nginx_conf)


# --- what allauth sees behind the proxy -------------------------------------------------------


@pytest.fixture
def one_proxy(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    cache.clear()
    yield
    cache.clear()


def test_client_ip_is_the_address_nginx_set(one_proxy):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="172.18.0.5", HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    assert get_adapter(request).get_client_ip(request) == "203.0.113.7"


def test_client_supplied_addresses_in_front_are_ignored(one_proxy):
    """Even a proxy that appended would leave its own entry last, and that one counts."""
    request = RequestFactory().get(
        "/", REMOTE_ADDR="172.18.0.5", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7"
    )
    assert get_adapter(request).get_client_ip(request) == "203.0.113.7"


@pytest.mark.django_db
def test_per_ip_login_limit_counts_the_proxy_set_address(one_proxy, settings, client):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    statuses = [
        client.post(
            reverse("account_login"),
            {"login": "x@example.org", "password": "wrong"},
            REMOTE_ADDR="172.18.0.5",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{i}, 203.0.113.7",
        ).status_code
        for i in range(3)
    ]
    assert statuses == [200, 200, 429]
