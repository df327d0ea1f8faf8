"""Quota parsing and client-IP resolution: pure functions, no database."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from ratelimit.ip import client_ip
from ratelimit.rates import Rate, rate_for


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10/15m", Rate(10, 900)),
        ("1000/day", Rate(1000, 86400)),
        ("300/hour", Rate(300, 3600)),
        ("5/30s", Rate(5, 30)),
        ("10000/d", Rate(10000, 86400)),
        ("20/2hours", Rate(20, 7200)),
    ],
)
def test_rates_parse_count_and_period(text, expected):
    assert Rate.parse(text) == expected


@pytest.mark.parametrize("text", ["", "10", "ten/day", "10/fortnight", "10/0m"])
def test_malformed_rates_are_rejected_with_the_expected_form(text):
    with pytest.raises(ValueError, match=r"<count>/<period>|empty period"):
        Rate.parse(text)


def test_a_missing_quota_is_a_configuration_error_not_unlimited(settings):
    settings.RATELIMIT_RATES = {"api": {"ip": "1/day"}}
    with pytest.raises(ImproperlyConfigured, match=r"'api'.*'user'"):
        rate_for("api", "user")


def test_default_quotas_match_the_product_decisions():
    assert rate_for("api", "ip") == Rate(1000, 86400)
    assert rate_for("api", "user") == Rate(10000, 86400)
    assert rate_for("login", "ip") == Rate(10, 900)
    assert rate_for("login", "account") == Rate(10, 900)
    assert rate_for("share", "ip") == Rate(300, 3600)


def _request(remote_addr="198.51.100.7", forwarded=None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_spoofed_forwarded_for_is_ignored_without_trusted_proxies(settings):
    settings.RATELIMIT_TRUSTED_PROXY_COUNT = 0
    settings.RATELIMIT_TRUSTED_PROXIES = []
    assert client_ip(_request(forwarded="1.2.3.4")) == "198.51.100.7"


def test_forwarded_for_is_honoured_behind_a_counted_proxy(settings):
    settings.RATELIMIT_TRUSTED_PROXY_COUNT = 1
    request = _request(remote_addr="10.0.0.2", forwarded="6.6.6.6, 203.0.113.9")
    # The client put 6.6.6.6 there itself; our one proxy appended the real peer.
    assert client_ip(request) == "203.0.113.9"


def test_a_request_that_skipped_a_counted_proxy_falls_back_to_the_peer(settings):
    settings.RATELIMIT_TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request(remote_addr="10.0.0.2", forwarded="203.0.113.9")) == "10.0.0.2"


def test_forwarded_for_is_honoured_only_from_trusted_networks(settings):
    settings.RATELIMIT_TRUSTED_PROXIES = ["10.0.0.0/8", "fd00::/8"]
    via_proxy = _request(remote_addr="10.1.2.3", forwarded="6.6.6.6, 203.0.113.9, 10.9.9.9")
    assert client_ip(via_proxy) == "203.0.113.9"
    direct = _request(remote_addr="198.51.100.7", forwarded="203.0.113.9")
    assert client_ip(direct) == "198.51.100.7"


def test_networks_and_count_together_need_a_trusted_peer(settings):
    settings.RATELIMIT_TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.RATELIMIT_TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(remote_addr="10.0.0.5", forwarded="203.0.113.9")) == "203.0.113.9"
    assert client_ip(_request(remote_addr="198.51.100.7", forwarded="1.2.3.4")) == "198.51.100.7"


def test_garbage_in_forwarded_for_falls_back_to_the_peer(settings):
    settings.RATELIMIT_TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(remote_addr="10.0.0.2", forwarded="not-an-ip")) == "10.0.0.2"


def test_ipv6_clients_are_grouped_by_their_64(settings):
    one = client_ip(_request(remote_addr="2001:db8:1:2::1"))
    other = client_ip(_request(remote_addr="2001:db8:1:2:ffff:eeee:dddd:cccc"))
    neighbour = client_ip(_request(remote_addr="2001:db8:1:3::1"))
    assert one == other == "2001:db8:1:2::/64"
    assert neighbour == "2001:db8:1:3::/64"


def test_ipv4_mapped_ipv6_counts_as_the_ipv4_address():
    assert client_ip(_request(remote_addr="::ffff:203.0.113.9")) == "203.0.113.9"


def test_forwarded_ipv6_with_port_is_grouped_too(settings):
    settings.RATELIMIT_TRUSTED_PROXY_COUNT = 1
    request = _request(remote_addr="10.0.0.2", forwarded="[2001:db8:aa:bb::5]:443")
    assert client_ip(request) == "2001:db8:aa:bb::/64"


def test_a_missing_peer_address_is_one_shared_unknown_bucket():
    assert client_ip(_request(remote_addr="")) == "unknown"


def test_system_checks_report_bad_quotas_networks_and_alias(settings):
    from ratelimit.checks import check_ratelimit_settings

    assert check_ratelimit_settings(None) == []
    settings.RATELIMIT_RATES = {"api": {"ip": "lots"}}
    settings.RATELIMIT_TRUSTED_PROXIES = ["10.0.0.0/33"]
    settings.RATELIMIT_DATABASE_ALIAS = "missing"
    assert [e.id for e in check_ratelimit_settings(None)] == [
        "ratelimit.E001",
        "ratelimit.E002",
        "ratelimit.E003",
    ]
