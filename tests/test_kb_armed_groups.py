"""The bundled knowledge-base files of non-state armed groups (claimgraph/data/kb/armed_groups_*.yaml)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from claimgraph.datafiles import package_data_path
from claimgraph.kb import KnowledgeBase
from claimgraph.models import Actor

FILE_PREFIX = "armed_groups_"

# Ids other code refers to by name; they must exist with these types.
SPECIAL_IDS = {
    "ISIS": "armed_group", "ISKP": "armed_group", "ISWAP": "armed_group", "IS_SAHEL": "armed_group",
    "IS_SOMALIA": "armed_group", "AQ": "armed_group", "AQAP": "armed_group", "AQIM": "armed_group",
    "AQIS": "armed_group", "TTP": "armed_group", "BLA": "armed_group", "JEM": "armed_group", "LET": "armed_group",
    "HM": "armed_group", "TRF": "armed_group", "HAQQANI": "armed_group", "TALIBAN": "armed_group",
}

# Designating authorities this data may cite; all are written by the country and IGO files.
AUTHORITIES = {"USA", "GBR", "IND", "PAK", "CAN", "AUS", "EU", "UN"}


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load(use_env=False)


@pytest.fixture(scope="module")
def mine(kb: KnowledgeBase) -> list[Actor]:
    return [a for a in kb.actors.values() if Path(a.source_file or "").name.startswith(FILE_PREFIX)]


def _first(kb: KnowledgeBase, name: str) -> str | None:
    found = kb.lookup(name)
    return found[0].actor_id if found else None


def test_files_exist_and_are_split_by_region():
    files = sorted(p.name for p in package_data_path("kb").glob(f"{FILE_PREFIX}*.yaml"))
    assert {"armed_groups_south_asia.yaml", "armed_groups_middle_east.yaml", "armed_groups_africa.yaml"} <= set(files)


def test_at_least_170_armed_groups(mine):
    assert sum(a.type == "armed_group" for a in mine) >= 170


def test_special_ids_exist_with_types(kb):
    for actor_id, actor_type in SPECIAL_IDS.items():
        actor = kb.get(actor_id)
        assert actor is not None, actor_id
        assert actor.type == actor_type, actor_id
        assert Path(actor.source_file or "").name.startswith(FILE_PREFIX), actor_id


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ISKP", "ISKP"),
        ("ISIS-K", "ISKP"),
        ("Islamic State Khorasan Province", "ISKP"),
        ("Jaish-e-Mohammad", "JEM"),
        ("Jaish-e-Muhammad", "JEM"),
        ("Jaish e Mohammed", "JEM"),
        ("JeM", "JEM"),
        ("Lashkar-e-Toiba", "LET"),
        ("Lashkar-e-Tayyiba", "LET"),
        ("Tehrik-i-Taliban Pakistan", "TTP"),
        ("Tehreek-e-Taliban Pakistan", "TTP"),
        ("Pakistani Taliban", "TTP"),
        ("Afghan Taliban", "TALIBAN"),
        ("Taliban", "TALIBAN"),
        ("Islamic Emirate of Afghanistan", "TALIBAN"),
        ("Hizbul Mujahideen", "HM"),
        ("Hizb-ul-Mujahideen", "HM"),
        ("The Resistance Front", "TRF"),
        ("Haqqani Network", "HAQQANI"),
        ("Balochistan Liberation Army", "BLA"),
        ("Baloch Liberation Army", "BLA"),
        ("Majeed Brigade", "MAJEED_BRIGADE"),
        ("Daesh", "ISIS"),
        ("IS", "ISIS"),
        ("al-Qaida", "AQ"),
        ("Al Qaeda", "AQ"),
        ("Hizballah", "HEZBOLLAH"),
        ("al-Shabab", "SHABAAB"),
        ("Houthis", "HOUTHIS"),
        ("Boko Haram", "BOKO_HARAM"),
        ("Rapid Support Forces", "RSF"),
        ("RSF", "RSF"),
        ("Wagner Group", "WAGNER"),
    ],
)
def test_lookup(kb, name, expected):
    assert _first(kb, name) == expected


def test_al_azaim_is_iskp_media(kb):
    actor = kb.get(_first(kb, "Al-Azaim") or "")
    assert actor is not None and actor.type == "media"
    assert any(a.actor == "ISKP" and a.relation == "media_outlet_of" for a in actor.affiliations)
    assert _first(kb, "Al-Azaim Media") == actor.id


def test_media_outlets_point_at_groups(kb, mine):
    media = [a for a in mine if a.type == "media"]
    assert len(media) >= 8
    for actor in media:
        targets = [a.actor for a in actor.affiliations if a.relation == "media_outlet_of"]
        assert targets, actor.id
        assert all(kb.get(t) is not None and kb.get(t).type == "armed_group" for t in targets), actor.id


def test_taliban_became_the_government(kb):
    taliban = kb.get("TALIBAN")
    assert taliban.as_of(dt.date(2025, 1, 1)).type == "government"
    assert taliban.as_of(dt.date(2025, 1, 1)).code == "AFGGOV"
    assert taliban.as_of(dt.date(2019, 1, 1)).type == "armed_group"
    assert taliban.as_of(dt.date(2019, 1, 1)).code == "AFGREB"


def test_rsf_was_a_state_force_before_the_war(kb):
    rsf = kb.get("RSF")
    assert rsf.as_of(dt.date(2020, 1, 1)).type == "security_forces"
    assert rsf.as_of(dt.date(2024, 1, 1)).type == "armed_group"


def test_iskp_is_a_province_of_isis(kb):
    iskp = kb.get("ISKP")
    assert iskp.parent == "ISIS"
    assert any(a.actor == "ISIS" and a.relation == "province_of" for a in iskp.affiliations)


def test_short_names_are_case_sensitive(kb):
    # "IS" and other acronyms must not match ordinary lower-case words.
    assert not any(e.actor_id == "ISIS" for e in kb.lookup("is"))
    assert "IS" in kb.get("ISIS").exact_aliases


def test_acronyms_are_exact_aliases(mine):
    for actor in mine:
        for alias in [actor.name, *actor.aliases]:
            assert any(ch.islower() for ch in alias), f"{actor.id}: {alias!r} should be an exact alias"


def test_taliban_is_only_weak_on_ttp(kb):
    assert "Taliban" in kb.get("TTP").weak_aliases
    assert "Taliban" not in kb.get("TTP").aliases


def test_misnamed_bla_is_not_given_to_bna(kb):
    assert all(e.actor_id != "BNA" for e in kb.lookup("Balochistan Nationalist Army"))


def test_designations_cite_known_authorities(kb, mine):
    for actor in mine:
        for designation in actor.designations:
            assert designation.by in AUTHORITIES, (actor.id, designation.by)
            assert kb.get(designation.by) is not None, (actor.id, designation.by)
            if designation.date is not None:
                assert dt.date(1990, 1, 1) <= designation.date <= dt.date.today(), actor.id


def test_bla_us_designations(kb):
    listed = {(d.by, d.list): d.date for d in kb.get("BLA").designations}
    assert listed[("USA", "FTO")] == dt.date(2025, 8, 11)
    assert ("USA", "SDGT") in listed


def test_ids_codes_and_periods_are_well_formed(mine):
    for actor in mine:
        assert re.fullmatch(r"[A-Z0-9][A-Z0-9_.-]*", actor.id)
        if actor.type == "armed_group":
            assert actor.code and re.fullmatch(r"[A-Z]{3}(REB|UAF)", actor.code), actor.id
        if actor.valid_from and actor.valid_to:
            assert actor.valid_from < actor.valid_to, actor.id
        for period in actor.periods:
            if period.valid_from and period.valid_to:
                assert period.valid_from < period.valid_to, actor.id


def test_references_stay_resolvable(kb, mine):
    for actor in mine:
        refs = [actor.parent] if actor.parent else []
        refs += [a.actor for a in actor.affiliations]
        for ref in refs:
            assert kb.get(ref) is not None, (actor.id, ref)


def test_no_validation_problems_in_armed_group_files(mine):
    ids = {a.id for a in mine}
    base = KnowledgeBase.load(use_env=False, strict=False)
    ours = []
    for problem in base.validate():
        named = set(re.findall(r"[A-Z0-9][A-Z0-9_.-]*", problem.message))
        if Path(problem.path).name.startswith(FILE_PREFIX) or named & ids:
            ours.append(str(problem))
    assert ours == []
