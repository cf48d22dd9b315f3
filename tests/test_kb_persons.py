"""The bundled knowledge-base files of prominent people (claimgraph/data/kb/persons_*.yaml)."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from pathlib import Path

import pytest

from claimgraph.datafiles import package_data_path
from claimgraph.kb import KnowledgeBase
from claimgraph.kb.knowledge_base import normalize_name
from claimgraph.models import Actor, Document

FILE_PREFIX = "persons_"
REGIONS = ("south_asia", "middle_east", "americas", "europe", "asia", "africa", "igos_groups")
CODE_PATTERN = re.compile(r"^[A-Z]{3}[A-Z]{3}$")

# Names other code and users look up; each must lead to this person first.
KEY_LOOKUPS = {
    "Vladimir Putin": "P_VLADIMIR_PUTIN",
    "President Putin": "P_VLADIMIR_PUTIN",
    "Barack Obama": "P_BARACK_OBAMA",
    "Donald Trump": "P_DONALD_TRUMP",
    "Joe Biden": "P_JOE_BIDEN",
    "George W. Bush": "P_GEORGE_W_BUSH",
    "Xi Jinping": "P_XI_JINPING",
    "Narendra Modi": "P_NARENDRA_MODI",
    "Imran Khan": "P_IMRAN_KHAN",
    "Nawaz Sharif": "P_NAWAZ_SHARIF",
    "Shehbaz Sharif": "P_SHEHBAZ_SHARIF",
    "Shahbaz Sharif": "P_SHEHBAZ_SHARIF",
    "Raheel Sharif": "P_RAHEEL_SHARIF",
    "General Asim Munir": "P_ASIM_MUNIR",
    "Faiz Hameed": "P_FAIZ_HAMEED",
    "Bilawal Bhutto Zardari": "P_BILAWAL_BHUTTO_ZARDARI",
    "Ajit Doval": "P_AJIT_DOVAL",
    "S. Jaishankar": "P_S_JAISHANKAR",
    "Haibatullah Akhundzada": "P_HIBATULLAH_AKHUNDZADA",
    "Mullah Baradar": "P_ABDUL_GHANI_BARADAR",
    "Sirajuddin Haqqani": "P_SIRAJUDDIN_HAQQANI",
    "Zabihullah Mujahid": "P_ZABIHULLAH_MUJAHID",
    "Ali Khamenei": "P_ALI_KHAMENEI",
    "Qassem Soleimani": "P_QASEM_SOLEIMANI",
    "Benjamin Netanyahu": "P_BENJAMIN_NETANYAHU",
    "Mahmoud Abbas": "P_MAHMOUD_ABBAS",
    "Abu Mazen": "P_MAHMOUD_ABBAS",
    "Bashar al-Assad": "P_BASHAR_AL_ASSAD",
    "Recep Tayyip Erdoğan": "P_RECEP_TAYYIP_ERDOGAN",
    "Mohammed bin Salman": "P_MOHAMMED_BIN_SALMAN",
    "Volodymyr Zelenskyy": "P_VOLODYMYR_ZELENSKY",
    "Abu Mohammad al-Julani": "P_AHMED_AL_SHARAA",
    "Ahmed al-Sharaa": "P_AHMED_AL_SHARAA",
    "Osama bin Laden": "P_OSAMA_BIN_LADEN",
    "Ayman al-Zawahiri": "P_AYMAN_AL_ZAWAHIRI",
    "Abu Bakr al-Baghdadi": "P_ABU_BAKR_AL_BAGHDADI",
    "Hafiz Saeed": "P_HAFIZ_SAEED",
    "Masood Azhar": "P_MASOOD_AZHAR",
    "Hassan Nasrallah": "P_HASSAN_NASRALLAH",
    "Ismail Haniyeh": "P_ISMAIL_HANIYEH",
    "Yahya Sinwar": "P_YAHYA_SINWAR",
    "Mullah Omar": "P_MULLAH_OMAR",
    "Noor Wali Mehsud": "P_NOOR_WALI_MEHSUD",
    "Bashir Zeb": "P_BASHIR_ZEB",
    "Abubakar Shekau": "P_ABUBAKAR_SHEKAU",
    "Ahmad Umar": "P_AHMAD_UMAR",
    "António Guterres": "P_ANTONIO_GUTERRES",
    "Jens Stoltenberg": "P_JENS_STOLTENBERG",
    "Ursula von der Leyen": "P_URSULA_VON_DER_LEYEN",
}

# Surnames several people in the files share: weak on every claimant, never a plain alias.
SHARED_SURNAMES = ("Sharif", "Bhutto", "Zardari", "Assad", "Kim", "Clinton", "Castro", "Barzani", "Rajapaksa",
                   "Gandhi", "Li", "Hariri")

# Names that belong to places, organisations or peoples: no person may claim them in any form.
NEVER_CLAIMED = ("Khan", "Haqqani", "Hague", "The Hague", "Bolton", "Dar", "Sadr", "Sahrawi", "Turk", "Baloch",
                 "Mehsud", "Kerry", "Austin", "May")


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load(use_env=False)


@pytest.fixture(scope="module")
def persons(kb: KnowledgeBase) -> list[Actor]:
    return [a for a in kb.actors.values() if Path(a.source_file or "").name.startswith(FILE_PREFIX)]


def test_files_exist_one_per_region():
    files = {p.name for p in package_data_path("kb").glob(f"{FILE_PREFIX}*.yaml")}
    assert {f"{FILE_PREFIX}{r}.yaml" for r in REGIONS} <= files


def test_at_least_400_persons(persons):
    assert sum(a.type == "person" for a in persons) >= 400


def test_files_hold_only_persons_with_p_ids(persons):
    for actor in persons:
        assert actor.type == "person", actor.id
        assert actor.id.startswith("P_"), actor.id


def test_every_person_has_country_code_and_existing_parent(kb, persons):
    for actor in persons:
        assert actor.country and kb.get(actor.country) is not None, actor.id
        assert actor.code and CODE_PATTERN.match(actor.code), actor.id
        assert actor.parent and kb.get(actor.parent) is not None, actor.id
        assert actor.parent != actor.id
        for affiliation in actor.affiliations:
            assert kb.get(affiliation.actor) is not None, actor.id


def test_state_roles_carry_their_country_code(kb, persons):
    # A minister's code starts with the ISO3 of the state whose institution they act for.
    for actor in persons:
        parent = kb.get(actor.parent)
        if parent is not None and parent.type in ("government", "military", "intelligence") and parent.country:
            assert actor.code.startswith(parent.country), actor.id


@pytest.mark.parametrize("name,actor_id", sorted(KEY_LOOKUPS.items()))
def test_key_lookups(kb, name, actor_id):
    found = kb.lookup(name)
    assert found, name
    assert found[0].actor_id == actor_id
    assert found[0].kind != "weak"


@pytest.mark.parametrize("surname", SHARED_SURNAMES)
def test_shared_surnames_are_weak_on_all_claimants(kb, surname):
    entries = [e for e in kb.lookup(surname) if kb.actors[e.actor_id].type == "person"]
    assert len({e.actor_id for e in entries}) >= 2, surname
    assert all(e.kind == "weak" for e in entries), surname


def test_no_name_is_claimed_plainly_by_two_persons(kb, persons):
    claims: dict[str, set[str]] = defaultdict(set)
    for actor in persons:
        for name in [actor.name, *actor.aliases]:
            claims[normalize_name(name)].add(actor.id)
    shared = {key: ids for key, ids in claims.items() if len(ids) > 1}
    assert not shared


def test_plain_bare_surnames_belong_to_one_person(kb, persons):
    # A bare surname is a plain alias only when news uses it for this person alone ("Obama"): no other person in
    # the files has that family name. Shared ones are weak on every claimant (above).
    from claimgraph.nlp.actors.names import name_index

    surnames = name_index(kb).surnames
    for actor in persons:
        surname = normalize_name(re.split(r"[\s-]+", actor.name)[-1])
        for alias in actor.aliases:
            if normalize_name(alias) == surname:
                assert surnames.get(surname, (actor.id,)) == (actor.id,), (actor.id, alias)


def test_common_surnames_stay_weak(kb):
    # Names that are ordinary words or that many people share link only with corroboration.
    for name in ("Bush", "Harris", "Powell", "Hayden", "Mubarak"):
        entries = [e for e in kb.lookup(name) if kb.actors[e.actor_id].type == "person"]
        assert entries and all(e.kind == "weak" for e in entries), name


@pytest.mark.parametrize("name", NEVER_CLAIMED)
def test_place_and_organisation_names_are_not_claimed_by_persons(kb, name):
    assert not [e for e in kb.lookup(name) if kb.actors[e.actor_id].type == "person"], name


def test_periods_are_ordered(persons):
    for actor in persons:
        for period in actor.periods:
            if period.valid_from and period.valid_to:
                assert period.valid_from <= period.valid_to, actor.id
            assert period.type in (None, "person"), actor.id


def test_al_sharaa_changes_role_in_december_2024(kb):
    actor = kb.get("P_AHMED_AL_SHARAA")
    assert actor.as_of(dt.date(2020, 6, 1)).code == "SYRREB"
    assert actor.as_of(dt.date(2025, 3, 1)).code == "SYRGOV"
    assert actor.as_of(dt.date(2025, 3, 1)).type == "person"
    assert any(a.actor == "HTS" for a in actor.affiliations)


def test_armed_group_leaders_hang_under_their_groups(kb):
    expected = {"P_HAFIZ_SAEED": "LET", "P_MASOOD_AZHAR": "JEM", "P_NOOR_WALI_MEHSUD": "TTP", "P_BASHIR_ZEB": "BLA",
                "P_HASSAN_NASRALLAH": "HEZBOLLAH", "P_YAHYA_SINWAR": "HAMAS", "P_ABUBAKAR_SHEKAU": "BOKO_HARAM",
                "P_AHMAD_UMAR": "SHABAAB", "P_ABU_BAKR_AL_BAGHDADI": "ISIS", "P_OSAMA_BIN_LADEN": "AQ",
                "P_MULLAH_OMAR": "TALIBAN", "P_SIRAJUDDIN_HAQQANI": "HAQQANI"}
    for actor_id, group in expected.items():
        actor = kb.get(actor_id)
        assert actor is not None and actor.parent == group, actor_id
        assert actor.code == kb.get(group).code, actor_id


def test_no_validation_problems_in_person_files(kb):
    problems = [p for p in kb.validate() if Path(p.path).name.startswith(FILE_PREFIX)]
    assert not problems, [str(p) for p in problems]


def test_strict_load_of_each_file_alone():
    # Each file must stand on its own records (references aside): a bad record breaks every run.
    for path in sorted(package_data_path("kb").glob(f"{FILE_PREFIX}*.yaml")):
        one = KnowledgeBase()
        one.add_file(path, overlay=False, strict=True)
        assert one.actors, path.name


def test_extraction_links_full_names(extractor):
    text = ("Barack Obama met Vladimir Putin in Geneva, and Imran Khan spoke to Hafiz Saeed. "
            "Recep Tayyip Erdoğan called Kim Jong-un after Abu Mohammad al-Julani took Damascus.")
    result = extractor.extract(Document(id="persons-test", text=text))
    linked = {m.actor for m in result.mentions}
    assert {"P_BARACK_OBAMA", "P_VLADIMIR_PUTIN", "P_IMRAN_KHAN", "P_HAFIZ_SAEED", "P_RECEP_TAYYIP_ERDOGAN",
            "P_KIM_JONG_UN", "P_AHMED_AL_SHARAA"} <= linked


def test_accented_spellings_are_kept_for_the_ruler(kb):
    # The phrase matcher compares words literally, so accented spellings must be listed, not only normalized.
    assert "Recep Tayyip Erdoğan" in kb.get("P_RECEP_TAYYIP_ERDOGAN").aliases
    assert "António Guterres" in kb.get("P_ANTONIO_GUTERRES").aliases
