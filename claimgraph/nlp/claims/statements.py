"""The ``cg_statements`` component: triggers, roles and frames become statements with asserter and stance.

For each sentence: reporting frames are found first (frames.py); each frame with a speech act (ACCUSE,
REJECT, REQUEST...) becomes a statement asserted by whoever reports it (the author, or an outer speaker); every
event trigger becomes one statement per (subject, object) pair (roles.py), asserted by the speaker of the
innermost frame whose content holds it, or by the author, with ``parent`` set to that frame's speech act. A
denial of "the charge" repeats the accusation's propositions with the denier as asserter and stance ``denies``.

Stance and negation are decided by the stance engine (stance.py), from the trigger's clause and the frame that
carries it.
"""

from __future__ import annotations

from typing import AbstractSet, Literal, cast

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ...lexicon import PredicateEntry
from ...models import AUTHOR, EventType, Quantity, Stance, Statement, TimeExpression
from ..actors.arguments import Arg, resolve_all
from ..actors.provisional import AnonymousSources, provisional_speaker
from ..annotations import PredicateMatch, mention_at
from ..component import DataComponent
from ..context.places import place_for_tokens
from ..context.quantities import quantities_for_tokens
from ..context.time import time_for_tokens
from .cues import Cues, load_cues
from .frames import Frame, build_frames, enclosing_frame, is_reporting
from .gates import PartyGates, party_gates
from .quotes import QuotationFrames, quotation_frames
from .responsibility import Responsibility, responsibility_of
from .role_rules import RolePatterns, load_role_rules
from .roles import RoleReader, Roles


# Speech acts: when a quotation holds one ("We call on ...", "He stressed the need for ..."), the act itself is
# asserted by the author (judging protocol), not by the quotation's speaker.
VERBAL_ACTS = frozenset(("REQUEST", "THREATEN", "ACCUSE", "REJECT"))


class StatementBuilder:
    """Builds the statements of one Doc. Short-lived: one per Doc."""

    def __init__(self, doc: Doc, cues: Cues, patterns: RolePatterns, gates: PartyGates | None = None):
        self.doc = doc
        self.cues = cues
        self.gates = gates or party_gates()  # argument-type constraints (party_gates.yaml)
        self.roles = RoleReader(doc, patterns, cues.light)
        self.anon: AnonymousSources = cues.anonymous
        self.out: list[Statement] = []
        self.keys: dict[tuple, str] = {}
        self.last_pair: tuple[Arg, Arg] | None = None
        self.frames_so_far: list[Frame] = []
        self.quote_frames: QuotationFrames | dict[int, Frame] = {}  # token -> the frame of the quotation it is in (quotes.py)
        self.frame_ids: dict[tuple[int, str | None], str] = {}
        # propositions carried by each accusation frame, so a later denial can repeat them
        self.carried: dict[int, list[tuple[Statement, Arg | None, Arg | None]]] = {}
        # "over a period of time" is when, not who: time phrases are never arguments
        self.time_tokens = {i for t in doc._.cg_times or [] for i in range(t.start, t.end)}

    # ---- helpers ---------------------------------------------------------------------------------------
    def _id(self) -> str:
        return f"{self.doc._.cg_doc_id or 'doc'}#s{len(self.out) + 1}"

    def _quote(self, sent: Span) -> tuple[str, int, int]:
        body_start = self.doc._.cg_body_start or 0
        start_char = sent.start_char
        if start_char < body_start < sent.end_char:
            start_char = body_start  # the first sentence without its dateline ("LINDGRAD, October 11 -")
        text = self.doc.text[start_char : sent.end_char]
        lead = len(text) - len(text.lstrip())
        quote = text.strip()
        start = start_char + lead
        return quote, start, start + len(quote)

    def emit(
        self, sent: Span, *, asserter: str, stance: str, subject: Arg | None, event_type: str, obj: Arg | None,
        trigger: Token, match: PredicateMatch | None, rule: str, confidence: float, parent: str | None,
        negated: bool = False, asserter_text: str | None = None,
    ) -> Statement | None:
        subject_id = subject.actor_id if subject else None
        object_id = obj.actor_id if obj else None
        if subject_id is None and object_id is None:
            return None
        if subject_id is not None and subject_id == object_id:
            return None
        key = (asserter, stance, subject_id, event_type, object_id, negated, parent, sent.start)
        if key in self.keys:
            return None
        quote, start, end = self._quote(sent)
        head = match.head if match else trigger.i
        statement = Statement(
            id=self._id(), asserter=asserter, stance=cast(Stance, stance), subject=subject_id,
            event_type=cast(EventType, event_type),
            mode=match.mode if match else None, context=list(match.context) if match else [],
            object=object_id, negated=negated, time=self._time(head, sent, stance),
            location=self._place(head, sent), quote=quote, start=start, end=end,
            trigger=trigger.text if match is None else self.doc[match.start : match.end].text,
            trigger_start=trigger.idx, trigger_end=trigger.idx + len(trigger.text),
            rule=rule, confidence=round(max(0.05, min(1.0, confidence)), 3), parent=parent,
            quantities=self._quantities(head), subject_text=subject.text if subject else None,
            object_text=obj.text if obj else None, asserter_text=asserter_text,
            lexicon_entry=match.entry_id if match else None,
        )
        self.keys[key] = statement.id
        self.out.append(statement)
        if subject_id and object_id:
            self.last_pair = (subject, obj)  # type: ignore[assignment]
        return statement

    def _time(self, head: int, sent: Span, stance: str) -> TimeExpression | None:
        found = time_for_tokens(self.doc, head, sent)
        if found is not None:
            return found
        date = self.doc._.cg_doc_date
        if date is None:
            return None
        relation: Literal["after", "before"] = "after" if stance == "predicts" else "before"
        return TimeExpression(text=None, start_date=date if relation == "after" else None,
                              end_date=None if relation == "after" else date,
                              precision="unknown", relation=relation, anchor="document")

    def _place(self, head: int, sent: Span):
        return place_for_tokens(self.doc, head, sent)

    def _quantities(self, head: int) -> list[Quantity]:
        return [q.value for q in quantities_for_tokens(self.doc, head)]

    # ---- main ------------------------------------------------------------------------------------------
    def build(self) -> list[Statement]:
        doc = self.doc
        matches = sorted(doc._.cg_predicates or [], key=lambda m: m.head)
        by_sent: dict[int, list[PredicateMatch]] = {}
        for match in matches:
            by_sent.setdefault(doc[match.head].sent.start, []).append(match)
        # frames of the whole text first: a quotation may be attributed after the sentences it runs over
        sentences: list[tuple[Span, list[PredicateMatch], list[Frame]]] = []
        for sent in doc.sents:
            sent_matches = by_sent.get(sent.start, [])
            if not sent_matches:
                continue
            frames = build_frames(doc, sent, sent_matches, self.roles, self.anon, self.frames_so_far)
            sentences.append((sent, sent_matches, frames))
            self.frames_so_far.extend(frames)
        self.quote_frames = quotation_frames(doc, self.frames_so_far)
        for frame in self.frames_so_far:
            if self._noncommittal(frame):
                frame.speech_act, frame.rule = None, "noncommittal"
        for sent, sent_matches, frames in sentences:
            self._sentence(sent, sent_matches, frames)
        return self.out

    def _speaker_pronoun(self, pronoun: Token, frame: Frame) -> list[Arg]:
        """The speakers an unresolved subject pronoun of reported speech stands for, or none. "We" is the
        speaker's side: an organisation speaking, or the organisation a person speaks for (a spokesperson's
        ministry), never the person alone. A third person is the speaker only in indirect speech ("X said it
        would"; inside quotation marks "they" is somebody else: "They tried to kill me") and when its kind fits
        (he/she a person, it/they no person)."""
        form = pronoun.lower_
        if form not in ("it", "they", "we", "he", "she"):
            return []
        quoted = isinstance(self.quote_frames, QuotationFrames) and self.quote_frames.index.at(pronoun.idx) is not None
        if form != "we" and quoted:
            return []
        out = []
        for a in frame.speakers:
            actor = self._actor(a.actor_id) if a.actor_id else None
            if actor is None:
                continue
            person = actor.type == "person"
            actor_id: str | None = a.actor_id
            if form == "we":
                actor_id = self._speaks_for(a.token) or (actor.parent if person else actor_id) or None
            elif person != (form in ("he", "she")):
                continue
            if actor_id:
                out.append(Arg(a.token, actor_id, a.text, "speaker-pronoun", a.confidence * 0.8))
        return out

    def _speaks_for(self, token: int) -> str | None:
        """The organisation a speaker phrase names as the one spoken for: "a spokesman for the ministry", "the
        ministry's spokesman", "a Foreign Office spokesman"."""
        doc, head = self.doc, self.doc[token]
        own = mention_at(doc, token)
        inner = [c for c in head.children if c.dep_ in ("poss", "compound") and c.i < head.i]
        inner += [g for c in head.children if c.dep_ == "prep" and c.lower_ in ("for", "of", "from", "at")
                  for g in c.children if g.dep_ == "pobj"]
        for child in inner:
            m = mention_at(doc, child.i)
            if m is not None and m.actor_id and m is not own:
                actor = self._actor(m.actor_id)
                if actor is not None and actor.type != "person":
                    return m.actor_id
        return None

    def _actor(self, actor_id: str):
        """An actor of the document (its own provisional ones included) or of the knowledge base."""
        actor = (self.doc._.cg_actors or {}).get(actor_id)
        kb = self.doc._.cg_kb
        return actor if actor is not None or kb is None else kb.actors.get(actor_id)

    def _sentence(self, sent: Span, matches: list[PredicateMatch], frames: list[Frame]) -> None:
        frame_heads = {f.trigger for f in frames}
        # outer frames first so nested speech acts find their parent
        for frame in sorted(frames, key=lambda f: -len(f.content_tokens)):
            self._speech_act(sent, frame, frames)
        for match in matches:
            if match.entry is None or match.head in frame_heads or is_reporting(match):
                continue  # a reporting frame alone is no event
            self._event(sent, match, match.entry, frames)
        for frame in frames:
            if frame.answers is not None:
                self._denial(sent, frame, frames)

    def _asserters(self, frame: Frame | None, frames: list[Frame]) -> list[tuple[str, str | None, float]]:
        """Who asserts what ``frame`` carries: its speakers; else (no resolvable speaker) the speakers of an
        enclosing frame; else the author, but only when the frame had no speaker phrase at all. An unresolved
        speaker ("he said", "the spokesman said") gives nobody: a missing asserter beats a wrong one."""
        seen: set[int] = set()
        while frame is not None and id(frame) not in seen:
            seen.add(id(frame))
            if frame.rule == "noncommittal":
                return []  # "neither confirmed nor denied that X attacked": nobody says X attacked
            out: list[tuple[str, str | None, float]] = [
                (s.actor_id, s.text, s.confidence) for s in frame.speakers if s.actor_id]
            if out:
                return out
            speakers = [s for s in frame.speakers if s.rule != "dateline"]
            if speakers and not any(self.doc[s.token].pos_ == "PRON" for s in speakers):
                return [(self._speaker_actor(speakers[0]), speakers[0].text, 0.6)]
            if speakers:
                return []
            frame = enclosing_frame(frames, frame.trigger, exclude=frame)
        return [(AUTHOR, None, 1.0 if not seen else 0.7)]

    def _speaker_actor(self, speaker: Arg) -> str:
        """A provisional actor for a speaker phrase that names nobody in the knowledge base."""
        return provisional_speaker(self.doc, self.doc[speaker.token])

    def _speech_act(self, sent: Span, frame: Frame, frames: list[Frame]) -> None:
        if not frame.speech_act:
            return
        outer = enclosing_frame(frames, frame.trigger, exclude=frame)
        while outer is not None and outer is frame.answers:
            # "accused X of arming Y, a charge that X denies": the parser may hang the denial inside the
            # accusation, but the denial is reported by whoever reports the accusation.
            outer = enclosing_frame(frames, outer.trigger, exclude=outer)
        trigger = self.doc[frame.trigger]
        stance, negated = self.cues.stance.decide(
            trigger, outer.content_stance if outer else None, set(outer.content_heads) if outer else set())
        speakers = _or_none(_prefer_resolved(frame.speakers, self.time_tokens))
        targets = _or_none(_prefer_resolved(frame.targets, self.time_tokens))
        for asserter, asserter_text, conf in self._asserters(outer, frames):
            parent = self.frame_ids.get((outer.trigger, asserter)) if outer else None
            for speaker in speakers:
                for target in targets:
                    if not self._parties_allowed(frame.speech_act, speaker, target):
                        continue
                    s = self.emit(
                        sent, asserter=asserter, stance=stance, subject=speaker, event_type=frame.speech_act,
                        obj=target, trigger=trigger, match=frame.match, rule=f"speech-act:{frame.rule}",
                        confidence=0.9 * conf * min(a.confidence for a in (speaker, target) if a) if (speaker or target) else 0.5,
                        parent=parent, negated=negated, asserter_text=asserter_text,
                    )
                    if s is not None and speaker is not None and speaker.actor_id:
                        self.frame_ids.setdefault((frame.trigger, speaker.actor_id), s.id)

    def _event(self, sent: Span, match: PredicateMatch, entry: PredicateEntry, frames: list[Frame]) -> None:
        doc = self.doc
        head = doc[match.head]
        roles: Roles = self.roles.roles_for(match, entry)
        frame = enclosing_frame(frames, match.head)
        if frame is None and match.event_type not in VERBAL_ACTS:
            frame = self.quote_frames.get(head.i)  # a speech act in a quotation stays the author's to report
        times = self.time_tokens
        subjects, objects = _prefer_resolved(roles.subjects, times), _prefer_resolved(roles.objects, times)
        if frame is not None and frame.target_is_subject and any(a.actor_id for a in frame.targets) and (
            not any(a.actor_id for a in subjects) or all(a.rule.startswith("control") for a in subjects)
        ):
            # "accused X of attacking", "called on X to withdraw": X does it (not the caller, whom the walk
            # reaches through control)
            subjects = frame.targets
            # "blamed the attack on X": the parser may hang "on X" on the attack, but X is its author
            accused = {a.actor_id for a in frame.targets}
            objects = [a for a in objects if a.actor_id not in accused]
        if frame is not None and frame.rule == "request" and (not any(a.actor_id for a in subjects) or (
            any(a.actor_id for a in frame.targets) and all(a.rule.startswith("control") for a in subjects)
        )):
            subjects = frame.targets  # "X pressed Y to withdraw": Y withdraws
        if frame is not None and frame.rule == "threat" and not any(a.actor_id for a in subjects):
            subjects = frame.speakers  # "X threatened to strike": X would strike
        answerable = responsibility_of(head, self.cues.words)
        if answerable is not None:
            # "X claimed responsibility for the bombing", "X was not responsible for the attack"
            holders = resolve_all(doc, answerable.holder, "responsibility")
            if not any(a.actor_id for a in subjects):
                subjects = holders
            frame = self._holder_frame(answerable, holders) or frame
        if frame is not None and subjects and not any(a.actor_id for a in subjects):
            # "X claimed that they had attacked ...": an unresolved pronoun in reported speech is the speaker
            subjects = self._speaker_pronoun(doc[subjects[0].token], frame) or subjects
        objects = self._pair_fallback(objects)
        if roles.symmetric and not subjects and len(objects) >= 2:
            subjects, objects = objects[:1], objects[1:]
        resolved_subjects = [a for a in subjects if a.actor_id]
        if not any(a.actor_id for a in roles.objects) and len(resolved_subjects) >= 2 and (
            match.event_type.lower() in self.cues.words.reciprocal
        ):
            # "X and Y signed an agreement": each is the other's counterpart
            subjects, objects = resolved_subjects[:1], resolved_subjects[1:]
            roles.rule += "-reciprocal"
        event_type = "REQUEST" if roles.desired else match.event_type
        stance, negated = self.cues.stance.decide(
            head, frame.content_stance if frame else None, set(frame.content_heads) if frame else set(),
            negative_trigger=entry.negative, requested=roles.desired,
            presupposable=event_type.lower() not in self.cues.words.scheduled)
        if answerable is not None and (answerable.kind == "denies" or (answerable.negative or negated) and (
            answerable.kind == "claims" or frame is not None
        )):
            stance, negated = "denies", False  # a denial of the event, not an assertion that it did not happen
        rule = f"{roles.rule}:{'+'.join(sorted({a.rule for a in subjects + objects})) or 'none'}"
        if frame is not None:
            rule += f"/frame:{frame.rule}"
        for asserter, asserter_text, conf in self._asserters(frame, frames):
            parent = self.frame_ids.get((frame.trigger, asserter)) if frame is not None else None
            for subject in _or_none(subjects):
                for obj in _or_none(objects):
                    if obj is not None and subject is not None and obj.actor_id == subject.actor_id and (
                        "possessor" in obj.rule
                    ):
                        # "the Taliban attacked their posts": an owner that is the attacker is a misread pronoun
                        obj = Arg(obj.token, None, obj.text, obj.rule, obj.confidence)
                    if not self._parties_allowed(event_type, subject, obj):
                        continue
                    confidence = conf * 0.9
                    for arg in (subject, obj):
                        if arg is not None and arg.actor_id:
                            confidence *= arg.confidence
                        elif arg is None:
                            confidence *= 0.8
                    s = self.emit(
                        sent, asserter=asserter, stance=stance, subject=subject, event_type=event_type, obj=obj,
                        trigger=head, match=match, rule=rule, confidence=confidence, parent=parent,
                        negated=negated, asserter_text=asserter_text,
                    )
                    if s is not None and frame is not None and frame.speech_act == "ACCUSE":
                        self.carried.setdefault(id(frame), []).append((s, subject, obj))

    def _noncommittal(self, frame: Frame) -> bool:
        """"Neither confirmed nor denied", "would not confirm or deny": a denying verb coordinated with a
        confirming one by "nor" or "or" commits to nothing."""
        if frame.speech_act != "REJECT":
            return False
        words = self.cues.words
        trigger = self.doc[frame.trigger]
        pair = [trigger.head] if trigger.dep_ == "conj" else [c for c in trigger.children if c.dep_ == "conj"]
        for other in pair:
            first = other if trigger.dep_ == "conj" else trigger
            if other.lemma_.lower() in words.confirming and any(
                c.dep_ == "cc" and c.lower_ in ("nor", "or") for c in first.children
            ):
                return True
        return False

    def _holder_frame(self, answerable: Responsibility, holders: list[Arg]) -> Frame | None:
        """The holder speaks for itself when it claims or denies ("X claimed responsibility for ..."), unless the
        text names it by a pronoun nobody resolved."""
        if answerable.kind == "states" or answerable.verb is None:
            return None
        if not any(a.actor_id for a in holders) and (
            not holders or any(self.doc[a.token].pos_ == "PRON" for a in holders)
        ):
            return None
        stance: Stance = "denies" if answerable.kind == "denies" else "asserts"
        return Frame(answerable.verb.i, None, holders, [], [], stance, None, "responsibility")

    def _parties_allowed(self, event_type: str, subject: Arg | None, obj: Arg | None) -> bool:
        return self.gates.allows(self.doc, event_type, (subject.actor_id if subject else None,
                                                        obj.actor_id if obj else None))

    def _pair_fallback(self, objects: list[Arg]) -> list[Arg]:
        """"between the two" / "both": the two parties of the previous statement."""
        out: list[Arg] = []
        for arg in objects:
            token = self.doc[arg.token]
            if arg.actor_id is None and token.lower_ in self.cues.words.pair and self.last_pair:
                out.extend(Arg(a.token, a.actor_id, a.text, "pair", a.confidence * 0.7) for a in self.last_pair)
            else:
                out.append(arg)
        return out

    def _denial(self, sent: Span, frame: Frame, frames: list[Frame]) -> None:
        trigger = self.doc[frame.trigger]
        for carried, subject, obj in self.carried.get(id(frame.answers), []):
            for speaker in frame.speakers:
                if not speaker.actor_id:
                    continue
                parent = self.frame_ids.get((frame.trigger, speaker.actor_id))
                self.emit(
                    sent, asserter=speaker.actor_id, stance="denies", subject=subject, event_type=carried.event_type,
                    obj=obj, trigger=trigger, match=frame.match, rule="frame:charge-denied",
                    confidence=carried.confidence * speaker.confidence, parent=parent, negated=carried.negated,
                    asserter_text=speaker.text,
                )


def _or_none(args: list[Arg]) -> list[Arg | None]:
    """The arguments, or one missing argument: a statement is made with an unknown party too."""
    return [*args] or [None]


def _prefer_resolved(args: list[Arg], times: AbstractSet[int] = frozenset()) -> list[Arg]:
    """Resolved arguments if any, else the first unresolved one that is not a time phrase."""
    resolved = [a for a in args if a.actor_id]
    return resolved or [a for a in args if a.token not in times][:1]


class StatementComponent:
    """``cg_statements``: a StatementBuilder per Doc, with the cues and role patterns built once."""

    def __init__(self, cues: Cues, patterns: RolePatterns):
        self.cues = cues
        self.patterns = patterns

    def __call__(self, doc: Doc) -> Doc:
        doc._.cg_statements = StatementBuilder(doc, self.cues, self.patterns).build()
        return doc


@Language.factory("cg_statements", default_config={"role_rules_path": None},
                  requires=["doc._.cg_predicates", "doc._.cg_mentions"],
                  # besides the statements: the provisional actors (and their mentions) of speakers and
                  # anonymous sources that only a reporting frame reveals
                  assigns=["doc._.cg_statements", "doc._.cg_actors", "doc._.cg_mentions", "doc._.cg_token_mention"])
def make_statement_builder(nlp: Language, name: str, role_rules_path: str | None) -> DataComponent:
    """``role_rules_path``: the role rules (default: the bundled role_patterns.yaml). The cues come from the
    modality, attribution and light-verb lexicons and syntax_cues.yaml."""
    return DataComponent(nlp, name, lambda: StatementComponent(
        load_cues(), RolePatterns(load_role_rules(role_rules_path), nlp.vocab)))
