"""Presentation helpers for the pages: text split into highlighted segments, quotes with their trigger and
arguments marked, and the bars of the statements-over-time chart. Pure functions of library results; the
templates escape every piece of text they are given (autoescape), so no markup is ever built here."""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field

from ..models import STANCES, Mention, Statement
from ..store import Claim, TypeStanceCount


@dataclass
class Segment:
    """A run of text with the same highlights: inside which mention, which statements, a trigger or not."""

    text: str
    start: int
    mention: int | None = None  # index into the document's mentions
    statements: list[str] = field(default_factory=list)
    trigger: bool = False


@dataclass
class MentionRun:
    """Consecutive segments of one mention (rendered as one labelled box), or of none."""

    mention: int | None
    segments: list[Segment]


def document_segments(text: str, mentions: list[Mention], statements: list[Statement]) -> list[MentionRun]:
    """The text cut at every span boundary (mentions, statement spans, triggers), displaCy-style. Overlapping
    mentions keep the first (they do not nest in a box); statements and triggers may overlap anything."""
    n = len(text)
    kept: list[tuple[int, int, int]] = []
    last_end = -1
    for i, m in sorted(enumerate(mentions), key=lambda im: (im[1].start, -im[1].end)):
        if 0 <= m.start < m.end <= n and m.start >= last_end:
            kept.append((m.start, m.end, i))
            last_end = m.end
    spans = [(s.start, s.end) for s in statements if 0 <= s.start < s.end <= n]
    triggers = [(s.trigger_start, s.trigger_end) for s in statements
                if s.trigger_start is not None and s.trigger_end is not None and 0 <= s.trigger_start < s.trigger_end <= n]
    cuts = {0, n}
    for a, b, *_ in kept:
        cuts.update((a, b))
    for a, b in spans + triggers:
        cuts.update((a, b))
    bounds = sorted(cuts)
    runs: list[MentionRun] = []
    for a, b in itertools.pairwise(bounds):
        mention = next((i for s, e, i in kept if s <= a and b <= e), None)
        seg = Segment(text=text[a:b], start=a, mention=mention,
                      statements=[st.id for st in statements if st.start <= a and b <= st.end],
                      trigger=any(s <= a and b <= e for s, e in triggers))
        if runs and runs[-1].mention == mention and mention is not None:
            runs[-1].segments.append(seg)
        else:
            runs.append(MentionRun(mention=mention, segments=[seg]))
    return runs


@dataclass
class QuotePart:
    text: str
    role: str | None = None  # trigger | subject | object | asserter


def quote_parts(claim: Claim) -> list[QuotePart]:
    """The quote with its trigger (by offset, else by text) and the words naming its actors marked."""
    quote = claim.quote
    marks: list[tuple[int, int, str]] = []
    if claim.trigger_start is not None and claim.trigger_end is not None and \
            claim.start <= claim.trigger_start < claim.trigger_end <= claim.start + len(quote):
        marks.append((claim.trigger_start - claim.start, claim.trigger_end - claim.start, "trigger"))
    elif claim.trigger and (at := quote.lower().find(claim.trigger.lower())) >= 0:
        marks.append((at, at + len(claim.trigger), "trigger"))
    for role, words in (("subject", claim.subject_text), ("object", claim.object_text),
                        ("asserter", claim.asserter_text)):
        if words and (at := quote.find(words)) >= 0 and not any(a < at + len(words) and at < b for a, b, _ in marks):
            marks.append((at, at + len(words), role))
    parts, pos = [], 0
    for a, b, role in sorted(marks):
        if a > pos:
            parts.append(QuotePart(quote[pos:a]))
        parts.append(QuotePart(quote[a:b], role))
        pos = b
    if pos < len(quote):
        parts.append(QuotePart(quote[pos:]))
    return parts


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    stance: str
    period: str
    statements: int


@dataclass
class Chart:
    width: int
    height: int
    bars: list[Bar]
    labels: list[tuple[float, str]]  # x, period label (every few periods)
    max_value: int
    periods: int


def stance_chart(over_time: list[TypeStanceCount], width: int = 720, height: int = 200) -> Chart:
    """Stacked bars: statements per month by stance, every role of the actor counted once per statement role."""
    per: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STANCES, 0))
    for row in over_time:
        per[row.period][row.stance] += row.statements
    dated = sorted(p for p in per if p != "undated")
    if not dated:
        return Chart(width, height, [], [], 0, 0)
    periods = _months(dated[0], dated[-1])  # empty months too: the axis is time
    top = max(sum(per[p].values()) for p in dated)
    slot = (width - 40) / len(periods)
    bars, labels = [], []
    every = max(1, len(periods) // 12)
    for i, period in enumerate(periods):
        x = 40 + i * slot
        y = height - 20.0
        for stance in STANCES:
            value = per[period][stance]
            if value:
                h = (height - 30) * value / top
                y -= h
                bars.append(Bar(x=round(x + slot * 0.1, 2), y=round(y, 2), width=round(max(slot * 0.8, 1), 2),
                                height=round(h, 2), stance=stance, period=period, statements=value))
        if i % every == 0:
            labels.append((round(x + slot / 2, 2), period))
    return Chart(width, height, bars, labels, top, len(periods))


def _months(first: str, last: str) -> list[str]:
    """Every "YYYY-MM" from ``first`` to ``last``."""
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out
