"""Reading a token and its neighbourhood in the parse: lemmas and parts of speech as the lexicons see them,
coordination, prepositional objects, noun-phrase text. Shared by the actor and the claim components, so it
knows nothing of either.
"""

from __future__ import annotations

import re
from typing import Iterable

from spacy.tokens import Token

PLURAL_TAGS = frozenset({"NNS", "NNPS"})


def hyphen_joined(token: Token) -> str | None:
    """"cease-fire" split by the tokenizer into "cease", "-", "fire": the whole word, seen from "fire"."""
    i = token.i
    if i >= 2 and token.doc[i - 1].text == "-" and not token.doc[i - 1].whitespace_ and not token.doc[i - 2].whitespace_:
        return f"{token.doc[i - 2].lower_}-{token.lower_}"
    return None


def token_pos(token: Token) -> str | None:
    """verb / noun / adj from the fine tag (participles count as verbs), or None for other words."""
    tag = token.tag_
    if tag.startswith("VB") and token.pos_ != "AUX":
        return "verb"
    if tag in ("NNS", "NN") and token.dep_ in ("acl", "relcl", "ccomp", "ROOT", "conj") and any(
        c.dep_ == "dobj" for c in token.children
    ):
        return "verb"  # "that the agency arms the group": a noun with a direct object is a verb the tagger missed
    if tag in ("NN", "NNS"):
        return "noun"
    if tag.startswith("JJ"):
        return "adj"
    return {"VERB": "verb", "NOUN": "noun", "ADJ": "adj"}.get(token.pos_)


def lemma_candidates(token: Token) -> list[str]:
    """The lemma, the lower-cased form, and for "ISKP-ISI-partnership"-like tokens the last part."""
    out = [token.lemma_.lower(), token.lower_]
    joined = hyphen_joined(token)
    if joined:
        out.append(joined)
    low, tag = token.lower_, token.tag_
    # The lemmatizer misreads some regular forms ("fined" -> "fin", "waged" -> "wag"): add naive stems.
    if tag in ("VBD", "VBN") and low.endswith("ed"):
        out += [low[:-1], low[:-2]]
    elif tag == "VBG" and low.endswith("ing"):
        out += [low[:-3] + "e", low[:-3]]
    elif tag in ("VBZ", "NNS") and low.endswith("s"):
        out.append(low[:-1])
    if "-" in token.text.strip("-"):
        last = token.lower_.rsplit("-", 1)[1]
        out += [last, last[:-1] if last.endswith("s") and len(last) > 3 else last]
    return list(dict.fromkeys(w for w in out if w))


def lemma_in(token: Token, words: frozenset[str]) -> bool:
    """Whether any reading of the token's lemma is in ``words`` (the lemmatizer misreads "staged" as "stag")."""
    return any(w in words for w in lemma_candidates(token))


def noun_lemma(token: Token) -> str:
    """The lemma of a noun as the actor lexicons list it: plurals the lemmatizer left alone lose their -s."""
    lemma = token.lemma_.lower() or token.lower_
    if lemma == token.lower_ and token.tag_ in PLURAL_TAGS or (not token.lemma_ and token.lower_.endswith("s")):
        lemma = re.sub(r"ies$", "y", lemma) if lemma.endswith("ies") else re.sub(r"s$", "", lemma)
    return lemma


def phrase_text(token: Token) -> str:
    """The noun phrase a token heads, without trailing clauses: "the complete backing"."""
    doc = token.doc
    start = token.left_edge.i
    end = token.i + 1
    for child in token.rights:
        if child.dep_ in ("compound", "flat", "appos", "nummod") or (child.dep_ == "punct" and child.text in "()"):
            end = max(end, child.right_edge.i + 1)
        else:
            break
    return doc[start:end].text


def conjuncts(token: Token) -> list[Token]:
    """The token and every token coordinated with it ("X and Y", "both X and Y", "X as well as Y")."""
    out = [token]
    for child in token.children:
        if child.dep_ == "conj":
            out.extend(conjuncts(child))
    return out


def prep_objects(head: Token, preps: Iterable[str]) -> list[Token]:
    """Objects of ``head``'s prepositions among ``preps`` ("support *to* X", "fight *against* X")."""
    preps = tuple(preps)
    out = []
    for child in head.children:
        # "sent aid to X": the parser sometimes labels the preposition itself "dative"
        if (child.dep_ in ("prep", "agent") or (child.dep_ == "dative" and child.pos_ == "ADP")) and (
            child.lower_ in preps
        ):
            for c in child.children:
                if c.dep_ == "pobj":
                    out.append(c)
                elif c.dep_ == "pcomp":
                    # "with X and Y relating to ...": the parser makes X the subject of the participle.
                    subjects = [g for g in c.children if g.dep_ == "nsubj"]
                    out.extend(subjects or [c])
        elif child.dep_ == "prt" and child.lower_ in preps:  # "go all out against": particle then prep
            out.extend(c for c in child.children if c.dep_ == "pobj")
    return out


__all__ = [
    "PLURAL_TAGS", "conjuncts", "hyphen_joined", "lemma_candidates", "lemma_in", "noun_lemma", "phrase_text",
    "prep_objects", "token_pos",
]
