"""Review judgements as STIX 2.1 opinions: the reviewer (an individual identity) agrees or disagrees with the
machine's claim object (the opinion or note ``stix.py`` wrote for the statement), with the correction and note in
the explanation. MISP and OpenCTI show them as analyst opinions beside the machine's.

Only judgements whose statement is in the bundle are written (the statement they apply to now, after any
re-extraction); the others would point at nothing.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

import stix2.v21 as stix

from ..models import AUTHOR
from ..store.models import Judgement

VERDICT_OPINIONS = {"confirm": "strongly-agree", "reject": "strongly-disagree", "correct": "disagree"}
ANONYMOUS = "anonymous reviewer"


StixId = Callable[..., str]  # stix.stix_id, passed in (stix.py imports this module)


def claim_ref(stix_id: StixId, doc_id: str, statement_id: str, original: dict[str, Any]) -> str:
    """The id ``stix.py`` gives the statement's claim object (an opinion with a pair of actors, else a note)."""
    pair = original.get("subject") and original.get("object") and AUTHOR not in (original["subject"],
                                                                                  original["object"])
    return stix_id("opinion" if pair else "note", doc_id, statement_id)


def _explanation(j: Judgement) -> str:
    o = j.original
    what = (f"{o.get('asserter_name')} {o.get('stance')}: {o.get('subject_name') or '(someone)'} "
            f"{'did not ' if o.get('negated') else ''}{o.get('event_type')} {o.get('object_name') or ''}").strip()
    text = {"confirm": "Confirmed", "reject": "Rejected", "correct": "Corrected"}[j.verdict] + f" on review: {what}."
    if j.correction:
        text += " Should be: " + ", ".join(f"{k}={v}" for k, v in j.correction.items()) + "."
    if j.note:
        text += f" Note: {j.note}"
    return text


def write_reviews(emit: Any, written: set[str], judgements: Iterable[Judgement], stix_id: StixId) -> int:
    """Emit (through the STIX writer's ``emit``) an opinion per judgement whose claim object is in ``written``;
    returns how many."""
    count = 0
    for j in judgements:
        if j.current_statement_id is None:
            continue
        target = claim_ref(stix_id, j.doc_id, j.current_statement_id, j.original)
        if target not in written:
            continue
        name = j.reviewer or ANONYMOUS
        reviewer = emit(stix.Identity(id=stix_id("identity", "reviewer", name), name=name, identity_class="individual",
                                      created=j.created_at, modified=j.created_at,
                                      description="A claimgraph reviewer."))
        emit(stix.Opinion(id=stix_id("opinion", "judgement", j.id, j.doc_id, j.statement_id, j.created_at.isoformat()),
                          created=j.created_at, modified=j.created_at, created_by_ref=reviewer, authors=[name],
                          opinion=VERDICT_OPINIONS[j.verdict], object_refs=[target], explanation=_explanation(j),
                          lang="en"))
        count += 1
    return count
