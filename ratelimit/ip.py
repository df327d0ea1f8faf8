"""Which client a request came from, without trusting headers anyone can forge.

`REMOTE_ADDR` is the peer that opened the connection. `X-Forwarded-For` is read only when that
peer is a trusted proxy, configured by either or both of:

- `RATELIMIT_TRUSTED_PROXIES`: networks (CIDR) of your proxies. The header is read only when
  `REMOTE_ADDR` is inside one; walking it from the right, hops inside those networks are skipped
  and the first address outside them is the client.
- `RATELIMIT_TRUSTED_PROXY_COUNT`: how many proxies sit in front of the app (e.g. 1 for one load
  balancer). The client is the Nth address from the right of the header. With networks also
  set, the count applies only to requests whose `REMOTE_ADDR` is a trusted proxy.

IPv6 clients are grouped by their /64 network: one household or server usually owns a whole /64,
so per-address limits on IPv6 would be trivial to dodge.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

UNKNOWN = "unknown"
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _parse(value: str) -> IPAddress | None:
    value = value.strip().strip('"')
    if not value:
        return None
    if value.startswith("["):  # "[2001:db8::1]:443"
        value = value[1 : value.find("]")] if "]" in value else value[1:]
    elif value.count(":") == 1:  # "203.0.113.7:443"
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


@lru_cache(maxsize=8)
def _networks(cidrs: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(cidr.strip(), strict=False) for cidr in cidrs)


def _trusted(address: IPAddress, networks) -> bool:
    return any(address in network for network in networks)


def client_address(request) -> IPAddress | None:
    """The client's address after applying the trusted-proxy settings (None if unknowable)."""
    remote = _parse(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return None
    networks = _networks(tuple(settings.RATELIMIT_TRUSTED_PROXIES))
    count = settings.RATELIMIT_TRUSTED_PROXY_COUNT
    if not networks and not count:
        return remote
    if networks and not _trusted(remote, networks):
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [_parse(part) for part in header.split(",")] if header else []
    if count:
        if len(hops) < count or hops[-count] is None:
            # The request skipped a proxy, so the header's left part may be forged.
            return remote
        return hops[-count]
    for hop in reversed(hops):
        if hop is None:
            return remote
        if not _trusted(hop, networks):
            return hop
    return hops[0] if hops else remote


def client_ip(request) -> str:
    """The rate-limit identifier: an IPv4 address or an IPv6 /64 such as "2001:db8:1:2::/64"."""
    address = client_address(request)
    if address is None:
        return UNKNOWN
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)
