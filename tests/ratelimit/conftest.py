"""Fixtures for the rate-limit tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def rates(settings):
    """Set quotas for this test only: rates(api={"ip": "3/day"}) replaces that scope's rates."""

    def apply(**scopes):
        settings.RATELIMIT_RATES = {**settings.RATELIMIT_RATES, **scopes}

    return apply
