"""A real geocoder on 127.0.0.1: a tiny HTTP server in a thread answering Photon- or
Nominatim-shaped JSON, counting the requests it receives."""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

TILE_MUSEUM_PHOTON = {
    "type": "Feature",
    "geometry": {"type": "Point", "coordinates": [-9.1136, 38.7246]},
    "properties": {
        "osm_key": "tourism",
        "osm_value": "museum",
        "type": "house",
        "name": "Museu Nacional do Azulejo",
        "street": "Rua da Madre de Deus",
        "housenumber": "4",
        "postcode": "1900-312",
        "city": "Lisbon",
        "country": "Portugal",
        "countrycode": "PT",
    },
}
LISBON_CITY_PHOTON = {
    "type": "Feature",
    "geometry": {"type": "Point", "coordinates": [-9.1365919, 38.7077507]},
    "properties": {
        "osm_key": "place",
        "osm_value": "city",
        "type": "city",
        "name": "Lisbon",
        "country": "Portugal",
        "countrycode": "PT",
    },
}
STREET_NOMINATIM = {
    "place_id": 1,
    "lat": "38.7105",
    "lon": "-9.1427",
    "class": "highway",
    "type": "residential",
    "name": "Rua Augusta",
    "display_name": "Rua Augusta, Baixa, Lisbon, 1100-053, Portugal",
    "address": {"road": "Rua Augusta", "city": "Lisbon", "country_code": "pt"},
}


@dataclass
class FakeGeocoder:
    """What the server answers, and what it was asked (path, query parameters, headers)."""

    url: str = ""
    photon_features: list[dict] = field(default_factory=lambda: [TILE_MUSEUM_PHOTON])
    nominatim_places: list[dict] = field(default_factory=lambda: [STREET_NOMINATIM])
    delay: float = 0.0
    requests: list[dict] = field(default_factory=list)


@pytest.fixture
def fake_geocoder():
    geocoder = FakeGeocoder()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            url = urlsplit(self.path)
            geocoder.requests.append(
                {"path": url.path, "params": parse_qs(url.query), "headers": dict(self.headers)}
            )
            time.sleep(geocoder.delay)
            if url.path == "/api":
                body = {"type": "FeatureCollection", "features": geocoder.photon_features}
            elif url.path == "/search":
                body = geocoder.nominatim_places
            else:
                self.send_error(404)
                return
            payload = json.dumps(body).encode()
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (the timeout test)

        def log_message(self, format, *args):  # keep the test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    geocoder.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield geocoder
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_port() -> int:
    """A local port nothing listens on: connections to it are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def geocoder_settings(settings):
    """Configure a geocoder: use_geocoder("photon", url); the geocoder's rate is generous."""
    settings.RATELIMIT_RATES = {**settings.RATELIMIT_RATES, "geocoder": {"provider": "100/s"}}

    def use_geocoder(provider: str, url: str, **overrides):
        settings.PLACES_GEOCODER = provider
        settings.PLACES_GEOCODER_URL = url
        settings.PLACES_GEOCODER_USER_AGENT = "Wayfarer tests (https://wayfarer.example.com)"
        settings.PLACES_GEOCODER_TIMEOUT = 2.0
        for name, value in overrides.items():
            setattr(settings, name, value)

    return use_geocoder
