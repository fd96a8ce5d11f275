"""Search tokens, the same for both engines and for queries (issue #7; DESIGN §4).

The commonest Korean query words have two syllables (용역, 공사, 구매, 청사, 도로): shorter than a trigram. A
Hangul run is therefore indexed as its character bigrams, plus its last syllable alone, so that:

- a query of two or more syllables becomes its bigrams, all required (``정보시스템`` → 정보 보시 시스 스템), which
  finds the word inside longer compounds (``통합정보시스템``) as well;
- a one-syllable query ``q`` matches any bigram starting with ``q`` (a prefix query) or a run ending in ``q``
  (the last-syllable token), so every occurrence is found.

Latin words and numbers are indexed whole, lower-cased (``LED``, ``2027``, notice numbers ``r26bk00000001``); a
query word of Latin letters matches as a prefix (``sys`` finds ``system``). Text is NFKC-normalised first, so
full-width letters and compatibility jamo behave like their plain forms.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_HANGUL = re.compile(r"[\uac00-\ud7a3]+")
_WORD = re.compile(r"[\uac00-\ud7a3]+|[^\W_]+", re.UNICODE)
_LAST = "\u2192"  # marks the last-syllable token: "→길" (never produced by text itself after NFKC + word split)


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _hangul_tokens(run: str) -> list[str]:
    if len(run) == 1:
        return [_LAST + run]
    return [run[i : i + 2] for i in range(len(run) - 1)] + [_LAST + run[-1]]


def index_tokens(text: str) -> list[str]:
    """The tokens a text is indexed under, in order (duplicates kept: term frequency counts for ranking)."""
    out: list[str] = []
    for word in _WORD.findall(normalise(text)):
        if _HANGUL.fullmatch(word):
            out.extend(_hangul_tokens(word))
        else:
            out.extend(_split_mixed(word))
    return out


def _split_mixed(word: str) -> list[str]:
    """A word mixing Hangul and Latin letters or digits (``2027년``, ``led조명``): each part on its own."""
    parts = re.findall(r"[\uac00-\ud7a3]+|[^\uac00-\ud7a3]+", word)
    out: list[str] = []
    for part in parts:
        out.extend(_hangul_tokens(part) if _HANGUL.fullmatch(part) else [part])
    return out


@dataclass(frozen=True)
class Term:
    """One thing a query requires: any of ``exact`` tokens, or any token starting with ``prefix``."""

    exact: tuple[str, ...] = ()
    prefix: str | None = None


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[Term, ...]  # all required
    words: tuple[str, ...]  # the query's words, normalised (for highlighting)
    notice_number: str | None  # the query is a notice number (``R26BK00000001`` or ``R26BK00000001-000``)

    @property
    def empty(self) -> bool:
        return not self.terms


_NUMBER = re.compile(r"^r\d{2}[a-z]{2}\d{8}(-\d{3})?$")
MAX_TERMS = 16


def parse_query(text: str) -> ParsedQuery:
    """Every word of the query is required; a Hangul word needs all its bigrams."""
    normal = normalise(text).strip()
    number = normal.split("-")[0].upper() if _NUMBER.match(normal) else None
    terms: list[Term] = []
    words: list[str] = []
    for word in _WORD.findall(normal):
        words.append(word)
        parts = re.findall(r"[\uac00-\ud7a3]+|[^\uac00-\ud7a3]+", word)
        for part in parts:
            if _HANGUL.fullmatch(part):
                if len(part) == 1:
                    terms.append(Term(exact=(_LAST + part,), prefix=part))
                else:
                    terms.extend(Term(exact=(part[i : i + 2],)) for i in range(len(part) - 1))
            else:
                terms.append(Term(exact=(part,)) if part.isdigit() else Term(prefix=part))
    unique = tuple(dict.fromkeys(terms))[:MAX_TERMS]
    return ParsedQuery(unique, tuple(dict.fromkeys(words)), number)


def highlight(text: str, words: tuple[str, ...]) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, matched) pieces where any query word occurs (case-insensitive), for <mark>."""
    if not words:
        return [(text, False)]
    folded = normalise(text)
    if len(folded) != len(text):  # NFKC changed the length: mark nothing rather than the wrong letters
        return [(text, False)]
    marks = [False] * len(text)
    for word in words:
        start = folded.find(word)
        while start != -1:
            for i in range(start, start + len(word)):
                marks[i] = True
            start = folded.find(word, start + 1)
    pieces: list[tuple[str, bool]] = []
    for char, marked in zip(text, marks, strict=True):
        if pieces and pieces[-1][1] == marked:
            pieces[-1] = (pieces[-1][0] + char, marked)
        else:
            pieces.append((char, marked))
    return pieces
