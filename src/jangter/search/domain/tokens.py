"""Search tokens, the same for both engines and for queries (issue #7; DESIGN §4).

The commonest Korean query words have two syllables (용역, 공사, 구매, 청사, 도로): shorter than a trigram. A
Hangul run is therefore indexed as its character bigrams, plus its last syllable alone, so that:

- a query of two or more syllables becomes its bigrams, all required (``정보시스템`` → 정보 보시 시스 스템), which
  finds the word inside longer compounds (``통합정보시스템``) as well;
- a one-syllable query ``q`` matches any bigram starting with ``q`` (a prefix query) or a run ending in ``q``
  (the last-syllable token), so every occurrence is found.

Latin words and numbers are indexed whole, lower-cased (``LED``, ``2027``, notice numbers ``r26bk00000001``), and
a word of letters also under each of its beginnings of two letters or more (``system``: sy sys syst syste), so a
query word of letters matches as a prefix (``sys`` finds ``system``) by looking up one token: an engine's own
prefix search merges every word's list and cost milliseconds over a million notices. Text is NFKC-normalised
first, so full-width letters and compatibility jamo behave like their plain forms.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
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


def _other_tokens(part: str) -> list[str]:
    if part.isalpha():  # letters: the word and its beginnings, so that a query word is a prefix of it
        return [part, *(part[:k] for k in range(2, len(part)))]
    return [part]


def index_tokens(text: str) -> list[str]:
    """The tokens a text is indexed under, in order (duplicates kept)."""
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
        out.extend(_hangul_tokens(part) if _HANGUL.fullmatch(part) else _other_tokens(part))
    return out


def facet(name: str, value: object) -> str:
    """The token a notice carries for a filter value: ``method→generalcompetitive``, ``region→11``, ``agency→42``.

    Filters that are tokens are intersected with the words inside the engine's own index, which keeps a filtered
    search fast however common its words are. Text never yields such a token (``→`` only ever starts one)."""
    return name + _LAST + re.sub(r"[^0-9a-z]", "", str(value).lower())


def facets_of(*, contract_method: object = None, region: object = None, agency_id: object = None) -> tuple[str, ...]:
    """A notice's filter tokens (all given), or those a search asks for (the ones not ``None``). The category is
    not one: it qualifies the words themselves (:func:`in_category`)."""
    given = {"method": contract_method, "region": region, "agency": agency_id}
    return tuple(facet(name, value) for name, value in given.items() if value is not None and value != "")


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
    category: str | None = None  # searched within one category: the engine matches :attr:`match_terms`

    @property
    def empty(self) -> bool:
        return not self.terms

    @property
    def match_terms(self) -> tuple[Term, ...]:
        """The terms the engine looks up: within a category, the category's own tokens (:func:`in_category`)."""
        if self.category is None:
            return self.terms
        return tuple(
            Term(
                tuple(in_category(self.category, t) for t in term.exact),
                in_category(self.category, term.prefix) if term.prefix else None,
            )
            for term in self.terms
        )


def in_category(category: str, token: str) -> str:
    """``works→공사``: a token as it is found within one category.

    Searching within a category (물품·용역·공사, the first choice on a procurement site) looks up these tokens
    instead of intersecting a word with the third of all notices in the category: a word of another category
    (공사 among goods) finds nothing at once, instead of after comparing two lists of 300,000 notices."""
    return category + _LAST + token


def scorer(parsed: ParsedQuery) -> Callable[[str, str], int]:
    """How well a notice matches, the same on both engines (ADR 0009): ``scorer(parsed)(title, names)`` gives, per
    query term, 10 when the title's tokens hold it, else 4 when those of the number or an agency's name do, else 0
    (it is in the notice's text). Tokens are space-separated: " 도로 " is the token 도로, " led" any token
    beginning with led."""
    needles = [
        (*(f" {t} " for t in term.exact), *((f" {term.prefix}",) if term.prefix else ())) for term in parsed.terms
    ]

    def score(title: str, names: str) -> int:
        title, names = f" {title} ", f" {names} "
        total = 0
        for options in needles:
            if any(needle in title for needle in options):
                total += 10
            elif any(needle in names for needle in options):
                total += 4
        return total

    return score


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
                # numbers whole; letters as a prefix, which two letters or more look up as one indexed beginning
                whole = part.isdigit() or (part.isalpha() and len(part) >= 2)
                terms.append(Term(exact=(part,)) if whole else Term(prefix=part))
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
