"""Knowledge-base data for IGOs, NGOs, media, parties, populations and businesses, and user overlay files."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pycountry
import pytest

from claimgraph.datafiles import package_data_path
from claimgraph.errors import DataFileError
from claimgraph.kb import KB_ENV, KnowledgeBase, normalize_name

FILES = ("igos", "ngos", "media", "parties", "populations", "businesses")
ISO3 = {c.alpha_3 for c in pycountry.countries}


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    # Not strict: a problem in another team's file must not hide the checks of these files.
    return KnowledgeBase.load(use_env=False, strict=False)


@pytest.fixture(scope="module")
def ours(kb: KnowledgeBase) -> dict[str, list]:
    by_file: dict[str, list] = {name: [] for name in FILES}
    for actor in kb.actors.values():
        stem = Path(actor.source_file or "").stem
        if stem in by_file:
            by_file[stem].append(actor)
    return by_file


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KB_ENV, raising=False)


def _top(kb: KnowledgeBase, text: str, date: dt.date | None = None) -> str | None:
    found = kb.lookup(text, date)
    return found[0].actor_id if found else None


# ---- the bundled files ---------------------------------------------------------------------------------
def test_files_are_bundled() -> None:
    for name in FILES:
        assert package_data_path("kb", f"{name}.yaml").is_file(), name


@pytest.mark.parametrize(
    ("stem", "actor_type", "minimum"),
    [
        ("igos", "igo", 50),
        ("ngos", "ngo", 40),
        ("media", "media", 50),
        ("parties", "political_org", 60),
        ("populations", "population", 20),
        ("businesses", "business", 25),
    ],
)
def test_counts_per_type(ours: dict[str, list], stem: str, actor_type: str, minimum: int) -> None:
    count = sum(1 for a in ours[stem] if a.type == actor_type)
    assert count >= minimum, f"{stem}.yaml has {count} {actor_type} actors"


REQUIRED_IDS = """
UN UNSC UNGA UNHRC UNHCR UNICEF WFP OCHA UNAMA IAEA ICC ICJ INTERPOL FATF IMF WORLD_BANK ADB NATO EU EU_COMMISSION
EU_PARLIAMENT AU ECOWAS IGAD SADC ARAB_LEAGUE GCC OIC SCO BRICS SAARC ASEAN OSCE CSTO OAS G7 G20 UNOCT
UN_1267_COMMITTEE MINUSMA MONUSCO AMISOM ATMIS UNIFIL UNRWA
AMNESTY HRW ICRC MSF IFRC CRISIS_GROUP ACLED RSF_NGO CPJ HRCP BYC VBMP PTM SOHR WHITE_HELMETS BROOKINGS RAND
CARNEGIE IISS SIPRI ORF
REUTERS AP AFP BBC CNN AL_JAZEERA DAWN EXPRESS_TRIBUNE GEO_NEWS ARY THE_HINDU TIMES_OF_INDIA HINDUSTAN_TIMES
INDIAN_EXPRESS NDTV PTI ANI IANS TOLO_NEWS PAJHWOK XINHUA GLOBAL_TIMES TASS RT PRESS_TV IRNA ANADOLU NYT WAPO WSJ
GUARDIAN FT ECONOMIST VOA RFE_RL DW FRANCE24 SPUTNIK KYODO YONHAP KCNA
PAK_PTI PAK_PMLN PAK_PPP PAK_JUIF PAK_TLP PAK_JI PAK_BNP PAK_NP IND_BJP IND_INC IND_AAP IND_CPIM IND_NC IND_PDP
IND_HURRIYAT USA_DEM USA_GOP GBR_LAB GBR_CON ISR_LIKUD PSE_FATAH PSE_PA LBN_AMAL BGD_AL BGD_BNP BGD_JI MMR_NLD
TUR_AKP RUS_UR CHN_CCP
BALOCH PASHTUNS HAZARAS UYGHURS ROHINGYA KURDS KASHMIRIS SIKHS TAMILS YAZIDIS DRUZE SHIA_MUSLIMS AHMADIS
COPHC REKO_DIQ BARRICK SAINDAK ARAMCO GAZPROM ROSNEFT NIOC LOCKHEED_MARTIN BOEING HUAWEI
""".split()


def test_required_ids_exist(ours: dict[str, list]) -> None:
    ids = {a.id for actors in ours.values() for a in actors}
    assert sorted(set(REQUIRED_IDS) - ids) == []


def test_no_problems_in_these_files(kb: KnowledgeBase, ours: dict[str, list]) -> None:
    paths = {str(package_data_path("kb", f"{name}.yaml")) for name in FILES}
    ids = {a.id for actors in ours.values() for a in actors}
    mine = []
    for problem in kb.validate():
        named = set(re.findall(r"[A-Z0-9][A-Z0-9_.\-]*", problem.message))
        if problem.path in paths or named & ids:
            mine.append(str(problem))
    assert mine == []


@pytest.mark.parametrize(
    ("stem", "suffix"),
    [("media", "JRN"), ("parties", "PTY"), ("businesses", "BUS"), ("igos", None)],
)
def test_codes_follow_the_convention(ours: dict[str, list], stem: str, suffix: str | None) -> None:
    for actor in ours[stem]:
        assert actor.code, actor.id
        if stem == "igos":
            assert actor.code.startswith("IGO"), actor.id
        elif actor.type != "government":  # the Palestinian Authority is a government kept with the parties
            assert actor.code.endswith(suffix), actor.id
            if actor.country:
                assert actor.code == actor.country + suffix, actor.id


def test_countries_are_iso3(ours: dict[str, list]) -> None:
    for actors in ours.values():
        for actor in actors:
            assert actor.country is None or actor.country in ISO3, actor.id
            assert actor.id not in ISO3, f"{actor.id} is a country code"


def test_no_country_demonym_is_claimed(kb: KnowledgeBase, ours: dict[str, list]) -> None:
    demonyms = {normalize_name(d) for a in kb.actors.values() for d in a.demonyms}
    demonyms |= {normalize_name(d) for d in ("Afghan", "Afghans", "Pakistani", "Pakistanis", "Indian", "Indians",
                                             "Palestinian", "Palestinians", "Iranian", "Iranians", "Tajik", "Uzbek")}
    for actors in ours.values():
        for actor in actors:
            for name in [actor.name, *actor.aliases, *actor.exact_aliases, *actor.metonyms]:
                assert normalize_name(name) not in demonyms, f"{actor.id} claims demonym {name!r}"


# ---- lookups -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("United Nations", "UN"),
        ("UN", "UN"),
        ("UN Security Council", "UNSC"),
        ("the Security Council", "UNSC"),
        ("UNHCR", "UNHCR"),
        ("UN refugee agency", "UNHCR"),
        ("1267 Committee", "UN_1267_COMMITTEE"),
        ("Financial Action Task Force", "FATF"),
        ("the World Bank", "WORLD_BANK"),
        ("Shanghai Cooperation Organization", "SCO"),
        ("Amnesty International", "AMNESTY"),
        ("HRW", "HRW"),
        ("Doctors Without Borders", "MSF"),
        ("International Crisis Group", "CRISIS_GROUP"),
        ("Human Rights Commission of Pakistan", "HRCP"),
        ("Baloch Yakjehti Committee", "BYC"),
        ("Voice for Baloch Missing Persons", "VBMP"),
        ("Pashtun Tahafuz Movement", "PTM"),
        ("Reuters", "REUTERS"),
        ("Associated Press", "AP"),
        ("AFP", "AFP"),
        ("Press Trust of India", "PTI"),
        ("Al-Jazeera", "AL_JAZEERA"),
        ("Dawn", "DAWN"),
        ("The Hindu newspaper", "THE_HINDU"),
        ("Pakistan Tehreek-e-Insaf", "PAK_PTI"),
        ("PML-N", "PAK_PMLN"),
        ("Jamaat-e-Islami", "PAK_JI"),
        ("BJP", "IND_BJP"),
        ("Hurriyat Conference", "IND_HURRIYAT"),
        ("Awami League", "BGD_AL"),
        ("Chinese Communist Party", "CHN_CCP"),
        ("Palestinian Authority", "PSE_PA"),
        ("Baloch people", "BALOCH"),
        ("Balochis", "BALOCH"),
        ("Baluch", "BALOCH"),
        ("Uighurs", "UYGHURS"),
        ("Hindu", "HINDUS"),
        ("Saudi Aramco", "ARAMCO"),
        ("China Overseas Port Holding Company", "COPHC"),
        ("Barrick Gold", "BARRICK"),
    ],
)
def test_key_lookups(kb: KnowledgeBase, text: str, expected: str) -> None:
    assert _top(kb, text) == expected


def test_spelling_variants_of_exact_names_do_not_take_other_actors_names(kb: KnowledgeBase,
                                                                       ours: dict[str, list]) -> None:
    # The actor ruler also matches each exact alias with hyphens as spaces (but keeps a leading "The": "The
    # Hindu" is the newspaper, "Hindu" is not).
    from claimgraph.nlp.actors.names import name_variants

    for actors in ours.values():
        for actor in actors:
            for alias in actor.exact_aliases:
                for variant in name_variants(alias, drop_article=False) - {alias}:
                    others = {e.actor_id for e in kb.index.get(normalize_name(variant), [])} - {actor.id}
                    assert not others, f"{actor.id}: {alias!r} also matches {variant!r}, a name of {others}"


def test_rt_is_case_sensitive(kb: KnowledgeBase) -> None:
    upper = kb.lookup("RT")
    assert upper and upper[0].actor_id == "RT" and upper[0].kind == "exact"
    assert "RT" not in {e.actor_id for e in kb.lookup("rt")}
    assert "DAWN" not in {e.actor_id for e in kb.lookup("dawn")}


@pytest.mark.parametrize(
    ("acronym", "strong", "weak"),
    [
        ("RSF", None, "RSF_NGO"),  # Sudan's Rapid Support Forces hold "RSF" (armed-group file)
        ("PTI", "PAK_PTI", "PTI"),
        ("BNP", "BGD_BNP", "PAK_BNP"),
        ("ICJ", "ICJ", "INTL_COMMISSION_JURISTS"),
        ("CSIS", None, "CSIS_DC"),
    ],
)
def test_shared_acronyms_yield(kb: KnowledgeBase, acronym: str, strong: str | None, weak: str) -> None:
    entries = kb.lookup(acronym)
    assert (weak, "weak") in {(e.actor_id, e.kind) for e in entries}
    if strong:
        assert entries[0].actor_id == strong and entries[0].kind != "weak"


def test_validity_periods(kb: KnowledgeBase) -> None:
    assert _top(kb, "AU mission in Somalia", dt.date(2015, 6, 1)) == "AMISOM"
    assert _top(kb, "AU mission in Somalia", dt.date(2023, 6, 1)) == "ATMIS"
    assert _top(kb, "AU mission in Somalia", dt.date(2025, 6, 1)) == "AUSSOM"
    committee = kb.get("UN_1267_COMMITTEE")
    assert committee is not None
    assert "Taliban" in committee.as_of(dt.date(2005, 1, 1)).name
    assert committee.as_of(dt.date(2020, 1, 1)).name == committee.name
    oic = kb.get("OIC")
    assert oic is not None and oic.as_of(dt.date(2000, 1, 1)).name == "Organisation of the Islamic Conference"


def test_designations_and_hierarchy(kb: KnowledgeBase) -> None:
    ptm = kb.get("PTM")
    assert ptm is not None and ptm.type == "political_org"
    assert [(d.by, d.date) for d in ptm.designations] == [("PAK", dt.date(2024, 10, 6))]
    assert kb.get("UNSC").parent == "UN"
    assert {a.id for a in kb.children("UN")} >= {"UNSC", "UNGA", "UNHCR", "UNICEF", "UNAMA", "UNRWA", "UNOCT"}
    assert kb.get("EU_COMMISSION").parent == "EU"


def test_state_media_point_at_governments(kb: KnowledgeBase, ours: dict[str, list]) -> None:
    linked = {}
    for actor in ours["media"]:
        for aff in actor.affiliations:
            if aff.relation == "state_media_of":
                linked[actor.id] = aff.actor
                assert kb.get(aff.actor).type == "government", actor.id
    assert {"XINHUA", "TASS", "IRNA", "APP", "PTV"} <= set(linked)
    assert linked["APP"] == "PAK_GOV"


def test_search_finds_organisations(kb: KnowledgeBase) -> None:
    hits = kb.search("Baloch Yakjehti Comittee", limit=3)
    assert hits and hits[0][0].id == "BYC"


# ---- user overlay files ------------------------------------------------------------------------------
OVERLAY = """\
actors:
  - id: BALOCH_WOMEN_FORUM
    name: Baloch Women Forum
    type: ngo
    country: PAK
    code: PAKNGO
    exact_aliases: [BWF]
  - id: HRCP
    name: Human Rights Commission of Pakistan (user edition)
    type: ngo
    country: PAK
    code: PAKNGO
    exact_aliases: [HRCP]
"""


def test_overlay_adds_and_replaces(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(OVERLAY, encoding="utf-8")
    base = KnowledgeBase.load([path], strict=False)
    added = base.get("BALOCH_WOMEN_FORUM")
    assert added is not None and added.source_file == str(path)
    assert _top(base, "BWF") == "BALOCH_WOMEN_FORUM"
    replaced = base.get("HRCP")
    assert replaced is not None and replaced.name.endswith("(user edition)") and replaced.source_line == 8
    # the replaced actor's bundled aliases are gone with it
    assert "HRCP" not in {e.actor_id for e in base.lookup("Pakistan Human Rights Commission")}
    assert str(path) in base.files


def test_overlay_from_environment_folder_and_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "kbdir"
    folder.mkdir()
    (folder / "a.yaml").write_text(OVERLAY, encoding="utf-8")
    single = tmp_path / "b.yaml"
    single.write_text("actors:\n  - {id: TEST_OUTLET, name: Test Outlet Daily, type: media, country: PAK}\n",
                      encoding="utf-8")
    monkeypatch.setenv(KB_ENV, f"{folder}{os.pathsep}{single}")
    base = KnowledgeBase.load(strict=False)
    assert base.get("BALOCH_WOMEN_FORUM") is not None
    assert _top(base, "Test Outlet Daily") == "TEST_OUTLET"


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("actors:\n  - id: GOOD_ONE\n    name: Good One\n    type: ngo\n  - id: BAD\n    name: Bad\n    type: charity\n",
         5, "type"),
        ("actors:\n  - id: lower_case\n    name: Lower\n    type: ngo\n", 2, "must match"),
        ("actors:\n  - id: ORPHAN\n    name: Orphan\n    type: ngo\n    parent: NO_SUCH_ACTOR\n", 2, "NO_SUCH_ACTOR"),
        ("actors:\n  - id: X1\n    name: [unclosed\n", 4, "invalid YAML"),
        ("- just a list\n", 1, "actors"),
    ],
)
def test_bad_user_file_names_file_and_line(tmp_path: Path, text: str, line: int, fragment: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        KnowledgeBase.load([path])
    message = str(info.value)
    assert message.startswith(f"{path}:{line}:"), message
    assert fragment in message
    assert info.value.exit_code == 4


def test_missing_user_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="not found"):
        KnowledgeBase.load([tmp_path / "absent.yaml"])
