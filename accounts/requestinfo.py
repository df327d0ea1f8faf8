"""What the session list shows about a request: the device and the address it came from."""

from __future__ import annotations

from ratelimit.ip import client_address


def client_ip(request) -> str | None:
    """The client's address, trusting X-Forwarded-For only from the configured proxies.

    One resolution for the whole site (the ratelimit app's), so the session list shows the
    same address that rate limits count.
    """
    address = client_address(request)
    return str(address) if address is not None else None


def user_agent(request) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:300]
