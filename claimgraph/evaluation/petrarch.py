"""petrarch2-validation: (source, target, CAMEO root) triples from raw text, next to PETRARCH2's predictions.

Two files: ``PETR2_GSR_validation.xml`` (real sentences, Phoenix codes) and ``PETR.UnitTest.records.xml``
(made-up actors that resolve only with the toy ``PETR.Validate.actors.txt`` dictionary, which is converted to
a knowledge-base overlay at run time). The XML is not strict (``#`` banners, comments), so records are found
with a regular expression after the comments are removed.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..models import Document, ExtractionResult, Statement
from .cameo import CameoTable, actor_matches, default_table
from .common import (PRF, DatasetResult, ErrorCase, EvaluationError, limited, no_statement_category, probe_triggers,
                     require, run_extraction, snippet)

GSR_FILE = "PETR2_GSR_validation.xml"
UNIT_FILE = "PETR.UnitTest.records.xml"
PEER_F1 = "PETRARCH2 reported P 0.754 R 0.703 F1 0.727"

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_SENTENCE = re.compile(r"<Sentence\b([^>]*?)/?>(.*?)</Sentence>", re.S)
_ATTR = re.compile(r'(\w+)\s*=\s*"([^"]*)"')
_CODING = re.compile(r"<EventCoding\b([^>]*)>")
_TEXT = re.compile(r"<Text>(.*?)</Text>", re.S)

Triple = tuple[str, str, str]


@dataclass
class Record:
    id: str
    category: str
    date: dt.date | None
    text: str
    gold: list[Triple] = field(default_factory=list)
    error: str | None = None  # PETRARCH error records (discards...): the gold is "no event"


def _date(value: str | None) -> dt.date | None:
    if value and re.fullmatch(r"\d{8}", value):
        try:
            return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
        except ValueError:
            return None
    return None


def parse_records(raw: str) -> list[Record]:
    """Records of a PETRARCH validation file (comments and ``#`` banner lines removed first)."""
    raw = _COMMENT.sub("", raw)
    raw = "\n".join(line for line in raw.splitlines() if not line.lstrip().startswith("#"))
    records = []
    for attrs, body in _SENTENCE.findall(raw):
        a = dict(_ATTR.findall(attrs))
        text_match = _TEXT.search(body)
        if not text_match or "id" not in a:
            continue
        record = Record(id=a["id"], category=a.get("category", ""), date=_date(a.get("date")),
                        text=re.sub(r"\s+", " ", text_match.group(1)).strip())
        for coding in _CODING.findall(body):
            c = dict(_ATTR.findall(coding))
            if "error" in c:
                record.error = c["error"]
            elif "eventcode" in c:
                record.gold.append((c.get("sourcecode", ""), c.get("targetcode", ""), c["eventcode"]))
        records.append(record)
    return records


def parse_predictions(path: Path) -> dict[str, tuple[str, list[Triple], list[Triple]]]:
    """id -> (result, gold triples, PETRARCH2 triples) from a ``*.predictions.tsv`` file."""

    def triples(cell: str) -> list[Triple]:
        out = []
        for item in filter(None, cell.split(";")):
            parts = item.split("|")
            if len(parts) == 3:
                out.append((parts[0], parts[1], parts[2]))
        return out

    table = {}
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        cols = line.split("\t") + ["", ""]
        table[cols[0]] = (cols[2], triples(cols[3]), triples(cols[4]))
    return table


# ---- our triples ---------------------------------------------------------------------------------------

def counted_statements(result: ExtractionResult) -> list[Statement]:
    """Statements that count as coded events: CAMEO codes reported events too, so every statement with a
    subject and an object counts, except denied or negated ones (CAMEO codes the denial, not the event)."""
    return [s for s in result.statements
            if s.subject and s.object and s.subject != s.object and s.stance != "denies" and not s.negated]


def our_triples(result: ExtractionResult) -> list[Triple]:
    codes = {a.id: (a.code or "") for a in result.actors}
    seen: list[Triple] = []
    for s in counted_statements(result):
        triple = (codes.get(s.subject or "", ""), codes.get(s.object or "", ""), s.event_type)
        if triple not in seen:
            seen.append(triple)
    return seen


def match_triples(gold: list[Triple], pred: list[Triple], event_match, level: str) -> tuple[PRF, list[bool], list[bool]]:
    """Greedy one-to-one matching; ``event_match(gold_code, predicted_event)``."""
    used = [False] * len(pred)
    gold_hit = [False] * len(gold)
    for gi, (gs, gt, gc) in enumerate(gold):
        for pi, (ps, pt, pe) in enumerate(pred):
            if not used[pi] and event_match(gc, pe) and actor_matches(ps, gs, level) and actor_matches(pt, gt, level):
                used[pi] = gold_hit[gi] = True
                break
    counts = PRF(sum(used), len(pred), sum(gold_hit), len(gold))
    return counts, gold_hit, used


def _same_root(gold_code: str, pred_code: str) -> bool:
    return gold_code[:2] == pred_code[:2]


def _miss_category(triple: Triple, result: ExtractionResult, table: CameoTable, hits=()) -> str:
    gs, gt, gc = triple
    if not table.plover_for(gc):
        return f"gold CAMEO root {gc[:2]} has no PLOVER equivalent"
    if not result.statements:
        return no_statement_category(list(hits))[0]
    codes = {a.id: (a.code or "") for a in result.actors}
    typed = [s for s in result.statements if table.matches(gc, s.event_type)]
    if not typed:
        return "trigger found but wrong PLOVER type"
    for s in typed:
        sc, oc = codes.get(s.subject or "", ""), codes.get(s.object or "", "")
        if actor_matches(sc, gt, "country") and actor_matches(oc, gs, "country"):
            return "wrong direction (source and target swapped)"
    for s in typed:
        sc, oc = codes.get(s.subject or "", ""), codes.get(s.object or "", "")
        if actor_matches(sc, gs, "country") and actor_matches(oc, gt, "country"):
            return "actor linked but code mismatch (sector)"
    if any((s.subject and not codes.get(s.subject)) or (s.object and not codes.get(s.object)) for s in typed):
        return "actor resolved but has no CAMEO code (person or provisional actor)"
    if any(s.stance == "denies" or s.negated for s in typed):
        return "event found but denied/negated"
    if any(not s.subject for s in typed):
        return "subject unresolved"
    if any(not s.object for s in typed):
        return "object unresolved"
    return "actor linked but code mismatch (wrong actor)"


def _false_category(triple: Triple, gold: list[Triple], table: CameoTable) -> str:
    if not gold:
        return f"false {triple[2]} event (gold: no event)"
    if any(table.matches(gc, triple[2]) for _, _, gc in gold):
        return "false triple: right event type, wrong actors"
    return f"false {triple[2]} event (gold codes another event)"


# ---- GSR -----------------------------------------------------------------------------------------------

def evaluate_gsr(extractor, folder: Path, limit: int | None, result: DatasetResult, n_process: int = 2) -> None:
    table = default_table()
    records = limited(parse_records(require(folder / GSR_FILE, "GSR file").read_text(encoding="utf-8")), limit)
    peer = parse_predictions(require(folder / f"{GSR_FILE}.phoenix.predictions.tsv", "PETRARCH2 predictions"))
    docs = [Document(id=r.id, text=r.text, date=r.date) for r in records]
    outputs = run_extraction(extractor, docs, "petrarch2 GSR", n_process)
    ours = {"exact": PRF(), "country": PRF()}
    ours_on_peer = PRF()
    theirs = {"exact": PRF(), "country": PRF()}
    passed = 0
    hits = probe_triggers(extractor, [d for d, o, r in zip(docs, outputs, records) if r.gold and not o.statements])
    for record, output in zip(records, outputs):
        pred = our_triples(output)
        for level in ours:
            counts, gold_hit, used = match_triples(record.gold, pred, table.matches, level)
            ours[level].add(counts)
            if level == "exact":
                passed += int(all(gold_hit) and all(used))
                for triple, hit in zip(record.gold, gold_hit):
                    if not hit:
                        result.errors.append(ErrorCase("petrarch2-GSR", "miss",
                                                       _miss_category(triple, output, table, hits.get(record.id, [])),
                                                       record.id, snippet(record.text, 0, 0), "|".join(triple)))
                for triple, hit in zip(pred, used):
                    if not hit:
                        result.errors.append(ErrorCase("petrarch2-GSR", "false",
                                                       _false_category(triple, record.gold, table), record.id,
                                                       snippet(record.text, 0, 0), "|".join(triple)))
        if record.id in peer:
            ours_on_peer.add(match_triples(record.gold, pred, table.matches, "exact")[0])
            _, _, peer_pred = peer[record.id]
            for level in theirs:
                theirs[level].add(match_triples(record.gold, peer_pred, _same_root, level)[0])
    n_peer = sum(1 for r in records if r.id in peer)
    result.prf("GSR triples, exact actor codes", ours["exact"], theirs["exact"], "PETRARCH2",
               goal="> 0.727", unit=f"triples, {len(records)} sentences")
    result.prf("GSR triples, country-level actors", ours["country"], theirs["country"], "PETRARCH2",
               unit=f"triples, {len(records)} sentences")
    result.prf("GSR triples on the sentences PETRARCH2 scored, exact", ours_on_peer, theirs["exact"], "PETRARCH2",
               unit=f"triples, {n_peer} sentences")
    result.metrics.append(_pass_metric("GSR sentences passing (all triples right, none extra)", passed,
                                       len(records), "PETRARCH2 71.2% (52/73)"))
    result.notes.append(f"GSR: {PEER_F1} (SOURCE.md; parse trees supplied, labels derived from its output).")


def _pass_metric(name: str, passed: int, total: int, peer: str | None):
    from .common import Metric

    return Metric(name, passed / total if total else 0.0, f"{passed}/{total} sentences", peer=peer)


# ---- unit tests with the toy dictionaries --------------------------------------------------------------

_CODE = re.compile(r"\[([^\]]*)\]")
_SECTOR_TYPES = (("GOV", "government"), ("MIL", "military"), ("REB", "armed_group"), ("SPY", "intelligence"),
                 ("MED", "media"), ("TV", "media"), ("RAD", "media"), ("COP", "security_forces"), ("OPP", "political_org"))


def _dict_date(text: str) -> dt.date | None:
    text = text.strip()
    try:
        if len(text) == 8:
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        if len(text) == 6:
            year = int(text[:2])
            return dt.date(1900 + year if year > 30 else 2000 + year, int(text[2:4]), int(text[4:]))
    except ValueError:
        return None
    return None


def _parse_code_block(block: str) -> tuple[str, dt.date | None, dt.date | None] | None:
    """``HOB``, ``HOB < 950601``, ``HOBGOV 19950601 - 19990815``, ``HOBREB > 990816`` -> (code, from, to)."""
    block = block.strip()
    match = re.match(r"^([A-Za-z]{3,}[A-Za-z]*)(?:/\S+)?\s*(.*)$", block)
    if not match:
        return None  # "---", "+++": discard codes
    code, rest = match.group(1).upper(), match.group(2).strip()
    if not rest:
        return code, None, None
    if rest.startswith("<"):
        return code, None, _dict_date(rest[1:])
    if rest.startswith(">"):
        return code, _dict_date(rest[1:]), None
    if "-" in rest:
        lo, hi = rest.split("-", 1)
        return code, _dict_date(lo), _dict_date(hi)
    return code, None, None


def _actor_type(code: str) -> str:
    if code.startswith("IGO"):
        return "igo"
    if code.startswith("NGO") or code == "NGO":
        return "ngo"
    if len(code) == 3:
        return "country"
    for suffix, kind in _SECTOR_TYPES:
        if code[3:].startswith(suffix):
            return kind
    return "other"


def petrarch_actors_to_kb(raw: str) -> list[dict]:
    """Convert a PETRARCH/TABARI actor dictionary to knowledge-base actor records.

    Format: ``NAME [CODE]`` (underscores join words; a trailing underscore only marks a word boundary),
    ``+SYNONYM`` lines, and indented ``[CODE date-restriction]`` lines that become the actor's periods.
    """
    raw = _COMMENT.sub("", raw)
    entries: list[dict] = []
    current: dict | None = None
    for line in raw.splitlines():
        line = line.split("#", 1)[0].rstrip()
        if not line.strip() or line.lstrip().startswith("<"):
            continue
        stripped = line.strip()
        if stripped.startswith("+") and current is not None:
            current["synonyms"].append(stripped[1:].strip())
            continue
        codes = _CODE.findall(stripped)
        if line[0].isspace() and current is not None and stripped.startswith("["):
            current["codes"].extend(codes)
            continue
        name = _CODE.sub("", stripped).strip()
        current = {"name": name, "synonyms": [], "codes": list(codes)}
        entries.append(current)
    records, used_ids = [], set()
    for entry in entries:
        parsed = [p for p in (_parse_code_block(c) for c in entry["codes"]) if p]
        if not parsed or not entry["name"]:
            continue
        default = next((c for c, lo, hi in parsed if lo is None and hi is None), parsed[-1][0])
        periods = [{"valid_from": lo, "valid_to": hi, "code": c, "type": _actor_type(c)}
                   for c, lo, hi in parsed if lo or hi]
        name = _clean_name(entry["name"])
        actor_id = "PV_" + re.sub(r"[^A-Z0-9]+", "_", name.upper()).strip("_")
        if actor_id in used_ids or actor_id == "PV_":
            continue
        used_ids.add(actor_id)
        record: dict[str, Any] = {"id": actor_id, "name": name.title(), "type": _actor_type(default), "code": default,
                  "aliases": sorted({_clean_name(s).title() for s in entry["synonyms"]} - {name.title()})}
        if len(default) >= 3 and default[:3].isalpha() and _actor_type(default) not in ("igo", "ngo", "other"):
            record["country"] = default[:3]
        if periods:
            record["periods"] = periods
        records.append(record)
    return records


def petrarch_agents(raw: str) -> dict[str, list[str]]:
    """Agent dictionary -> {code pattern ("~GOV" or "NGO~"): [phrases]} with plurals and !MACRO! expanded."""
    raw = _COMMENT.sub("", raw)
    macros: dict[str, list[str]] = {}
    agents: dict[str, list[str]] = {}
    for line in raw.splitlines():
        line = line.split("#", 1)[0].strip()
        macro = re.match(r"^(![A-Z]+!)\s*=\s*(.+)$", line)
        if macro:
            macros[macro.group(1)] = [w.strip() for w in macro.group(2).split(",") if w.strip()]
            continue
        match = re.match(r"^([^\[{]+?)\s*(?:\{([^}]*)\})?\s*\[\s*([^\]]+?)\s*\]", line)
        if not match or "~" not in match.group(3):
            continue
        name, plurals, code = match.group(1).strip(), match.group(2), match.group(3).replace(" ", "")
        # A name ending in a macro (CONGRESS!PERSON!) already lists its plurals (MAN, MEN).
        forms = [name] if name.endswith("!") else [name, _plural(name)]
        if plurals:
            forms += [p.strip() for p in plurals.split(",") if p.strip()]
        expanded: list[str] = []
        for form in forms:
            key = next((m for m in macros if m in form), None)
            expanded += [form.replace(key, sub) for sub in macros[key]] if key else [form]
        phrases = agents.setdefault(code, [])
        phrases.extend(p for p in dict.fromkeys(_clean_name(f).lower() for f in expanded) if p not in phrases)
    return agents


def _plural(name: str) -> str:
    """Regular English plural of the last word (PETRARCH forms these itself unless told otherwise)."""
    if name.endswith("S"):
        return name
    if name.endswith("Y") and name[-2:-1] not in "AEIOU":
        return name[:-1] + "IES"
    return name + "S"


def compose_agents(actors: list[dict], agents: dict[str, list[str]]) -> list[dict]:
    """Country-level actors x agents: "Arnor police" / "Arnorian police" -> ARNCOP, as PETRARCH composes them."""
    records = []
    for actor in actors:
        code = actor["code"]
        if len(code) != 3:
            continue
        names = [actor["name"], *actor["aliases"]]
        for pattern, phrases in agents.items():
            suffix = pattern.replace("~", "")
            composed = (code + suffix) if pattern.startswith("~") else (suffix + code)
            aliases = sorted({f"{n} {p}".title() for n in names for p in phrases})
            records.append({"id": f"{actor['id']}__{re.sub(r'[^A-Z0-9]', '', pattern.upper()) or 'X'}",
                            "name": aliases[0], "type": _actor_type(composed), "code": composed,
                            "aliases": aliases[1:],
                            **({"country": code} if pattern.startswith("~") else {})})
    return records


def _clean_name(name: str) -> str:
    return re.sub(r"\s+", " ", name.replace("_", " ")).strip()


def overlay_from_dictionary(actors_file: Path, directory: str, agents_file: Path | None = None) -> Path:
    records = petrarch_actors_to_kb(actors_file.read_text(encoding="utf-8", errors="replace"))
    if agents_file is not None and agents_file.exists():
        records += compose_agents(records, petrarch_agents(agents_file.read_text(encoding="utf-8", errors="replace")))
    out = Path(directory) / "petrarch-validate-actors.yaml"
    out.write_text(yaml.safe_dump({"actors": records}, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return out


def evaluate_unit(folder: Path, limit: int | None, result: DatasetResult, n_process: int = 2) -> None:
    from ..extract import Extractor

    table = default_table()
    records = limited(parse_records(require(folder / UNIT_FILE, "unit-test file").read_text(encoding="utf-8",
                                                                                             errors="replace")), limit)
    peer = parse_predictions(require(folder / f"{UNIT_FILE}.validate.predictions.tsv", "PETRARCH2 predictions"))
    with tempfile.TemporaryDirectory() as tmp:
        overlay = overlay_from_dictionary(require(folder / "PETR.Validate.actors.txt", "actor dictionary"), tmp,
                                          folder / "PETR.Validate.agents.txt")
        extractor = Extractor(kb_paths=[str(overlay)])
        docs = [Document(id=r.id, text=r.text, date=r.date) for r in records]
        outputs = run_extraction(extractor, docs, "petrarch2 unit tests", n_process)
        hits = probe_triggers(extractor, [d for d, o, r in zip(docs, outputs, records) if r.gold and not o.statements])
    ours: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    theirs: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    triples = PRF()
    for record, output in zip(records, outputs):
        counts, gold_hit, used = match_triples(record.gold, our_triples(output), table.matches, "exact")
        triples.add(counts)
        ok = all(gold_hit) and all(used)
        ours[record.category][0] += int(ok)
        ours[record.category][1] += 1
        if record.id in peer:
            theirs[record.category][0] += int(peer[record.id][0] == "PASS")
            theirs[record.category][1] += 1
        for triple, hit in zip(record.gold, gold_hit):
            if not hit:
                result.errors.append(ErrorCase("petrarch2-unit", "miss",
                                               _miss_category(triple, output, table, hits.get(record.id, [])),
                                               record.id, snippet(record.text, 0, 0), "|".join(triple)))
    total = [sum(v[0] for v in ours.values()), sum(v[1] for v in ours.values())]
    peer_total = [sum(v[0] for v in theirs.values()), sum(v[1] for v in theirs.values())]
    result.metrics.append(_pass_metric("unit tests passing, all categories", total[0], total[1],
                                       f"PETRARCH2 {_pct(peer_total)}"))
    for category in sorted(ours):
        result.metrics.append(_pass_metric(f"unit tests passing, {category}", ours[category][0], ours[category][1],
                                           f"PETRARCH2 {_pct(theirs.get(category, [0, 0]))}"))
    result.prf("unit-test triples, exact codes", triples, None, unit=f"triples, {len(records)} records")
    result.notes.append("Unit tests: PETRARCH2 row = its PASS rate from the predictions file (it raised an "
                        "exception on 36 records, which count as failures). The actors dictionary becomes "
                        "overlay actors; the agents dictionary is composed with every country-level actor into "
                        "'<actor> <agent>' actors ('Arnor police' -> ARNCOP), since the overlay format has no "
                        "composition of its own.")


def _pct(pair) -> str:
    return f"{pair[0] / pair[1]:.1%} ({pair[0]}/{pair[1]})" if pair[1] else "n/a"


def evaluate(extractor, path: Path, limit: int | None = None, n_process: int = 2, command: str = "") -> DatasetResult:
    start = time.time()
    if not path.is_dir():
        raise EvaluationError(f"petrarch2-validation folder not found: {path}")
    result = DatasetResult("petrarch2-validation", str(path), command)
    evaluate_gsr(extractor, path, limit, result, n_process)
    evaluate_unit(path, limit, result, n_process)
    result.seconds = time.time() - start
    return result


__all__ = ["evaluate", "parse_records", "parse_predictions", "petrarch_actors_to_kb", "our_triples",
           "match_triples"]
