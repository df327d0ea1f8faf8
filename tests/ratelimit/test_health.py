"""Health probes are never limited and never touch the rate_limits table."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from ratelimit.models import RateLimit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_probes_are_never_limited(client, rates, path, django_assert_max_num_queries):
    rates(api={"ip": "1/day", "user": "1/day"}, login={"ip": "1/day", "account": "1/day"})
    for _ in range(5):
        # readyz runs its own SELECT 1 and nothing else.
        with django_assert_max_num_queries(1) as captured:
            response = client.get(path)
        assert response.status_code == HTTPStatus.OK
        assert not any("rate_limits" in q["sql"] for q in captured.captured_queries)
        assert "RateLimit-Limit" not in response
    assert not RateLimit.objects.exists()
