"""Actor ids and store keys: one home (claimgraph.identity) for every rule that mints or keys an id."""

from __future__ import annotations

from claimgraph.identity import (actor_key, anonymous_id, derived_id, is_unnamed_agent, map_key, name_slug,
                                 proposition_key, provisional_id, speaker_id, unnamed_id)
from claimgraph.models import Actor


def test_minted_ids_by_kind():
    assert provisional_id("Baloch Front") == "X-BALOCH-FRONT"
    assert unnamed_id("armed gunmen") == "U-ARMED-GUNMEN"
    assert anonymous_id("security officials") == "ANON-SECURITY-OFFICIALS"
    assert derived_id("IND", "SPY") == "IND_SPY"
    assert speaker_id("spokesman of the ministry") == "X-SPOKESMAN-OF-THE-MINISTRY"


def test_names_are_normalized_but_speaker_phrases_are_not():
    # The two slug rules differ on purpose: stored ids must not change.
    assert name_slug("Jaish-e-Mohammed's") == name_slug("jaish e mohammed") == "JAISH-E-MOHAMMED"
    assert provisional_id("Café spokesman") == "X-CAFE-SPOKESMAN"
    assert speaker_id("Café spokesman") == "X-CAF-SPOKESMAN"
    assert len(speaker_id("word " * 40)) == len("X-") + 60


def test_store_keys():
    kb = Actor(id="PAK", name="Pakistan", type="country")
    provisional = Actor(id="X-BALOCH-FRONT", name="Baloch Front", type="armed_group", provisional=True)
    gunmen = Actor(id="U-GUNMEN", name="gunmen", type="armed_group", provisional=True)
    assert actor_key(kb, "d1") == "PAK"
    assert actor_key(provisional, "d1") == actor_key(provisional, "d2") == "prov:baloch front"
    assert actor_key(gunmen, "d1") != actor_key(gunmen, "d2")
    assert is_unnamed_agent("U-GUNMEN") and not is_unnamed_agent("ANON-OFFICIALS")
    assert map_key("author", {}) == "author" and map_key("X-A", {"X-A": "prov:a"}) == "prov:a"
    assert proposition_key("PAK", "ASSAULT", None, True) == "PAK|ASSAULT||1"
