"""The head of a report: its date and where its body starts, read from a metadata line or a wire dateline.

This is text preparation, not NLP: ``textio.prepare_document`` fills a document's date from it before any model
runs, and the pipeline's components read ``doc._.cg_body_start`` so that nothing in the dateline becomes an
actor, a place or an event time. Kept out of ``claimgraph.nlp`` so that ingestion and the store do not depend
on the NLP layer.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTH_PATTERN = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_MONTH_NUMBERS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE = (
    rf"(?:(?P<m1>{MONTH_PATTERN})\s+(?P<d1>{_DAY})(?:,?\s+(?P<y1>\d{{4}}))?"
    rf"|(?P<d2>{_DAY})\s+(?P<m2>{MONTH_PATTERN})(?:,?\s+(?P<y2>\d{{4}}))?"
    r"|(?P<iso>\d{4}-\d{2}-\d{2}))"
)
_PLACE_CAPS = r"[A-Z][A-Z.'\-]+(?:\s+[A-Z][A-Z.'\-]+){0,3}"
_PLACE_TITLE = r"[A-Z][a-z.'\-]+(?:\s+(?:[A-Z][a-z.'\-]+|al|el|de)){0,3}"
_REGION = r"(?:,\s*[A-Z][A-Za-z.'\-]+(?:\s+[A-Z][A-Za-z.'\-]+){0,2})"
_AGENCY = r"\([A-Z][A-Za-z&.\- ]{0,24}\)"

_META_LINE = re.compile(
    r"\A\s*(?:date|dated|published|pubdate)\s*[:=]?\s*(?P<iso>\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2})?\S*)?"
    r"(?=\s|\Z)\s*",
    re.IGNORECASE,
)
_DATELINE = re.compile(
    rf"\s*(?P<place>{_PLACE_CAPS}|{_PLACE_TITLE})(?P<region>{_REGION})??"
    rf"(?:\s*,\s*(?P<date>{_DATE}))?\s*(?P<agency>{_AGENCY})?\s*(?P<sep>[-\u2013\u2014:]+)?(?=\s)\s*"
)
_ISO_ANYWHERE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_iso_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


@dataclass(frozen=True)
class Dateline:
    """What the head of a report says: its date, where the body starts, where the date came from
    ("metadata" for a ``date YYYY-MM-DD`` line, "dateline" for a wire dateline) and the dateline's place."""

    date: dt.date | None
    body_start: int
    origin: str | None = None
    place: str | None = None
    place_start: int | None = None
    place_end: int | None = None


def parse_dateline(text: str) -> Dateline:
    """The head of a report: a leading ``date YYYY-MM-DD`` metadata line and/or a wire dateline ("NEW DELHI,
    Sep 19 (Reuters) -", "KABUL, Afghanistan (AP) —", "Islamabad, September 19, 2025:", "ISLAMABAD: ...").
    A day without a year takes its year from an ISO date in the metadata line or the first lines, else the date
    is None. No date is ever taken from body text."""
    pos = 0
    meta_date: dt.date | None = None
    meta = _META_LINE.match(text)
    if meta:
        meta_date = parse_iso_date(meta.group("iso"))
        pos = meta.end()
    line = _DATELINE.match(text, pos)
    if line and _accept_dateline(line):
        line_date = _dateline_date(line, meta_date, text) if line.group("date") else None
        date = meta_date or line_date
        origin = "metadata" if meta_date else ("dateline" if line_date else None)
        return Dateline(date, line.end(), origin, line.group("place"), line.start("place"), line.end("place"))
    if meta is None:
        return Dateline(None, 0)
    return Dateline(meta_date, pos, "metadata" if meta_date else None)


def split_dateline(text: str) -> tuple[dt.date | None, int]:
    """The report's date and the char offset where its body starts (see ``parse_dateline``)."""
    head = parse_dateline(text)
    return head.date, head.body_start


def _accept_dateline(match: re.Match) -> bool:
    """A dateline needs a date, or a capitalised place with an agency or a separator: a sentence's first words
    ("The recent strikes") must not be taken for one."""
    if match.group("date"):
        return True
    place = match.group("place")
    caps = place.upper() == place and len(place) > 2
    if match.group("agency") and (caps or match.group("sep")):
        return True
    return caps and bool(match.group("sep"))


def _dateline_date(match: re.Match, meta_date: dt.date | None, text: str) -> dt.date | None:
    if match.group("iso"):
        return parse_iso_date(match.group("iso"))
    month_name = (match.group("m1") or match.group("m2"))[:3].lower()
    month = _MONTH_NUMBERS[month_name]
    day = int(re.match(r"\d+", match.group("d1") or match.group("d2")).group())  # type: ignore[union-attr]
    year_text = match.group("y1") or match.group("y2")
    if year_text:
        return _safe_date(int(year_text), month, day)
    nearby = meta_date
    if nearby is None:
        iso = _ISO_ANYWHERE.search(text, 0, 400)
        nearby = parse_iso_date(iso.group()) if iso else None
    if nearby is None:
        return None
    year = nearby.year
    # A December dateline in a report stamped in January belongs to the year before (and the reverse).
    if month - nearby.month > 6:
        year -= 1
    elif nearby.month - month > 6:
        year += 1
    return _safe_date(year, month, day)


__all__ = ["Dateline", "MONTH_PATTERN", "parse_dateline", "parse_iso_date", "split_dateline"]
