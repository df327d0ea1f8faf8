"""What the session list shows about a request: the device and the address it came from."""

from __future__ import annotations

import ipaddress


def client_ip(request) -> str | None:
    """REMOTE_ADDR only: X-Forwarded-For is trivially spoofed unless a trusted proxy sets it.

    Deployments behind a proxy should resolve the address once (the ratelimit app's
    client-IP resolution) and this should then call that.
    """
    value = request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def user_agent(request) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:300]
