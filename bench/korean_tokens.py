"""Syllable pairs or morphemes? The measurement behind ADR 0009's choice (issue #7: "index Korean as character
bigrams, or as morphemes with a Korean tokenizer from PyPI if it measurably ranks better — decide with numbers").

Not part of ``make bench`` (it needs ``kiwipiepy``, a morphological analyser that Jangter does not depend on):
``pip install kiwipiepy`` in a separate environment with Jangter installed, then ``python -m bench.korean_tokens``.

Titles: the real notice titles in the Korean open-data samples (``shared/reference/g2b-openapi/samples``), the
demo's titles and 3,000 titles of the demo corpus generator. Queries: every Hangul word of those titles and every
two- and three-syllable run inside them (what people type: 청사 for 정부세종청사), plus the bench's words. A
notice is relevant to a query when its title holds the query as written (spaces aside); each method's matches are
compared with that: recall (relevant notices found) and precision (matches that are relevant), averaged over the
queries. Every term of a query is required in both methods, as in Jangter.
"""

from __future__ import annotations

import random
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from jangter.demo_corpus import title_of
from jangter.kernel.procurement import Category
from jangter.search.domain.tokens import index_tokens, normalise, parse_query

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "reference" / "g2b-openapi" / "samples"
HANGUL = re.compile(r"[가-힣]+")


def titles() -> list[str]:
    found: set[str] = set()
    for path in SAMPLES.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="ignore")
            found |= set(re.findall(r'"bidNtceNm"\s*:\s*"([^"]+)"', text))
            found |= set(re.findall(r"<bidNtceNm>([^<]+)", text))
    rng = random.Random(2026)
    generated = [title_of(rng, rng.choice(list(Category)), 2027) for _ in range(3000)]
    return sorted(found) + generated


def queries(corpus: Iterable[str]) -> list[str]:
    words: set[str] = set()
    for title in corpus:
        for run in HANGUL.findall(title):
            words.add(run)
            for size in (2, 3):
                words |= {run[i : i + size] for i in range(len(run) - size + 1)}
    return sorted(words)


def nouns(corpus: Iterable[str]) -> list[str]:
    """The nouns Kiwi finds in the titles (two syllables or more): the words people type."""
    from kiwipiepy import Kiwi

    kiwi = Kiwi()
    found = {
        token.form
        for title in corpus
        for token in kiwi.tokenize(normalise(title))
        if token.tag in ("NNG", "NNP") and len(token.form) >= 2 and HANGUL.fullmatch(token.form)
    }
    return sorted(found)


def _has(tokens: set[str], exact: Iterable[str], prefix: str | None) -> bool:
    return any(t in tokens for t in exact) or bool(prefix and any(x.startswith(prefix) for x in tokens))


def bigram_index(corpus: list[str]) -> Callable[[str], set[int]]:
    docs = [set(index_tokens(t)) for t in corpus]

    def search(query: str) -> set[int]:
        terms = parse_query(query).match_terms
        hits = set()
        for i, tokens in enumerate(docs):
            if all(_has(tokens, term.exact, term.prefix) for term in terms):
                hits.add(i)
        return hits

    return search


def morpheme_index(corpus: list[str]) -> Callable[[str], set[int]]:
    from kiwipiepy import Kiwi

    kiwi = Kiwi()

    def morphemes(text: str) -> set[str]:
        return {token.form for token in kiwi.tokenize(normalise(text))}

    docs = [morphemes(t) for t in corpus]

    def search(query: str) -> set[int]:
        wanted = morphemes(query)
        return {i for i, tokens in enumerate(docs) if wanted and wanted <= tokens}

    return search


def measure(corpus: list[str], asked: list[str], search: Callable[[str], set[int]]) -> tuple[float, float, int]:
    flat = [normalise(t) for t in corpus]
    recall = precision = 0.0
    missed_any = 0
    counted = 0
    for query in asked:
        truth = {i for i, t in enumerate(flat) if normalise(query) in t}
        if not truth:
            continue
        counted += 1
        found = search(query)
        recall += len(found & truth) / len(truth)
        precision += len(found & truth) / len(found) if found else 0.0
        missed_any += bool(truth - found)
    return recall / counted, precision / counted, missed_any


def main() -> None:
    try:
        import kiwipiepy  # noqa: F401
    except ImportError:
        sys.exit("this measurement needs kiwipiepy: pip install kiwipiepy")
    corpus = titles()
    methods = {"syllable pairs (Jangter)": bigram_index(corpus), "morphemes (Kiwi)": morpheme_index(corpus)}
    for label, asked in (
        ("words and 2-3 syllable runs inside them", queries(corpus)),
        ("nouns (the words Kiwi finds)", nouns(corpus)),
    ):
        print(f"{len(corpus):,} titles; queries: {label} ({len(asked):,})")
        for name, search in methods.items():
            recall, precision, missed = measure(corpus, asked, search)
            print(f"  {name:26} recall {recall:6.1%}  precision {precision:6.1%}  queries missing a title: {missed:,}")


if __name__ == "__main__":
    main()
