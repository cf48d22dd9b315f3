"""A fictional store for the workbench tests, built through the Store interface: a few reports about made-up
actors over four months, with accusations, denials and speech acts, and one report whose every field carries an
XSS payload (a script tag, onerror=, a javascript: link, quotes that close an attribute)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from claimgraph.models import Actor, Document, ExtractionResult, Mention, Statement, TimeExpression
from claimgraph.store import open_store
from claimgraph.store.neardup import signature

XSS_NAME = '"><svg onload=alert(5)>Sable Hand'
ACTORS = {
    "NRD": Actor(id="NRD", name="Northland", type="country", country="XNR", metonyms=["Norvik"],
                 description="A fictional coastal state."),
    "NRDARMY": Actor(id="NRDARMY", name="Northland Army", type="military", country="XNR", parent="NRD"),
    "EFR": Actor(id="EFR", name="Eastern Front", type="armed_group", aliases=["the Front"]),
    "SLD": Actor(id="SLD", name="Southland", type="country", country="XSL"),
    "HRM": Actor(id="HRM", name="Harbor Relief Mission", type="ngo"),
    "XSS": Actor(id="prov-1", name=XSS_NAME, type="armed_group", provisional=True, metonyms=["Sable Hand"]),
}
XSS_TEXT = ("<script>window.__xss = 1; alert('xss')</script> Officials said the Eastern Front attacked a depot. "
            "<img src=x onerror=\"window.__xss = 2; alert(2)\"> The Sable Hand denied that it attacked the depot. "
            "<a href=\"javascript:alert(3)\">details</a> \" onmouseover=\"alert(4)\" ' onfocus='alert(6)'")

# (doc id, date, title, source, text, [(asserter, stance, subject, event, object, trigger, parent index[, sentence index])])
REPORTS = [
    ("nr-001", "2025-01-12", "Northland accuses the Eastern Front over border raid", "Coastal Courier",
     ("Northland accused the Eastern Front of attacking a border post near Ravel on Saturday. "
     "The Eastern Front denied that it attacked the post."),
     [("author", "asserts", "NRD", "ACCUSE", "EFR", "accused", None),
      ("NRD", "asserts", "EFR", "ASSAULT", "NRD", "attacking", 0),
      ("EFR", "denies", "EFR", "ASSAULT", "NRD", "attacked", None, 1)]),
    ("nr-002", "2025-02-03", "Southland said to back the Front", "Lindgrad Ledger",
     ("Officials in Norvik said Southland supplied the Eastern Front with rifles. "
     "Southland strongly denied that it supplied the group."),
     [("NRD", "asserts", "SLD", "SUPPORT", "EFR", "supplied", None),
      ("SLD", "denies", "SLD", "SUPPORT", "EFR", "supplied", None, 1)]),
    ("nr-003", "2025-02-20", "Army shells Front positions", "Coastal Courier",
     ("The Northland Army shelled positions of the Eastern Front overnight, residents said. "
     "The Harbor Relief Mission said it would send aid to Northland."),
     [("author", "asserts", "NRDARMY", "ASSAULT", "EFR", "shelled", None),
      ("HRM", "predicts", "HRM", "AID", "NRD", "send aid", None, 1)]),
    ("nr-004", "2025-03-15", "Talks proposed", "Harbor Wire",
     ("Southland offered to host talks between Northland and the Eastern Front. "
     "Northland rejected the offer from Southland."),
     [("author", "asserts", "SLD", "CONSULT", "NRD", "offered", None),
      ("author", "asserts", "NRD", "REJECT", "SLD", "rejected", None, 1)]),
    ("nr-005", "2025-04-02", "Front says Southland arms it", "Lindgrad Ledger",
     ("A commander of the Eastern Front said Southland supplied weapons to the Front last year. "
     "Northland accused Southland of arming the Eastern Front."),
     [("EFR", "asserts", "SLD", "SUPPORT", "EFR", "supplied", None),
      ("author", "asserts", "NRD", "ACCUSE", "SLD", "accused", None, 1),
      ("NRD", "asserts", "SLD", "SUPPORT", "EFR", "arming", 1, 1)]),
]


def _result(doc_id: str, date: str, title: str, source: str, text: str, claims: list, actors: dict[str, Actor],
            url: str | None = None) -> ExtractionResult:
    used = sorted({k for c in claims for k in (c[0], c[2], c[4]) if k != "author"})
    mentions, names = [], {}
    for key in used:
        actor = actors[key]
        for name in [actor.name, *actor.aliases, *actor.metonyms]:
            at = text.find(name)
            while at >= 0:
                mentions.append(Mention(start=at, end=at + len(name), text=name, actor=actor.id,
                                        rule="provisional" if actor.provisional else "kb", confidence=0.95))
                at = text.find(name, at + len(name))
        names[key] = actor.id
    mentions.sort(key=lambda m: (m.start, -m.end))
    sentences = [s + "." for s in text.split(". ") if s]
    statements = []
    for i, (asserter, stance, subject, event, obj, trigger, parent, *where) in enumerate(claims):
        sentence = (sentences[where[0]] if where else next(s for s in sentences if trigger in s)).rstrip(".")
        start = text.find(sentence)
        t_at = text.find(trigger, start)
        statements.append(Statement(
            id=f"{doc_id}-s{i}", asserter=names.get(asserter, "author"), stance=stance, subject=names[subject],
            event_type=event, object=names[obj], quote=sentence, start=start, end=start + len(sentence),
            trigger=trigger, trigger_start=t_at, trigger_end=t_at + len(trigger), rule="verb-active:fixture",
            lexicon_entry=f"{event.lower()}.fixture", confidence=0.5 + 0.1 * (i % 4),
            parent=f"{doc_id}-s{parent}" if parent is not None else None,
            subject_text=actors[subject].name if actors[subject].name in sentence else None,
            object_text=actors[obj].name if actors[obj].name in sentence else None,
            time=TimeExpression(text="on Saturday", start_date=dt.date.fromisoformat(date), precision="day")
            if "Saturday" in sentence else None))
    document = Document(id=doc_id, text=text, title=title, date=dt.date.fromisoformat(date), source=source, url=url)
    return ExtractionResult(document=document, actors=[actors[k] for k in used], mentions=mentions,
                            statements=statements)


def results() -> list[ExtractionResult]:
    out = [_result(*report, ACTORS, url=f"https://news.example/{report[0]}") for report in REPORTS]
    xss_actors = {**ACTORS, "XSS": ACTORS["XSS"]}
    out.append(_result("xss-<b>1</b>", "2025-04-10", "<img src=x onerror=alert(1)>Depot attack", '" onmouseover="alert(7)',
                       XSS_TEXT, [("author", "asserts", "EFR", "ASSAULT", "NRD", "attacked", None),
                                  ("XSS", "denies", "XSS", "ASSAULT", "NRD", "attacked the depot", None, 1)],
                       xss_actors, url="javascript:alert(3)"))
    return out


def build_store(path: Path) -> Path:
    """Write the fixture store to ``path`` (a new SQLite file) and return it."""
    with open_store(path) as store:
        for result in results():
            store.add_result(result, signature=signature(result.document.text))
    return path
