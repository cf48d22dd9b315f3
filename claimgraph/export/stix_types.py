"""Which STIX types claimgraph's actors, places, stances and propositions become, as OpenCTI and MISP read them.

The relationship types follow OpenCTI's relationship mapping (``stixCoreRelationshipsMapping`` in the
platform's ``database/stix.ts``): an import refuses a type the mapping does not list for the two entity types,
except ``related-to``, which is allowed between any two. OpenCTI reads a STIX ``threat-actor`` as a
Threat-Actor-Group and an ``identity`` by its ``identity_class`` (individual -> Individual, class -> Sector,
system -> System, anything else -> Organization). A ``location`` is typed by ``x_opencti_location_type``;
without it pycti guesses from the properties, and a province with a ``country`` becomes a Country.
"""

from __future__ import annotations

from ..models import Place

STYLES = ("standard", "related-to", "custom")

# claimgraph's own verbs (style "custom"): expressive, but custom types that OpenCTI refuses.
CUSTOM_TYPES: dict[str, str] = {
    "AGREE": "agrees-with", "CONSULT": "consults", "SUPPORT": "supports", "CONCEDE": "concedes-to",
    "COOPERATE": "cooperates-with", "AID": "aids", "RETREAT": "retreats-from", "REQUEST": "requests",
    "ACCUSE": "accuses", "REJECT": "rejects", "THREATEN": "threatens", "PROTEST": "protests-against",
    "SANCTION": "sanctions", "MOBILIZE": "mobilizes-against", "COERCE": "coerces", "ASSAULT": "attacks",
}

# Style "standard": the STIX 2.1 or OpenCTI type that says the same, for the entity pairs OpenCTI accepts it
# between. Physical violence and coercion by an armed group are what STIX calls ``targets``; armed groups
# cooperating, aiding or supporting each other is OpenCTI's ``cooperates-with``. Everything else (a state
# accusing a state, a ministry sanctioning a group) has no standard type and is ``related-to``, with the
# PLOVER event type in the description.
_TARGETS = {"ASSAULT", "COERCE"}
_COOPERATES = {"COOPERATE", "AID", "SUPPORT"}
_TARGETABLE = {"Organization", "Individual", "Sector", "System"}


def opencti_type(stix_type: str, identity_class: str | None = None) -> str:
    """The OpenCTI entity type an SDO is imported as."""
    if stix_type == "threat-actor":
        return "Threat-Actor-Group"
    if stix_type == "identity":
        return {"individual": "Individual", "class": "Sector", "system": "System"}.get(identity_class or "",
                                                                                       "Organization")
    return stix_type


def relationship_type(style: str, event_type: str, negated: bool, source: str, target: str) -> str:
    """The ``relationship_type`` for a proposition between OpenCTI entity types ``source`` and ``target``."""
    if style == "custom":
        verb = CUSTOM_TYPES[event_type]
        return f"not-{verb}" if negated else verb
    if style == "related-to" or negated:  # "did not attack" has no standard type
        return "related-to"
    if event_type in _TARGETS and source == "Threat-Actor-Group" and target in _TARGETABLE:
        return "targets"
    if event_type in _COOPERATES and source == target == "Threat-Actor-Group":
        return "cooperates-with"
    return "related-to"


# A claimant's stance as a STIX opinion on the proposition. misp-stix turns these into MISP analyst opinions
# of 100, 75, 50 (and 0 for a denial).
OPINIONS: dict[str, str] = {
    "asserts": "strongly-agree", "predicts": "agree", "speculates": "neutral", "denies": "strongly-disagree",
}

_LOCATION_TYPES = {"country": "Country", "admin1": "Administrative-Area", "city": "City", "region": "Region"}


def location_type(place: Place) -> str:
    """``x_opencti_location_type`` of a statement's place: Country, Administrative-Area, City, Region or Position."""
    return _LOCATION_TYPES.get(place.feature or "", "Position")
