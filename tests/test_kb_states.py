"""The knowledge-base data for states and their institutions (countries.yaml, state_institutions_*.yaml).

Most tests load only these files, so they check this data on its own; the last group loads the whole bundled
knowledge base and checks that no other file takes a state's id or one of its names.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from claimgraph.datafiles import LINE_KEY, load_yaml, package_data_path
from claimgraph.kb import KnowledgeBase
from claimgraph.kb.knowledge_base import ID_PATTERN, normalize_name

# The 193 UN member states by ISO 3166-1 alpha-3, written out so a state dropped from the data is noticed.
UN_MEMBERS = set(
    """AFG AGO ALB AND ARE ARG ARM ATG AUS AUT AZE BDI BEL BEN BFA BGD BGR BHR BHS BIH BLR BLZ BOL BRA BRB BRN BTN
    BWA CAF CAN CHE CHL CHN CIV CMR COD COG COL COM CPV CRI CUB CYP CZE DEU DJI DMA DNK DOM DZA ECU EGY ERI ESP EST
    ETH FIN FJI FRA FSM GAB GBR GEO GHA GIN GMB GNB GNQ GRC GRD GTM GUY HND HRV HTI HUN IDN IND IRL IRN IRQ ISL ISR
    ITA JAM JOR JPN KAZ KEN KGZ KHM KIR KNA KOR KWT LAO LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA MAR MCO MDA MDG MDV
    MEX MHL MKD MLI MLT MMR MNE MNG MOZ MRT MUS MWI MYS NAM NER NGA NIC NLD NOR NPL NRU NZL OMN PAK PAN PER PHL PLW
    PNG POL PRK PRT PRY QAT ROU RUS RWA SAU SDN SEN SGP SLB SLE SLV SMR SOM SRB SSD STP SUR SVK SVN SWE SWZ SYC SYR
    TCD TGO THA TJK TKM TLS TON TTO TUN TUR TUV TZA UGA UKR URY USA UZB VCT VEN VNM VUT WSM YEM ZAF ZMB ZWE""".split()
)
OBSERVERS = {"VAT", "PSE"}

# States prominent in conflict news: each must have a government, armed forces and an intelligence actor.
CONFLICT_STATES = """PAK IND AFG USA CHN RUS IRN ISR PSE SAU ARE QAT TUR SYR IRQ LBN YEM EGY JOR GBR FRA DEU UKR BLR
    PRK KOR JPN BGD LKA NPL MMR NGA MLI BFA NER SOM ETH SDN SSD COD LBY DZA MAR KEN MOZ TCD CMR COL MEX VEN PHL IDN
    TJK UZB KAZ AZE ARM""".split()

# Words and acronyms that must never match as case-insensitive names: they are common English.
COMMON_WORDS = {
    "us", "is", "it", "raw", "mit", "ib", "mi", "fo", "pa", "fc", "far", "bin", "saf", "may", "will", "can",
    "new", "general", "police", "army", "navy", "government", "agencies", "intelligence", "forces", "security",
    "congress", "treasury", "authorities", "military", "state", "rangers", "establishment", "aman", "turkey",
}

SECTORS = {"_GOV": ("government", "GOV"), "_MIL": ("military", "MIL"), "_SPY": ("intelligence", "SPY"),
           "_COP": ("security_forces", "COP")}


def _state_files():
    folder = package_data_path("kb")
    return [folder / "countries.yaml", *sorted(folder.glob("state_institutions*.yaml"))]


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    base = KnowledgeBase()
    for path in _state_files():
        base.add_file(path, overlay=False, strict=True)
    base.check_references(strict=True)
    return base


@pytest.fixture(scope="module")
def bundled() -> KnowledgeBase:
    return KnowledgeBase.load(use_env=False, strict=False)


def ids(base: KnowledgeBase, text: str, date: dt.date | None = None) -> list[str]:
    return [e.actor_id for e in base.lookup(text, date)]


def first(base: KnowledgeBase, text: str) -> str | None:
    found = ids(base, text)
    return found[0] if found else None


# ---- the files themselves --------------------------------------------------------------------------------
def test_state_files_exist_and_validate(kb):
    assert len(_state_files()) >= 2
    assert kb.validate() == []


def test_every_un_member_and_observer_is_a_country(kb):
    for iso in UN_MEMBERS | OBSERVERS:
        actor = kb.get(iso)
        assert actor is not None, iso
        assert (actor.type, actor.country, actor.code) == ("country", iso, iso), iso
    assert len(UN_MEMBERS) == 193


def test_country_ids_are_iso_codes(kb):
    import pycountry

    for actor in kb.actors.values():
        if actor.type == "country" and actor.id != "XKX":  # Kosovo has only the user-assigned XKX
            entry = pycountry.countries.get(alpha_3=actor.id)
            assert entry is not None, actor.id


def test_country_records_are_complete(kb):
    countries = [a for a in kb.actors.values() if a.type == "country"]
    assert len(countries) >= 195
    with_demonyms = [a for a in countries if a.demonyms]
    with_capitals = [a for a in countries if a.metonyms]
    assert len(with_demonyms) >= 190
    assert len(with_capitals) >= 170
    for actor in countries:
        assert actor.description, actor.id
        if actor.qid:
            assert re.fullmatch(r"Q[1-9][0-9]*", actor.qid), actor.id
        assert actor.parent is None, actor.id


def test_every_institution_has_parent_country_and_code(kb):
    for actor in kb.actors.values():
        assert ID_PATTERN.match(actor.id), actor.id
        if actor.type == "country":
            continue
        assert actor.parent and actor.country and actor.code, actor.id
        assert actor.code.startswith(actor.country), actor.id
        # Walking up the parents reaches the state the institution belongs to.
        node, seen = actor, set()
        while node.parent and node.id not in seen:
            seen.add(node.id)
            node = kb.get(node.parent)
            assert node is not None
        assert node.type == "country" and node.id == actor.country, actor.id


def test_conflict_states_have_government_military_and_intelligence(kb):
    assert len(CONFLICT_STATES) >= 45
    for iso in CONFLICT_STATES:
        for suffix, (kind, sector) in SECTORS.items():
            actor = kb.get(iso + suffix)
            assert actor is not None, iso + suffix
            assert actor.type == kind and actor.code == iso + sector and actor.country == iso, actor.id
    covered = {
        a.country for a in kb.actors.values() if a.type == "intelligence"
    } & {a.country for a in kb.actors.values() if a.type == "military"} & {
        a.country for a in kb.actors.values() if a.type == "government"
    }
    assert len(covered) >= 45


def test_no_common_word_is_a_case_insensitive_name(kb):
    for actor in kb.actors.values():
        for name in [actor.name, *actor.aliases, *actor.metonyms, *actor.demonyms]:
            assert normalize_name(name) not in COMMON_WORDS, (actor.id, name)


def test_bare_acronyms_are_case_sensitive(kb):
    for actor in kb.actors.values():
        for name in [actor.name, *actor.aliases, *actor.metonyms]:
            assert not re.fullmatch(r"[A-Z]{2,6}", name), (actor.id, name)


def test_taliban_names_are_left_to_the_taliban_actor(kb):
    for actor in kb.actors.values():
        for name in actor.all_names() + actor.metonyms + actor.weak_aliases:
            key = normalize_name(name)
            assert "taliban" not in key and "islamic emirate" not in key, (actor.id, name)


# ---- lookups ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("Islamabad", "PAK"),
        ("New Delhi", "IND"),
        ("Delhi", "IND"),
        ("Kabul", "AFG"),
        ("Washington", "USA"),
        ("Kyiv", "UKR"),
        ("Kiev", "UKR"),
        ("Jerusalem", "ISR"),
        ("US", "USA"),
        ("U.S.", "USA"),
        ("USA", "USA"),
        ("America", "USA"),
        ("UK", "GBR"),
        ("Britain", "GBR"),
        ("Türkiye", "TUR"),
        ("Turkiye", "TUR"),
        ("Burma", "MMR"),
        ("DPRK", "PRK"),
        ("ISI", "PAK_ISI"),
        ("Inter Services Intelligence", "PAK_ISI"),
        ("Inter-Services Intelligence", "PAK_ISI"),
        ("RAW", "IND_RAW"),
        ("R&AW", "IND_RAW"),
        ("Research and Analysis Wing", "IND_RAW"),
        ("the Pentagon", "USA_DOD"),
        ("Rawalpindi", "PAK_ARMY"),
        ("GHQ", "PAK_ARMY"),
        ("Pakistan Army", "PAK_ARMY"),
        ("Pak Army", "PAK_ARMY"),
        ("the White House", "USA_GOV"),
        ("Langley", "USA_CIA"),
        ("Foggy Bottom", "USA_STATE"),
        ("the Kremlin", "RUS_GOV"),
        ("Downing Street", "GBR_GOV"),
        ("Whitehall", "GBR_GOV"),
        ("Zhongnanhai", "CHN_GOV"),
        ("South Block", "IND_GOV"),
        ("Indian agencies", "IND_SPY"),
        ("Indian intelligence", "IND_SPY"),
        ("Pakistani government", "PAK_GOV"),
        ("Pakistan's government", "PAK_GOV"),
        ("Israeli forces", "ISR_MIL"),
        ("IDF", "ISR_MIL"),
        ("IRGC", "IRN_IRGC"),
        ("Revolutionary Guards", "IRN_IRGC"),
        ("Quds Force", "IRN_QUDS"),
        ("Mossad", "ISR_MOSSAD"),
        ("Shin Bet", "ISR_SHIN_BET"),
        ("CIA", "USA_CIA"),
        ("FBI", "USA_FBI"),
        ("FSB", "RUS_FSB"),
        ("MI6", "GBR_MI6"),
        ("MIT", "TUR_MIT"),
        ("NIA", "IND_NIA"),
        ("CRPF", "IND_CRPF"),
        ("J&K Police", "IND_JKP"),
        ("CTD", "PAK_CTD"),
        ("Frontier Corps", "PAK_FC"),
        ("State Department", "USA_STATE"),
        ("Ministry of External Affairs", "IND_MEA"),
        ("Pakistan Foreign Office", "PAK_FO"),
        ("Pakistanis", "PAK"),
        ("Indians", "IND"),
        ("American", "USA"),
    ],
)
def test_lookup(kb, text, expected):
    assert first(kb, text) == expected


@pytest.mark.parametrize("text", ["us", "raw", "mit", "is", "Us", "turkey sandwich", "establishment"])
def test_ordinary_words_find_nothing(kb, text):
    assert ids(kb, text) == []


def test_shared_names_are_weak_on_every_claimant(kb):
    for text, expected in [("Intelligence Bureau", {"IND_IB", "PAK_IB"}), ("Congo", {"COD", "COG"}),
                           ("Foreign Office", {"PAK_FO", "GBR_FCDO"})]:
        entries = kb.lookup(text)
        assert {e.actor_id for e in entries} == expected, text
        assert all(e.kind == "weak" for e in entries), text


def test_afghan_intelligence_agencies_follow_the_2021_takeover(kb):
    fall = dt.date(2021, 8, 15)
    assert kb.get("AFG_NDS").valid_to == fall and kb.get("AFG_NDS").valid_from is None
    assert kb.get("AFG_GDI").valid_from == fall and kb.get("AFG_GDI").valid_to is None
    assert ids(kb, "NDS") == ["AFG_NDS"] and ids(kb, "GDI") == ["AFG_GDI"]
    gov = kb.get("AFG_GOV")
    assert gov.as_of(dt.date(2020, 1, 1)).name == "Government of the Islamic Republic of Afghanistan"
    assert gov.as_of(dt.date(2023, 1, 1)).name == "Government of Afghanistan"


def test_named_agencies_sit_under_their_state(kb):
    expected_parents = {
        "PAK_ISI": "PAK_SPY", "IND_RAW": "IND_SPY", "USA_CIA": "USA_SPY", "PAK_ARMY": "PAK_MIL",
        "IRN_QUDS": "IRN_IRGC", "IRN_IRGC": "IRN_MIL", "USA_MIL": "USA_DOD", "PAK_MI": "PAK_ARMY",
    }
    for child, parent in expected_parents.items():
        assert kb.get(child).parent == parent, child
    assert kb.get("USA_DOD").type == "military"
    assert kb.get("IRN_IRGC").type == "military"
    assert {a.id for a in kb.children("PAK_SPY")} >= {"PAK_ISI", "PAK_IB"}


# ---- the whole bundled knowledge base --------------------------------------------------------------------
def test_no_other_file_takes_a_state_id(kb):
    # Checked file by file: a clash aborts a strict load whichever file comes first.
    mine = set(_state_files())
    clashes = []
    for path in sorted(package_data_path("kb").glob("*.yaml")):
        if path in mine:
            continue
        data = load_yaml(path) or {}
        for record in data.get("actors") or []:
            if isinstance(record, dict) and record.get("id") in kb.actors:
                clashes.append(f"{path.name}:{record.get(LINE_KEY)}: {record['id']}")
    assert clashes == []


def test_bundled_kb_has_no_problem_with_state_actors(kb, bundled):
    # A name clash is reported at whichever claimant sorts first, so look at the claimants, not the file.
    mine = {str(p) for p in _state_files()}
    problems = []
    for problem in bundled.validate():
        claimed = re.search(r"is claimed by ([^;]+);", problem.message)
        claimants = set(claimed.group(1).split(", ")) if claimed else set()
        if problem.path in mine or claimants & set(kb.actors):
            problems.append(str(problem))
    assert problems == []


@pytest.mark.parametrize(
    "text, expected",
    [("US", "USA"), ("Islamabad", "PAK"), ("ISI", "PAK_ISI"), ("the Pentagon", "USA_DOD"),
     ("Rawalpindi", "PAK_ARMY"), ("Indian agencies", "IND_SPY")],
)
def test_bundled_lookup(bundled, text, expected):
    assert first(bundled, text) == expected


def test_bundled_lowercase_us_finds_nothing(bundled):
    assert ids(bundled, "us") == []
