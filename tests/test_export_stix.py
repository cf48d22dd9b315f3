"""STIX 2.1 export checked the way the receiving tools read it: stix2 and stix2-validator, OpenCTI's
relationship mapping and location types (pycti's conventions), and misp-stix's STIX-to-MISP conversion."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest

from claimgraph.export import ExportError, ExportOptions
from claimgraph.export.stix import validate_bundle_text
from claimgraph.models import Actor, Document, ExtractionResult, Place

try:
    from tests.export_data import ACTORS, _mentions, _statement, export, make_kb, make_results
except ImportError:  # tests/ is not a package
    from export_data import ACTORS, _mentions, _statement, export, make_kb, make_results  # type: ignore[no-redef]

# The entity pairs OpenCTI's relationship mapping (stixCoreRelationshipsMapping, opencti-graphql
# src/database/stix.ts) allows each type between, for the entity types claimgraph writes. related-to is
# allowed between any two entities.
OPENCTI_ALLOWED = {
    ("Threat-Actor-Group", "Organization"): {"attributed-to", "impersonates", "targets"},
    ("Threat-Actor-Group", "Individual"): {"attributed-to", "impersonates", "targets"},
    ("Threat-Actor-Group", "Threat-Actor-Group"): {"part-of", "cooperates-with", "derived-from"},
    ("Threat-Actor-Group", "Country"): {"located-at", "targets"},
    ("Organization", "Country"): {"located-at"},
    ("Individual", "Country"): {"located-at"},
    ("Organization", "Organization"): {"derived-from"},
}
OPENCTI_LOCATION_TYPES = {"Country", "Administrative-Area", "City", "Region", "Position"}


def opencti_entity(obj: dict) -> str:
    """The OpenCTI entity type pycti imports an object as (threat-actor -> group; identity by its class)."""
    if obj["type"] == "threat-actor":
        return "Threat-Actor-Group"
    if obj["type"] == "identity":
        return {"individual": "Individual", "class": "Sector", "system": "System"}.get(obj["identity_class"],
                                                                                      "Organization")
    if obj["type"] == "location":
        return obj["x_opencti_location_type"]
    return obj["type"]


@pytest.fixture(scope="module")
def results():
    return make_results()


@pytest.fixture(scope="module")
def kb():
    return make_kb()


def objects_of(data: bytes) -> list[dict]:
    return json.loads(data)["objects"]


@pytest.mark.parametrize("style", ["standard", "related-to", "custom"])
def test_bundle_passes_stix2_and_the_validator(results, kb, style, tmp_path):
    import stix2
    from stix2validator import ValidationOptions, validate_file

    data, summary = export("stix", results, kb, ExportOptions(relationships=style))
    assert validate_bundle_text(data.decode()) == []
    path = tmp_path / "bundle.json"
    path.write_bytes(data)
    assert validate_file(str(path), ValidationOptions(version="2.1")).is_valid
    bundle = stix2.parse(data.decode(), allow_custom=True)  # the library's own parser reads every object back
    assert len(bundle.objects) == summary.objects == len(objects_of(data))
    assert summary.documents == 3 and summary.statements == 6
    assert summary.extra == {"opinion": 5, "note": 1, "relationship": 5 + 1}  # 5 propositions, USA located-at


def test_every_claim_is_an_opinion_of_its_claimant_or_a_note(results, kb):
    objects = objects_of(export("stix", results, kb)[0])
    by_id = {o["id"]: o for o in objects}
    assert len(by_id) == len(objects), "an object was written twice"
    ext = next(o["id"] for o in objects if o["type"] == "extension-definition")
    opinions = {o["extensions"][ext]["statement_id"] + "@" + o["extensions"][ext]["document_id"]: o
                for o in objects if o["type"] == "opinion"}
    denial = opinions["s3@d1"]
    assert denial["opinion"] == "strongly-disagree" and denial["confidence"] == 90
    signer = by_id[denial["created_by_ref"]]
    assert signer["type"] == "identity" and signer["name"] == "Federal Republic of Marovia"
    assert denial["authors"] == ["Federal Republic of Marovia"] and "Marovia denied" in denial["explanation"]
    relationship = by_id[denial["object_refs"][0]]
    assert relationship["type"] == "relationship" and relationship["confidence"] == 0  # nothing asserts it
    assert "Claimed, not established" in relationship["description"] and "denies 1" in relationship["description"]
    assert by_id[denial["object_refs"][1]]["type"] == "report"  # MISP keeps opinions on the event
    assert opinions["s1@d2"]["opinion"] == "neutral" and opinions["s2@d2"]["opinion"] == "agree"
    carried = opinions["s2@d1"]["extensions"][ext]
    assert carried["parent_ref"] == opinions["s1@d1"]["id"] and carried["stance"] == "asserts"
    text = results[0].document.text
    assert text[carried["span_start"]:carried["span_end"]] == carried["quote"]
    # A claim that names no pair is a note on the report written by claimgraph, saying who claims what.
    note = next(o for o in objects if o["type"] == "note")
    assert note["authors"] == ["claimgraph"] and note["abstract"].startswith("author (Example Wire) asserts:")
    assert [by_id[r]["type"] for r in note["object_refs"]] == ["report", "threat-actor", "location"]
    assert note["extensions"][ext]["quantities"][0]["value"] == 12


def test_outlets_and_asserters_are_identities_that_sign_what_they_said(results, kb):
    objects = objects_of(export("stix", results, kb)[0])
    by_id = {o["id"]: o for o in objects}
    report = next(o for o in objects if o["type"] == "report" and o["name"] == "Veldoria accuses Marovia")
    outlet = by_id[report["created_by_ref"]]
    assert outlet["name"] == "Example Wire" and outlet["sectors"] == ["communications"]
    assert report["external_references"][0] == {"source_name": "Example Wire", "external_id": "d1",
                                                "url": "https://example.org/d1"}
    vlf = next(o for o in objects if o["type"] == "threat-actor")
    assert vlf["threat_actor_types"] == ["terrorist"]
    # an armed group that speaks is signed by an identity the threat actor is attributed to
    text = "The VLF said the Marovian Intelligence Bureau armed it."
    s = _statement(text, "the Marovian Intelligence Bureau armed it", "s1", asserter="VLF", stance="asserts",
                   subject="XMV.MIB", event_type="AID", object="VLF", trigger="armed")
    own = ExtractionResult(document=Document(id="v1", text=text, date=dt.date(2026, 5, 1), source="Wire Two"),
                           actors=[ACTORS["VLF"], ACTORS["XMV.MIB"]],
                           mentions=_mentions(text, {"VLF": "VLF", "XMV.MIB": "Marovian Intelligence Bureau"}),
                           statements=[s])
    objects = objects_of(export("stix", [own], kb)[0])
    by_id = {o["id"]: o for o in objects}
    opinion = next(o for o in objects if o["type"] == "opinion")
    signer = by_id[opinion["created_by_ref"]]
    assert signer["type"] == "identity" and signer["name"] == "Veldorian Liberation Front"
    link = next(o for o in objects if o["type"] == "relationship" and o["relationship_type"] == "attributed-to")
    assert by_id[link["source_ref"]]["type"] == "threat-actor" and link["target_ref"] == signer["id"]


def test_undated_documents_are_groupings_never_published_on_the_epoch(results, kb):
    objects = objects_of(export("stix", results, kb)[0])
    grouping = next(o for o in objects if o["type"] == "grouping")
    assert grouping["name"] == "d2" and "published" not in grouping and grouping["context"] == "unspecified"
    assert all(not o.get("published", "").startswith("1970") for o in objects)
    assert by_type(objects, "report") == {"Veldoria accuses Marovia", "Quiet day"}


def by_type(objects: list[dict], kind: str) -> set[str]:
    return {o["name"] for o in objects if o["type"] == kind}


@pytest.mark.parametrize("style", ["standard", "related-to"])
def test_relationship_types_are_ones_opencti_accepts_between_those_entities(results, kb, style):
    objects = objects_of(export("stix", results, kb, ExportOptions(relationships=style))[0])
    by_id = {o["id"]: o for o in objects}
    seen = Counter()
    for rel in (o for o in objects if o["type"] == "relationship"):
        pair = (opencti_entity(by_id[rel["source_ref"]]), opencti_entity(by_id[rel["target_ref"]]))
        kind = rel["relationship_type"]
        assert kind == "related-to" or kind in OPENCTI_ALLOWED.get(pair, set()), (kind, pair)
        seen[kind] += 1
    if style == "related-to":
        assert set(seen) == {"related-to", "located-at", "attributed-to"} - ({"attributed-to"} - set(seen))
    else:
        assert seen["targets"] == 1  # the VLF (an armed group) attacking Marovia's border posts


def test_custom_style_keeps_claimgraph_verbs(results, kb):
    objects = objects_of(export("stix", results, kb, ExportOptions(relationships="custom"))[0])
    kinds = {o["relationship_type"] for o in objects if o["type"] == "relationship"}
    assert {"accuses", "aids", "supports", "attacks", "sanctions"} <= kinds


def test_unknown_relationship_style_is_an_export_error(results, kb):
    with pytest.raises(ExportError, match="relationship style"):
        export("stix", results, kb, ExportOptions(relationships="fancy"))


def test_relationships_carry_dates_confidence_and_contest(kb):
    text = "The VLF said Marovia armed it on May 2. Marovia denied arming the VLF."
    claim = _statement(text, "Marovia armed it on May 2", "s1", asserter="VLF", stance="asserts", subject="XMV",
                       event_type="AID", object="VLF", trigger="armed", confidence=0.8,
                       time={"text": "May 2", "start_date": "2026-05-02", "precision": "day"})
    denial = _statement(text, "Marovia denied arming the VLF", "s2", asserter="XMV", stance="denies",
                        subject="XMV", event_type="AID", object="VLF", trigger="arming")
    result = ExtractionResult(document=Document(id="c1", text=text, date=dt.date(2026, 5, 4)),
                              actors=[ACTORS["VLF"], ACTORS["XMV"]],
                              mentions=_mentions(text, {"VLF": "VLF", "XMV": "Marovia"}), statements=[claim, denial])
    objects = objects_of(export("stix", [result], kb)[0])
    rel = next(o for o in objects if o["type"] == "relationship" and o["relationship_type"] == "related-to")
    assert rel["start_time"].startswith("2026-05-02") and rel["stop_time"].startswith("2026-05-05")
    assert rel["labels"] == ["claim", "contested"] and rel["confidence"] == 40  # 0.8 x 1 assert / (1 + 1 deny)


def test_locations_are_typed_and_countries_named(kb):
    text = "Gunmen from the VLF attacked a post in Balochistan province of Pakistan."
    place = Place(name="Balochistan", country="PAK", admin1="Balochistan", admin1_code="PK-BA", feature="admin1",
                  latitude=28.97, longitude=66.66)
    s = _statement(text, "the VLF attacked a post in Balochistan", "s1", asserter="author", stance="asserts",
                   subject="VLF", event_type="ASSAULT", object=None, trigger="attacked", location=place)
    pak = Actor(id="PAK", name="Pakistan", type="country", country="PAK")
    result = ExtractionResult(document=Document(id="b1", text=text, date=dt.date(2026, 1, 2)),
                              actors=[ACTORS["VLF"], pak], mentions=_mentions(text, {"VLF": "VLF", "PAK": "Pakistan"}),
                              statements=[s])
    objects = objects_of(export("stix", [result], kb)[0])
    locations = {o["name"]: o for o in objects if o["type"] == "location"}
    assert set(locations) == {"Balochistan", "Pakistan"}  # never "PAK"
    assert locations["Balochistan"]["x_opencti_location_type"] == "Administrative-Area"
    assert locations["Balochistan"]["external_references"] == [{"source_name": "iso-3166-2", "external_id": "PK-BA"}]
    assert locations["Pakistan"]["x_opencti_location_type"] == "Country" and locations["Pakistan"]["country"] == "PK"
    assert {o["x_opencti_location_type"] for o in locations.values()} <= OPENCTI_LOCATION_TYPES
    # a statement placed in a country and an actor of that country share the one Country location
    country_place = Place(name="Pakistan", country="PAK", feature="country", latitude=30.0, longitude=70.0)
    s2 = _statement(text, "Gunmen from the VLF attacked a post", "s2", asserter="author", stance="asserts",
                    subject="VLF", event_type="ASSAULT", object=None, trigger="attacked", location=country_place)
    both = result.model_copy(update={"statements": [s, s2]})
    objects = objects_of(export("stix", [both], kb)[0])
    assert [o["name"] for o in objects if o["type"] == "location"].count("Pakistan") == 1


def test_a_url_that_is_not_a_uri_is_encoded_or_left_out(kb):
    docs = []
    for n, url in enumerate(["https://example.org/a b/ü", "example.org/no-scheme", "/home/me/report.html"]):
        text = f"Report {n}: the VLF attacked the Marovian border posts."
        docs.append(ExtractionResult(document=Document(id=f"u{n}", text=text, date=dt.date(2026, 1, 1), url=url),
                                     actors=[], mentions=[], statements=[]))
    data, _ = export("stix", docs, kb)
    assert validate_bundle_text(data.decode()) == []
    refs = {o["external_references"][0]["external_id"]: o["external_references"][0] for o in objects_of(data)
            if o["type"] == "report"}
    assert refs["u0"]["url"] == "https://example.org/a%20b/%C3%BC"
    assert "url" not in refs["u1"] and "example.org/no-scheme" in refs["u1"]["description"]
    assert "url" not in refs["u2"] and "description" not in refs["u2"]  # a local path never leaves the machine


def test_extension_schema_file_covers_every_property(results, kb):
    schema = json.loads((Path(__file__).resolve().parents[1] / "docs" / "stix-extension.json").read_text())
    objects = objects_of(export("stix", results, kb)[0])
    ext_id = next(o["id"] for o in objects if o["type"] == "extension-definition")
    used = set()
    for o in objects:
        used |= set(o.get("extensions", {}).get(ext_id, {}))
    assert used and used <= set(schema["properties"]), used - set(schema["properties"])
    import jsonschema

    for o in objects:
        if ext_id in o.get("extensions", {}):
            jsonschema.validate(o["extensions"][ext_id], schema)


def test_ids_and_bytes_are_stable_across_runs(results, kb):
    first, _ = export("stix", results, kb)
    assert first == export("stix", make_results(), kb)[0]
    assert json.loads(first)["id"].startswith("bundle--")


def test_misp_stix_turns_reports_into_events_that_keep_stance_and_outlet(results, kb):
    converter = pytest.importorskip("misp_stix_converter", reason="misp-stix is not installed beside our pins")
    from stix2.parsing import parse

    data, _ = export("stix", results, kb)
    parser = converter.ExternalSTIX2toMISPParser()
    parser.load_stix_bundle(parse(data.decode(), allow_custom=True))
    parser.parse_stix_bundle(single_event=False)
    events = {e.info: json.loads(e.to_json()) for e in parser.misp_events}
    assert set(events) == {"Veldoria accuses Marovia", "Quiet day", "d2"}
    main = events["Veldoria accuses Marovia"]
    assert 'misp-galaxy:producer="Example Wire"' in {t["name"] for t in main["Tag"]}
    opinions = {o["comment"].split(":")[0]: int(o["opinion"]) for o in main["Opinion"]}
    assert opinions["Federal Republic of Marovia denies"] == 0 and opinions["Republic of Veldoria asserts"] == 100
    assert [n["note"] for n in main["Note"]] == ["The VLF bombed a depot in Chicago, killing 12 people"]
