"""Time: time expressions in the text (``cg_time``) and the one an event is attached to (``time_for_tokens``).
The report's own date comes from its dateline (``claimgraph.dateline``), before the pipeline runs.

Every time expression becomes an interval relative to the document date, with a precision and a relation
("since", "before"...). Absolute dates come from the model's DATE/TIME entities, parsed with dateparser on the
entity text only (cached); vague and relative expressions come from ``data/lexicon/time_expressions.yaml``,
because dateparser gives nothing for "in the last couple of months" or "for some years now".
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans
from spacy.vocab import Vocab

from ...dateline import MONTH_PATTERN, parse_iso_date
from ...datafiles import LINE_KEY, load_yaml, package_data_path, validate_record
from ...errors import DataFileError
from ...models import TimeExpression
from ..annotations import TimeMention
from ..component import DataComponent
from .quantities import parse_number

# ---------------------------------------------------------------------------------------------------------------
# Time expressions as data
# ---------------------------------------------------------------------------------------------------------------

Precision = Literal["day", "week", "month", "year", "years", "unknown"]
Relation = Literal["at", "before", "after", "during", "since", "unknown"]


class Offset(BaseModel):
    model_config = ConfigDict(extra="forbid")
    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0

    def apply(self, date: dt.date) -> dt.date:
        return _add_months(date, self.years * 12 + self.months) + dt.timedelta(weeks=self.weeks, days=self.days)


class TimeRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    phrases: list[str] = Field(default_factory=list)
    patterns: list[list[dict[str, Any]]] = Field(default_factory=list)
    rule: Literal["offset", "calendar", "weekday", "last_n", "n_ago", "year", "undated"]
    start: Offset | None = None
    end: Offset | None = None
    unit: Literal["week", "month", "year"] | None = None
    shift: int = 0
    clip_to_date: bool = False
    precision: Precision = "unknown"
    relation: Relation = "at"
    not_followed_by: list[str] = Field(default_factory=list)
    not_preceded_by: list[str] = Field(default_factory=list)


class TimeLexicon(BaseModel):
    model_config = ConfigDict(extra="forbid")
    prepositions: dict[str, Relation] = Field(default_factory=dict)
    expressions: list[TimeRule]


def default_lexicon_path() -> Path:
    return package_data_path("lexicon", "time_expressions.yaml")


@functools.lru_cache(maxsize=8)
def load_time_lexicon(path: str | None = None) -> TimeLexicon:
    """The time-expression lexicon, validated; errors name the file and line."""
    file = Path(path) if path else default_lexicon_path()
    data = load_yaml(file)
    if not isinstance(data, dict) or not isinstance(data.get("expressions"), list):
        raise DataFileError(file, "expected a mapping with an 'expressions' list")
    rules = [validate_record(TimeRule, r, file, "time expression") for r in data["expressions"]]
    seen: set[str] = set()
    for raw, rule in zip(data["expressions"], rules):
        if rule.id in seen:
            raise DataFileError(file, f"duplicate time expression id {rule.id!r}", raw.get(LINE_KEY))
        seen.add(rule.id)
        if not rule.phrases and not rule.patterns:
            raise DataFileError(file, f"time expression {rule.id!r} has no phrases or patterns", raw.get(LINE_KEY))
        if any(not any("LIKE_NUM" in tok or "REGEX" in str(tok) for tok in pattern) for pattern in rule.patterns):
            raise DataFileError(file, f"time expression {rule.id!r}: every pattern needs a number token "
                                "(LIKE_NUM or a digit REGEX)", raw.get(LINE_KEY))
        if rule.patterns:
            try:
                Matcher(Vocab(), validate=True).add(rule.id, rule.patterns)
            except ValueError as exc:  # spaCy's MatchPatternError names the bad token
                raise DataFileError(file, f"time expression {rule.id!r}: bad pattern: {exc}",
                                    raw.get(LINE_KEY)) from exc
        if rule.rule == "calendar" and rule.unit is None:
            raise DataFileError(file, f"calendar rule {rule.id!r} needs a unit", raw.get(LINE_KEY))
    preps = data.get("prepositions") or {}
    # Validated on their own so an error points at the prepositions' line rather than the whole file.
    line = preps.get(LINE_KEY) if isinstance(preps, dict) else None
    record: dict[str, Any] = {"prepositions": preps, "expressions": [], LINE_KEY: line}
    checked = validate_record(TimeLexicon, record, file, "prepositions")
    return TimeLexicon(prepositions=checked.prepositions, expressions=rules)


def _add_months(date: dt.date, months: int) -> dt.date:
    total = date.year * 12 + date.month - 1 + months
    year, month = divmod(total, 12)
    day = min(date.day, calendar.monthrange(year, month + 1)[1])
    return dt.date(year, month + 1, day)


_UNITS = {"day": "day", "days": "day", "week": "week", "weeks": "week", "month": "month", "months": "month",
          "year": "year", "years": "year", "decade": "decade", "decades": "decade"}
_UNIT_PRECISION: dict[str, Precision] = {"day": "day", "week": "week", "month": "month", "year": "years",
                                         "decade": "years"}
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def _n_units(date: dt.date, n: int, unit: str) -> dt.date:
    if unit == "day":
        return date - dt.timedelta(days=n)
    if unit == "week":
        return date - dt.timedelta(weeks=n)
    if unit == "month":
        return _add_months(date, -n)
    return _add_months(date, -12 * n * (10 if unit == "decade" else 1))


def interval_for_rule(rule: TimeRule, words: list[str], date: dt.date | None) -> TimeExpression:
    """The interval ``rule`` gives for the matched ``words`` (lower-case) relative to the document ``date``."""
    text = " ".join(words)
    base = TimeExpression(text=text, precision=rule.precision, relation=rule.relation,
                          anchor="document" if date else "none")
    if rule.rule == "year":
        year = next((int(w) for w in words if re.fullmatch(r"\d{4}", w)), None)
        if year is None:
            return base
        end: dt.date | None
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        if rule.relation == "since":
            end = date if date and date > start else None
        return base.model_copy(update={"start_date": start, "end_date": end, "anchor": "absolute"})
    if date is None or rule.rule == "undated":
        return base
    update: dict[str, Any] = {}
    if rule.rule == "offset":
        update = {"start_date": rule.start.apply(date) if rule.start else None,
                  "end_date": rule.end.apply(date) if rule.end else None}
    elif rule.rule == "calendar":
        update = dict(zip(("start_date", "end_date"), _calendar_period(date, rule.unit or "month", rule.shift)))
        if rule.clip_to_date and update["end_date"] > date:
            update["end_date"] = date
    elif rule.rule == "weekday":
        day = next((_WEEKDAYS.index(w) for w in words if w in _WEEKDAYS), None)
        if day is not None:
            when = _weekday(date, day, rule.shift)
            update = {"start_date": when, "end_date": when}
    elif rule.rule in ("last_n", "n_ago"):
        unit = next((_UNITS[w] for w in words if w in _UNITS), None)
        number = next((parse_number(w) for w in words if parse_number(w) is not None), None)
        if number is None and any(w in ("a", "an") for w in words):
            number = (1, False)
        if unit and number:
            then = _n_units(date, number[0], unit)
            update = {"start_date": then, "end_date": date if rule.rule == "last_n" else then,
                      "precision": _UNIT_PRECISION[unit] if rule.rule == "last_n" else
                      ("years" if unit == "decade" else unit)}
    return base.model_copy(update=update)


def _calendar_period(date: dt.date, unit: str, shift: int) -> tuple[dt.date, dt.date]:
    if unit == "week":
        monday = date - dt.timedelta(days=date.weekday()) + dt.timedelta(weeks=shift)
        return monday, monday + dt.timedelta(days=6)
    if unit == "month":
        first = _add_months(date.replace(day=1), shift)
        return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return dt.date(date.year + shift, 1, 1), dt.date(date.year + shift, 12, 31)


def _weekday(date: dt.date, weekday: int, shift: int) -> dt.date:
    """shift 0: the most recent such day on or before ``date``; -1: strictly before; 1: strictly after."""
    back = (date.weekday() - weekday) % 7
    if shift > 0:
        return date + dt.timedelta(days=(weekday - date.weekday()) % 7 or 7)
    if shift < 0 and back == 0:
        back = 7
    return date - dt.timedelta(days=back)


# ---------------------------------------------------------------------------------------------------------------
# Absolute dates (dateparser on entity text only)
# ---------------------------------------------------------------------------------------------------------------

_HAS_CALENDAR_WORD = re.compile(rf"\d|\b{MONTH_PATTERN}(?=\W|$)", re.IGNORECASE)
_YEAR_ONLY = re.compile(r"^(?:the\s+)?(?:year\s+)?((?:1[89]|20)\d\d)$", re.IGNORECASE)
_DECADE = re.compile(r"^(?:the\s+)?((?:1[89]|20)\d)0'?s$", re.IGNORECASE)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HAS_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")
_DURATION = re.compile(r"^(?:for\s+)?(?:about\s+)?\S+\s+(?:days?|weeks?|months?|years?|decades?|hours?)$", re.I)
_CLOCK = re.compile(r"\d{1,2}[:.]\d{2}|\b[ap]\.?m\b", re.IGNORECASE)


@functools.lru_cache(maxsize=64)
def _date_parser(base: dt.date | None) -> Any:
    from dateparser.date import DateDataParser  # imported lazily: dateparser is slow to import

    settings: dict[str, Any] = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}
    if base is not None:
        settings["RELATIVE_BASE"] = dt.datetime.combine(base, dt.time())
    return DateDataParser(languages=["en"], settings=settings)


@functools.lru_cache(maxsize=4096)
def parse_absolute(text: str, base: dt.date | None) -> TimeExpression | None:
    """An interval for a short date text ("March 2023", "Sep 19", "the 1990s", "2025-09-19"), or None.

    dateparser is only asked about short texts holding a digit or a month name; without a document date only
    texts with a written year are parsed (a relative base would be today's date, which means nothing here).
    """
    clean = text.strip().strip(",.;:")
    if _ISO_DATE.match(clean):
        day = parse_iso_date(clean)
        return None if day is None else TimeExpression(text=text, start_date=day, end_date=day, precision="day",
                                                       anchor="absolute")
    year = _YEAR_ONLY.match(clean)
    if year:
        y = int(year.group(1))
        return TimeExpression(text=text, start_date=dt.date(y, 1, 1), end_date=dt.date(y, 12, 31),
                              precision="year", anchor="absolute")
    decade = _DECADE.match(clean)
    if decade:
        y = int(decade.group(1)) * 10
        return TimeExpression(text=text, start_date=dt.date(y, 1, 1), end_date=dt.date(y + 9, 12, 31),
                              precision="years", relation="during", anchor="absolute")
    if len(clean) > 40 or not _HAS_CALENDAR_WORD.search(clean):
        return None
    has_year = bool(_HAS_YEAR.search(clean))
    if base is None and not has_year:
        return None
    if _DURATION.match(clean):
        return None  # "10 days" is a length of time, not a date; dateparser would read it as "10 days ago"
    try:
        data = _date_parser(base).get_date_data(clean)
    except (ValueError, OverflowError, TypeError):
        return None
    when = data.date_obj
    if when is None:
        return None
    if (when.hour or when.minute or when.second) and not _CLOCK.search(clean):
        return None  # a time of day nobody wrote: dateparser read a number as one ("the 1990s")
    day = when.date()
    period = data.period or "day"
    if period == "month":
        start, end = day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    elif period == "year":
        start, end = dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    else:
        start = end = day
    precision: Precision = period if period in ("day", "week", "month", "year") else "day"  # type: ignore[assignment]
    return TimeExpression(text=text, start_date=start, end_date=end, precision=precision,
                          anchor="absolute" if has_year else "document")


# ---------------------------------------------------------------------------------------------------------------
# The cg_time component
# ---------------------------------------------------------------------------------------------------------------

_ENTITY_LABELS = ("DATE", "TIME")


class TimeTagger:
    """Finds time expressions and gives each an interval relative to ``doc._.cg_doc_date``."""

    def __init__(self, nlp: Language, lexicon: TimeLexicon):
        self.lexicon = lexicon
        self.rules = {rule.id: rule for rule in lexicon.expressions}
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.matcher = Matcher(nlp.vocab)
        for rule in lexicon.expressions:
            if rule.phrases:
                self.phrases.add(rule.id, [nlp.make_doc(p) for p in rule.phrases])
            if rule.patterns:
                self.matcher.add(rule.id, rule.patterns)

    def __call__(self, doc: Doc) -> Doc:
        doc._.cg_times = self.find(doc)
        return doc

    def find(self, doc: Doc) -> list[TimeMention]:
        date: dt.date | None = doc._.cg_doc_date
        body_start = doc._.cg_body_start or 0
        found = [(doc.vocab.strings[m], start, end) for m, start, end in self.phrases(doc)]
        for window in _number_windows(doc):
            found.extend((s.label_, s.start, s.end) for s in self.matcher(window, as_spans=True))
        rule_spans: list[Span] = []
        for rule_id, start, end in found:
            rule = self.rules[rule_id]
            if self._cancelled(doc, rule, start, end):
                continue
            rule_spans.append(Span(doc, start, end, label=rule.id))
        values: dict[tuple[int, int], TimeExpression] = {}
        entity_spans: list[Span] = []
        for ent in doc.ents:
            if ent.label_ not in _ENTITY_LABELS:
                continue
            value = parse_absolute(ent.text, date)
            if value is not None:
                entity_spans.append(ent)
                values[(ent.start, ent.end)] = value
        mentions: list[TimeMention] = []
        for span in filter_spans(rule_spans + entity_spans):  # rule spans first: they win ties
            if span.end_char <= body_start:
                continue  # the dateline's own date is the document date, not an event time
            key = (span.start, span.end)
            if key in values and span.label_ in _ENTITY_LABELS:
                value = values[key]
            else:
                rule = self.rules[span.label_]
                value = interval_for_rule(rule, [t.lower_ for t in span], date)
            span, value = self._with_preposition(doc, span, value, date)
            value = value.model_copy(update={"text": span.text, "char_start": span.start_char,
                                             "char_end": span.end_char})
            mentions.append(TimeMention(start=span.start, end=span.end, value=value))
        return mentions

    @staticmethod
    def _cancelled(doc: Doc, rule: TimeRule, start: int, end: int) -> bool:
        if rule.not_followed_by and end < len(doc) and doc[end].lower_ in rule.not_followed_by:
            return True
        return bool(rule.not_preceded_by and start > 0 and doc[start - 1].lower_ in rule.not_preceded_by)

    def _with_preposition(
        self, doc: Doc, span: Span, value: TimeExpression, date: dt.date | None
    ) -> tuple[Span, TimeExpression]:
        """Take in a preposition right before the expression, and let it set the relation ("since 2021")."""
        first = span[0].lower_
        prep = first if first in self.lexicon.prepositions else None
        if prep is None and span.start > 0 and doc[span.start - 1].lower_ in self.lexicon.prepositions:
            prep = doc[span.start - 1].lower_
            span = doc[span.start - 1 : span.end]
        if prep is None or value.relation not in ("at", "during"):
            return span, value
        relation = self.lexicon.prepositions[prep]
        start, end = value.start_date, value.end_date
        if relation == "since":
            return span, value.model_copy(update={"relation": "since", "end_date": date if date else None})
        if relation == "before":
            # "before 2020" ends before the year starts; "until/by 2020" ends with it
            if prep == "before":
                end = start - dt.timedelta(days=1) if start else None
            return span, value.model_copy(update={"relation": "before", "start_date": None, "end_date": end})
        if relation == "after":
            return span, value.model_copy(update={
                "relation": "after", "start_date": end + dt.timedelta(days=1) if end else None, "end_date": None})
        if relation == "during" and value.relation == "at" and value.precision != "day":
            return span, value.model_copy(update={"relation": "during"})
        return span, value


def _number_windows(doc: Doc, reach: int = 5) -> list[Span]:
    """Stretches of ``reach`` tokens either side of each number, merged: where number patterns can match."""
    windows: list[Span] = []
    start = end = -1
    for token in doc:
        if not token.like_num:
            continue
        lo, hi = max(0, token.i - reach), min(len(doc), token.i + reach + 1)
        if lo <= end:
            end = hi
            continue
        if end > start:
            windows.append(doc[start:end])
        start, end = lo, hi
    if end > start:
        windows.append(doc[start:end])
    return windows


@Language.factory(
    "cg_time",
    default_config={"lexicon_path": None},
    assigns=["doc._.cg_times"],
)
def make_time_tagger(nlp: Language, name: str, lexicon_path: str | None) -> DataComponent:
    """``lexicon_path``: the time-expression file (default: the bundled time_expressions.yaml)."""
    return DataComponent(nlp, name, lambda: TimeTagger(nlp, load_time_lexicon(lexicon_path)))


# ---------------------------------------------------------------------------------------------------------------
# Which time goes with an event
# ---------------------------------------------------------------------------------------------------------------


def _clause_verb(token: Token) -> Token | None:
    """The nearest verb at or above ``token``: the clause a modifier belongs to."""
    for t in [token, *token.ancestors]:
        if t.pos_ in ("VERB", "AUX") and (t.dep_ != "aux" and t.dep_ != "auxpass"):
            return t
    return None


def _attachment_rank(span: Span, head: Token) -> int:
    """0: modifies the event's own clause; 1: the clause governing it; 2: inside the event's subtree but under
    another verb; 3: elsewhere in the sentence."""
    verb = _clause_verb(span.root)
    if verb is not None and verb.i == head.i:
        return 0
    if head.i in {t.i for t in span.root.ancestors}:
        return 2
    if verb is not None and (verb.i in {t.i for t in head.ancestors}):
        return 1
    return 3


def time_for_tokens(doc: Doc, head_token_index: int, sent: Span) -> TimeExpression | None:
    """The time expression attached to the event whose head is token ``head_token_index`` in ``sent``.

    One in the head's own clause or the clause governing it comes first, then the nearest in the sentence.
    Cues with no bounds at all ("once again") are left out: they say the event repeats, not when, and the
    caller's fallback to the document date says more. None when the sentence has no dated expression.
    """
    mentions = [m for m in doc._.cg_times or [] if m.start >= sent.start and m.end <= sent.end
                and (m.value.start_date is not None or m.value.end_date is not None
                     or m.value.precision != "unknown" or m.value.anchor == "absolute")]
    if not mentions:
        return None
    head = doc[head_token_index]
    parsed = doc.has_annotation("DEP")
    best: tuple[tuple[int, int], TimeMention] | None = None
    for m in mentions:
        span = doc[m.start : m.end]
        rank = _attachment_rank(span, head) if parsed else 3
        distance = 0 if m.start <= head_token_index < m.end else min(
            abs(head_token_index - m.start), abs(head_token_index - (m.end - 1)))
        key = (rank, distance)
        if best is None or key < best[0]:
            best = (key, m)
    return best[1].value if best else None


__all__ = [
    "parse_absolute", "interval_for_rule", "load_time_lexicon",
    "TimeTagger", "TimeRule", "time_for_tokens",
]
