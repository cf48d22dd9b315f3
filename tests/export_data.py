"""Hand-built extraction results shared by the export tests: fictional actors, three documents, six statements."""

from __future__ import annotations

import datetime as dt
import io

from claimgraph.export import write_export
from claimgraph.kb import KnowledgeBase
from claimgraph.models import (
    Actor, Designation, Document, ExtractionResult, Mention, Place, Quantity, Statement, TimeExpression,
)

ACTORS = {
    "XVD": Actor(id="XVD", name="Republic of Veldoria", type="country", country="XVD", code="XVD",
                 metonyms=["Castrel"]),
    "XMV": Actor(id="XMV", name="Federal Republic of Marovia", type="country", country="XMV", code="XMV"),
    "XMV.MIB": Actor(id="XMV.MIB", name="Marovian Intelligence Bureau", type="intelligence", country="XMV",
                     code="XMVSPY", aliases=["MIB"], parent="XMV"),
    "VLF": Actor(id="VLF", name="Veldorian Liberation Front", type="armed_group", country="XVD",
                 aliases=["VLF"], designations=[Designation(by="XVD", list="terrorist list")]),
    "USA": Actor(id="USA", name="United States", type="country", country="USA", code="USA", qid="Q30"),
}


def _statement(text: str, quote: str, sid: str, **fields) -> Statement:
    start = text.index(quote)
    trigger = fields.pop("trigger")
    t_start = text.index(trigger, start)
    defaults = dict(rule="test", confidence=0.8, mode=None)
    defaults.update(fields)
    return Statement(id=sid, quote=quote, start=start, end=start + len(quote), trigger=trigger,
                     trigger_start=t_start, trigger_end=t_start + len(trigger), **defaults)


def _mentions(text: str, names: dict[str, str]) -> list[Mention]:
    out = []
    for actor_id, name in names.items():
        at = text.index(name)
        out.append(Mention(start=at, end=at + len(name), text=name, actor=actor_id))
    return out


def make_results() -> list[ExtractionResult]:
    text1 = ("Castrel, March 3 - Veldoria accused the Marovian Intelligence Bureau of arming the VLF. "
             "Marovia denied that it supports the VLF. The VLF bombed a depot in Chicago, killing 12 people.")
    s1 = _statement(text1, "Veldoria accused the Marovian Intelligence Bureau of arming the VLF", "s1",
                    asserter="XVD", stance="asserts", subject="XVD", event_type="ACCUSE", object="XMV.MIB",
                    trigger="accused")
    s2 = _statement(text1, "the Marovian Intelligence Bureau of arming the VLF", "s2", asserter="XVD",
                    stance="asserts", subject="XMV.MIB", event_type="AID", mode="military", object="VLF",
                    trigger="arming", parent="s1")
    s3 = _statement(text1, "Marovia denied that it supports the VLF", "s3", asserter="XMV", stance="denies",
                    subject="XMV", event_type="SUPPORT", object="VLF", trigger="supports", confidence=0.9)
    s4 = _statement(text1, "The VLF bombed a depot in Chicago, killing 12 people", "s4", asserter="author",
                    stance="asserts", subject="VLF", event_type="ASSAULT", mode="bombing", object=None,
                    trigger="bombed", context=["terrorism"],
                    time=TimeExpression(text="March 3", start_date=dt.date(2026, 3, 3),
                                        end_date=dt.date(2026, 3, 3), precision="day"),
                    location=Place(name="Chicago", country="USA", admin1="Illinois", admin1_code="US-IL", feature="city",
                                   latitude=41.85, longitude=-87.65, geonameid=4887398),
                    quantities=[Quantity(kind="killed", value=12, text="killing 12 people", unit="people")])
    doc1 = Document(id="d1", text=text1, title="Veldoria accuses Marovia", date=dt.date(2026, 3, 3),
                    source="Example Wire", url="https://example.org/d1")
    r1 = ExtractionResult(
        document=doc1, actors=[ACTORS[a] for a in ("XVD", "XMV.MIB", "VLF", "XMV")],
        mentions=_mentions(text1, {"XVD": "Veldoria", "XMV.MIB": "Marovian Intelligence Bureau", "VLF": "VLF",
                                   "XMV": "Marovia"}),
        statements=[s1, s2, s3, s4])

    text2 = ("Security officials said the VLF may attack Marovian border posts. Washington will sanction "
             "the Sable Hand, a new militia.")
    provisional = Actor(id="P-SABLE-HAND", name="Sable Hand", type="armed_group", provisional=True)
    t1 = _statement(text2, "the VLF may attack Marovian border posts", "s1", asserter="author",
                    stance="speculates", subject="VLF", event_type="ASSAULT", object="XMV", trigger="attack",
                    confidence=0.55)
    t2 = _statement(text2, "Washington will sanction the Sable Hand", "s2", asserter="author", stance="predicts",
                    subject="USA", event_type="SANCTION", object="P-SABLE-HAND", trigger="sanction",
                    negated=False)
    doc2 = Document(id="d2", text=text2)  # no date, title or source
    r2 = ExtractionResult(
        document=doc2, actors=[ACTORS["VLF"], ACTORS["XMV"], ACTORS["USA"], provisional],
        mentions=_mentions(text2, {"VLF": "VLF", "XMV": "Marovian", "USA": "Washington",
                                   "P-SABLE-HAND": "Sable Hand"}),
        statements=[t1, t2])

    text3 = "Markets were calm in Castrel on Friday as the harvest festival began."
    r3 = ExtractionResult(document=Document(id="d3", text=text3, date=dt.date(2026, 3, 6), title="Quiet day"),
                          actors=[], mentions=[], statements=[])
    return [r1, r2, r3]


def make_kb() -> KnowledgeBase:
    base = KnowledgeBase()
    for actor in ACTORS.values():
        base.add(actor)
    return base


def export(fmt, results, kb, options=None) -> tuple[bytes, object]:
    out = io.BytesIO()
    summary = write_export(fmt, iter(results), out, kb, options)  # an iterator: exports must read the stream once
    return out.getvalue(), summary
