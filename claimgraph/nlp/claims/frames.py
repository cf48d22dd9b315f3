"""Who says so: reporting frames (say, claim, accuse X of, deny, according to, requests) and their content.

A frame has a speaker (the asserter of what it carries), a content (the clause heads whose events it reports),
the stance the speaker takes on that content, and optionally a speech act (ACCUSE, REJECT, REQUEST...) that is a
statement in its own right. Rules (``Frame.rule``):

- ``ccomp``: "X said that ..."; ``of-gerund``: "X accused Y of supporting Z" (Y is the content's subject);
  ``xcomp``: "X denied supporting Z" (X is its subject); ``parenthetical``: a reporting verb parsed as a
  dependent of the verb it reports ("which X claims is backed by Y", "..., officials said");
  ``according-to``: "according to X, ..."; ``charge-denied``: "a charge that X denies" / "X denied the
  allegations" (the denial carries the content of the nearest earlier accusation); ``request``: "X asked Y to
  ...", "X pressured Y to ..." (the content is what is requested, a prediction of the speaker's).
- A speaker that is no actor but an anonymous source ("security officials", "intelligence inputs", "a man")
  becomes an actor of its own (``ANON-...``, provisional) rather than the author.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Iterable

from spacy.tokens import Doc, Span, Token

from ..actors.arguments import Arg, possessor_fallback, resolve, resolve_all
from ..actors.provisional import AnonymousSources, anonymous_source
from ...lexicon import NominalFrame, PrepositionalFrame, load_lexicon
from ...models import Stance
from ..annotations import PredicateMatch, mention_at
from ..syntax import conjuncts
from .roles import RoleReader


@functools.lru_cache(maxsize=1)
def charge_nouns() -> frozenset[str]:
    """Nouns that name an accusation or a claim ("a charge that X denies"), from the nominal frames of
    attribution.yaml."""
    nominal = load_lexicon().nominal
    return frozenset(l for n in nominal if n.speech_act == "ACCUSE" or n.id == "claim_noun" for l in n.lemmas)


# Verbs of these types that take an infinitive carry what they ask for or threaten: "X urged Y to withdraw",
# "X threatened to impose sanctions on Y". The carried event is the speaker's prediction, not a fact.
REQUEST_TYPES = frozenset(("REQUEST", "THREATEN"))


@dataclass
class Frame:
    trigger: int
    match: PredicateMatch | None
    speakers: list[Arg]
    targets: list[Arg]
    content_heads: list[int]
    content_stance: Stance
    speech_act: str | None
    rule: str
    target_is_subject: bool = False
    answers: Frame | None = None  # the accusation a denial answers ("a charge that X denies")
    content_tokens: set[int] = field(default_factory=set)


def is_reporting(match: PredicateMatch) -> bool:
    """A reporting frame, unless the token also matched a more specific event entry of another type
    ("declared the group a terrorist organisation" is a designation, not a declaration that ...)."""
    if match.frame is None:
        return False
    return match.event_type in ("REPORT", None) or match.event_type == match.frame.speech_act


def build_frames(
    doc: Doc, sent: Span, matches: list[PredicateMatch], roles: RoleReader, anon: AnonymousSources,
    earlier: list[Frame],
) -> list[Frame]:
    """Frames of one sentence. ``earlier`` are the frames of previous sentences (for "denied the charges")."""
    frames: list[Frame] = []
    for match in matches:
        token = doc[match.head]
        if is_reporting(match):
            frame = _reporting_frame(doc, token, match, anon)
        elif match.event_type in REQUEST_TYPES and token.pos_ in ("VERB", "AUX"):
            frame = _request_frame(doc, token, match, roles)
        else:
            frame = None
        if frame is None:
            continue
        if match.frame is not None and match.frame.speech_act and not frame.speech_act:
            frame.speech_act = match.frame.speech_act
        frames.append(frame)
    for frame in frames:
        frame.content_tokens = {t.i for h in frame.content_heads for t in doc[h].subtree}
        frame.content_tokens.discard(frame.trigger)
    _link_charges(doc, frames, earlier)
    return frames


def _via(token: Token, via: Iterable[str]) -> list[Token]:
    """Children of ``token`` reached by dependency labels or "prep:X" / "agent:by" paths."""
    out: list[Token] = []
    for path in via:
        if ":" in path:
            dep, word = path.split(":", 1)
            for child in token.children:
                if child.dep_ in ("prep", "agent") and child.lower_ == word:
                    out += [g for g in child.children if g.dep_ in ("pobj", "pcomp")]
        else:
            out += [c for c in token.children if c.dep_ == path]
    return out


def _nominal_frame(doc: Doc, token: Token, match: PredicateMatch, entry: NominalFrame,
                   anon: AnonymousSources) -> Frame | None:
    """"X's claim that ...", "the allegation by X that ...", "proof of ... came from X"."""
    speakers = [_speaker(doc, s, anon) for s in _via(token, entry.speaker_via)]
    heads = [t.i for t in _via(token, entry.content_via) if t.pos_ in ("VERB", "AUX", "NOUN")]
    speech_act = None if match.event_type in ("REPORT", None) else match.event_type
    if not heads and not speech_act:
        return None
    return Frame(token.i, match, speakers, [], heads, entry.content_stance, speech_act, "nominal")


def _prepositional_frame(doc: Doc, token: Token, match: PredicateMatch, entry: PrepositionalFrame,
                         anon: AnonymousSources) -> Frame | None:
    """"According to X, ...": the clause the phrase hangs on is X's claim."""
    speakers = [_speaker(doc, s, anon) for s in _via(token, entry.source_via)]
    head = token.head
    if not speakers or head is token:
        return None
    return Frame(token.i, match, speakers, [], [head.i], entry.content_stance, None, "according-to")


def _reporting_frame(
    doc: Doc, token: Token, match: PredicateMatch, anon: AnonymousSources
) -> Frame | None:
    entry = match.frame
    if entry is None:
        return None
    # "which X claims is backed": the parser may make "claims" a noun with X as its subject or compound.
    misparsed_verb = any(c.dep_ == "nsubj" for c in token.children) or (
        token.dep_ in ("nsubj", "nsubjpass") and any(c.dep_ == "compound" and mention_at(doc, c.i) for c in token.children)
    )
    if isinstance(entry, NominalFrame) and not misparsed_verb:
        return _nominal_frame(doc, token, match, entry, anon)
    if isinstance(entry, PrepositionalFrame):
        return _prepositional_frame(doc, token, match, entry, anon)
    # a reporting verb, or a claim noun the parser made the verb it is ("which X claims is backed")
    stance = entry.content_stance
    speech_act = None if match.event_type in ("REPORT", None) else match.event_type
    via = list(entry.content_via)
    speaker_tokens = _speaker_tokens(token)
    if not speaker_tokens and misparsed_verb:
        speaker_tokens = [c for c in token.children if c.dep_ == "compound" and mention_at(doc, c.i)]
    speakers = [_speaker(doc, s, anon) for s in speaker_tokens]
    heads: list[int] = []
    targets: list[Arg] = []
    rule = "ccomp"
    for child in token.children:
        if child.dep_ in ("ccomp", "xcomp") and ("ccomp" in via or "xcomp" in via or child.dep_ == "ccomp"):
            heads.append(child.i)
            rule = child.dep_
        elif child.dep_ == "prep" and f"prep:{child.lower_}" in via:
            heads += [c.i for c in child.children if c.dep_ in ("pcomp", "pobj") and c.pos_ in ("VERB", "AUX", "NOUN")]
            rule = f"{child.lower_}-gerund"
        elif child.dep_ in ("dobj", "dative") or (child.dep_ == "nsubjpass" and entry.target_is_subject):
            # "accused Pakistan", "rejected the UN's findings" (the findings' owner); "Pakistan was accused of"
            found = [possessor_fallback(doc, a) for a in resolve_all(doc, [child], "target")]
            targets += [a for a in found if a.actor_id]
            if entry.target_via and not found[0].actor_id and child.dep_ == "dobj" and _event_noun(doc, child):
                heads.append(child.i)  # "attributed the attack to X": the attack is what X is accused of
                rule = "deed"
    if entry.target_is_subject and match.entry is not None and match.entry.object_preps:
        # "called on X to withdraw", "appealed to X to ...": the addressee hangs on a preposition (or particle)
        preps = tuple(match.entry.object_preps)
        addressed = [g for c in token.children if c.dep_ in ("prt", "prep", "dative") and c.lower_ in preps
                     for g in c.children if g.dep_ == "pobj"]
        targets += [a for a in resolve_all(doc, addressed, "target") if a.actor_id]
    if entry.target_is_subject and not targets:
        # "found the commander guilty of murder": the parser makes the accused the subject of a small clause
        clauses = [c for c in token.children if c.dep_ in ("ccomp", "xcomp", "oprd") and c.pos_ == "ADJ"]
        subjects = [g for c in clauses for g in c.children if g.dep_ in ("nsubj", "nsubjpass")]
        targets += [a for a in resolve_all(doc, subjects, "target") if a.actor_id]
    if entry.target_via and heads:
        # "attributed the attack to X", "blamed the bombing on X" (the parser may hang the phrase on the deed)
        holders = [token] + [doc[h] for h in heads if doc[h].pos_ == "NOUN"]
        accused = [a for h in holders for a in resolve_all(doc, _via(h, entry.target_via), "target")]
        targets += [a for a in accused if a.actor_id]
    if entry.target_is_subject and targets and not heads:
        # "accused Pakistan of supporting": spaCy sometimes hangs "of" on the object.
        for target in targets:
            for prep in doc[target.token].children:
                if prep.dep_ == "prep" and f"prep:{prep.lower_}" in via:
                    heads += [c.i for c in prep.children if c.dep_ in ("pcomp", "pobj")]
                    rule = f"{prep.lower_}-gerund"
    if not heads and token.dep_ in ("parataxis", "nsubj", "nsubjpass", "advcl", "dep") and token.head is not token:
        if speakers:
            heads.append(token.head.i)
            rule = "parenthetical"
    if token.dep_ == "relcl" and token.head.lemma_.lower() in charge_nouns():
        rule = "charge-denied"
    if speech_act == "THREATEN" and heads and not any(a.actor_id for a in targets):
        targets += threat_targets(doc, heads)
    if not heads and rule != "charge-denied" and not speech_act:
        return None
    return Frame(token.i, match, speakers, targets, heads, stance, speech_act, rule,
                 target_is_subject=entry.target_is_subject)


def _event_noun(doc: Doc, token: Token) -> bool:
    """An event trigger read as a noun ("the attack", "the bombing"): a deed, not a doer ("the armed forces")."""
    return token.pos_ == "NOUN" and any(m.head == token.i and m.entry is not None and m.pos == "noun"
                                        for m in doc._.cg_predicates or [])


def threat_targets(doc: Doc, heads: list[int]) -> list[Arg]:
    """"threatened to impose sanctions on Y", "threatened to attack Y": the threat is aimed at the target of what
    is threatened."""
    found: list[Token] = []
    for h in heads:
        content = doc[h]
        objects = [c for c in content.children if c.dep_ in ("dobj", "dative")]
        found += objects
        for holder in [content, *objects]:
            found += [g for c in holder.children if c.dep_ == "prep" and c.lower_ in ("on", "against", "upon")
                      for g in c.children if g.dep_ == "pobj"]
    return [a for a in (possessor_fallback(doc, x) for x in resolve_all(doc, found, "threat-target")) if a.actor_id]


def _request_frame(doc: Doc, token: Token, match: PredicateMatch, roles: RoleReader) -> Frame | None:
    heads = [c.i for c in token.children if c.dep_ in ("xcomp", "ccomp")]
    if not heads:
        return None
    speakers = roles.verb_subjects(token)
    addressed = [c for c in token.children if c.dep_ in ("dobj", "dative", "nsubjpass")]
    # "wants Putin to attack": the parser makes the addressee the subject of the infinitive clause
    addressed += [g for h in heads for g in doc[h].children
                  if g.dep_ == "nsubj" and any(a.dep_ == "aux" and a.lower_ == "to" for a in doc[h].children)]
    targets = resolve_all(doc, addressed, "target")
    if match.event_type == "THREATEN" and not any(a.actor_id for a in targets):
        targets += threat_targets(doc, heads)
    rule = "threat" if match.event_type == "THREATEN" else "request"
    return Frame(token.i, match, speakers, targets, heads, "predicts", match.event_type, rule)


def _speaker_tokens(token: Token) -> list[Token]:
    subjects = [c for c in token.children if c.dep_ in ("nsubj",)]
    subjects = subjects or [g for c in token.children if c.dep_ == "aux" for g in c.children if g.dep_ == "nsubj"]
    if subjects:
        return [s for subject in subjects for s in conjuncts(subject)]
    agents = [c for c in token.children if c.dep_ == "agent"]
    out = [g for a in agents for g in a.children if g.dep_ == "pobj"]
    if out:
        return out
    if token.dep_ == "conj" and token.head.pos_ in ("VERB", "AUX"):
        return _speaker_tokens(token.head)
    if token.dep_ in ("acl", "advcl") and token.tag_ == "VBG":
        # "X issued a statement denying that ...", "X said ..., denying that ...": X speaks
        head = token.head
        if head.pos_ in ("NOUN", "PROPN"):
            owners = [c for c in head.children if c.dep_ == "poss"]
            return owners or (_speaker_tokens(head.head) if head.head is not head else [])
        return _speaker_tokens(head)
    return []


def _speaker(doc: Doc, token: Token, anon: AnonymousSources) -> Arg:
    if token.idx < (doc._.cg_body_start or 0):
        return Arg(token.i, None, token.text, "dateline", 0.0)  # the parser took the dateline for a subject
    arg = resolve(doc, token, "speaker")
    if arg.actor_id:
        return arg
    source = anonymous_source(doc, token, anon)
    if source is not None:
        return Arg(token.i, source, arg.text, "anonymous-source", 0.8)
    return arg


def _link_charges(doc: Doc, frames: list[Frame], earlier: list[Frame]) -> None:
    """A denial of "the charge"/"the allegations" answers the accusation it refers to."""
    pool = [*earlier, *frames]
    for frame in frames:
        if frame.speech_act != "REJECT" or frame.content_heads:
            continue
        token = doc[frame.trigger]
        noun = None
        if frame.rule == "charge-denied":
            noun = token.head
        else:
            noun = next((c for c in token.children if c.dep_ == "dobj" and c.lemma_.lower() in charge_nouns()), None)
        if noun is None:
            continue
        # "rejected Veldoria's accusation that ...": the accusation named by the denial itself comes first
        accusations = [f for f in pool if f.trigger == noun.i and f.content_heads]
        accusations = accusations or [
            f for f in pool if f.speech_act == "ACCUSE" and f.trigger < frame.trigger and f.content_heads
        ]
        if accusations:
            frame.answers = accusations[-1]
            frame.targets = frame.targets or list(frame.answers.speakers)
            frame.rule = "charge-denied"


def enclosing_frame(frames: list[Frame], token_index: int, exclude: Frame | None = None) -> Frame | None:
    """The innermost frame whose content contains the token."""
    best: Frame | None = None
    for frame in frames:
        if frame is exclude or token_index not in frame.content_tokens:
            continue
        if best is None or len(frame.content_tokens) < len(best.content_tokens):
            best = frame
    return best
