"""muc4 (dev): perpetrator organisations.

Our perpetrators are the subjects of ASSAULT and COERCE statements that resolve to a named organisation (any actor
type except person, population and country; not the unnamed "U-" actors such as "gunmen"). One counts as correct
when its text, or a name of the actor it resolved to, matches a mention of a gold ``perp_organization_id``
entity: case-insensitively, with leading articles dropped, either way contained as whole words (so "MEMBERS OF
THE FMLN" matches "FMLN"). Each gold entity is found at most once per document; our perpetrators are counted
once per distinct actor.

The text is ALL CAPS, which hides names from a cased parser; it goes in as it is, and the pipeline's text
preparation truecases it (claimgraph/truecase.py), as it does for any ALL-CAPS report.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from ..identity import is_unnamed_agent
from ..kb import KnowledgeBase, normalize_name
from ..models import Document, ExtractionResult
from .common import PRF, DatasetResult, ErrorCase, EvaluationError, limited, run_extraction, snippet

NOT_ORGANISATIONS = {"person", "population", "country"}


def _norm(text: str) -> str:
    return f" {normalize_name(text)} "


def _matches(candidates: list[str], mentions: list[str]) -> bool:
    for c in candidates:
        nc = _norm(c)
        for m in mentions:
            nm = _norm(m)
            if nm.strip() and nc.strip() and (nm in nc or nc in nm):
                return True
    return False


def perpetrators(output: ExtractionResult, kb: KnowledgeBase) -> dict[str, list[str]]:
    """actor id -> texts and names our perpetrator is known by."""
    actors = {a.id: a for a in output.actors}
    found: dict[str, list[str]] = {}
    for s in output.statements:
        if s.event_type not in ("ASSAULT", "COERCE") or not s.subject or s.stance == "denies":
            continue
        actor = actors.get(s.subject) or kb.get(s.subject)
        if actor is None or actor.type in NOT_ORGANISATIONS or is_unnamed_agent(actor.id):  # "gunmen"
            continue
        names = found.setdefault(actor.id, [])
        if s.subject_text:
            names.append(s.subject_text)
        names.extend(actor.all_names())
    return found


def evaluate(extractor, path: Path, limit: int | None = None, n_process: int = 2, command: str = "") -> DatasetResult:
    start = time.time()
    source = path / "dev.json" if path.is_dir() else path
    if not source.exists():
        raise EvaluationError(f"muc4 dev.json not found: {source}")
    data = json.loads(source.read_text(encoding="utf-8"))
    items = limited(sorted(data.items()), limit)
    result = DatasetResult("muc4", str(path), command, documents=len(items))
    docs = [Document(id=doc_id, text=d["doc"]) for doc_id, d in items]
    outputs = run_extraction(extractor, docs, "muc4", n_process)
    counts = PRF()
    for (_, d), doc, output in zip(items, docs, outputs):
        gold = d["roles"].get("perp_organization_id", [])
        pred = perpetrators(output, extractor.kb)
        counts.gold += len(gold)
        counts.pred += len(pred)
        counts.gold_matched += sum(any(_matches(names, entity) for names in pred.values()) for entity in gold)
        counts.pred_matched += sum(any(_matches(names, entity) for entity in gold) for names in pred.values())
        _errors(result, doc, output, gold, pred)
    result.prf("perpetrator organisation (truecased)", counts, unit="organisations")
    result.notes.append("The ALL-CAPS texts are truecased by the pipeline's own text preparation "
                        "(claimgraph/truecase.py); before it, raw caps scored F1 0.102 and the evaluation's own "
                        "truecasing 0.178 (docs/accuracy-progress.md).")
    result.notes.append("Published MUC-4 role-filling figures (GRIT, ConfliBERT) are for trained models scored "
                        "with head-noun matching on the test split; not comparable.")
    result.seconds = time.time() - start
    return result


def _errors(result: DatasetResult, doc: Document, output: ExtractionResult, gold: list[list[str]],
            pred: dict[str, list[str]]) -> None:
    lowered = doc.text.lower()
    for entity in gold:
        if any(_matches(names, entity) for names in pred.values()):
            continue
        at = lowered.find(entity[0].lower())
        mentioned = [m for m in output.mentions if at >= 0 and m.start <= at < m.end]
        if at >= 0 and not mentioned:
            category = "muc4 perpetrator: organisation not recognised as an actor mention"
        elif not any(s.event_type in ("ASSAULT", "COERCE") for s in output.statements):
            category = "muc4 perpetrator: no ASSAULT/COERCE statement in the document"
        else:
            category = "muc4 perpetrator: organisation not the subject of an attack statement"
        result.errors.append(ErrorCase("muc4", "miss", category, doc.id,
                                       snippet(doc.text, max(at, 0), max(at, 0) + len(entity[0])), entity[0]))
    for actor_id, names in pred.items():
        if not any(_matches(names, entity) for entity in gold):
            result.errors.append(ErrorCase("muc4", "false", "muc4 perpetrator: attacker organisation not in gold",
                                           doc.id, names[0][:80], actor_id))
