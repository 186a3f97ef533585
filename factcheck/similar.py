"""Claims of one tree that say the same thing: ``validate``'s ``possible-duplicate`` warning.

Two claims are near-duplicates when their words, as ``factcheck match`` counts them
(:mod:`factcheck.terms`: stemmed, stop words out), mostly coincide. The similarity is
the idf-weighted Jaccard of their sets of words: the weight of the words both have over
the weight of the words either has (1 for the same words, in any order; a word every
claim uses weighs little, a rare name much). It is symmetric, so whichever claim is
looked at, the same pairs are found. Claims related to each other (either way) are
not reported, nor dismissed claims. The threshold is ``[match] duplicate_threshold``
of the config (:func:`factcheck.siteconfig.match_config`).

Pairs are found by prefix filtering: a claim's rarest words carry most of its weight,
and two claims at least that similar share a word among both claims' rarest; only the
claims that do are compared.

Cached (signed, data-only, like the validation cache): the warnings of a tree while no
claim file of it changed (their signatures, the threshold and the code), and each
claim text's words by the digest of the text, so a change re-reads only what changed.
No printing here.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path as FsPath
from typing import Any

import attrs
import msgspec

from factcheck import cache
from factcheck.problems import Problem
from factcheck.terms import clean, terms

FORMAT = 1


@attrs.frozen
class Claimed:
    """What the rule needs of one claim."""

    path: str
    id: str
    text: str
    related: tuple[str, ...] = ()


def word_set(text: str) -> frozenset[str]:
    """The words of ``text`` as the matcher counts them, each once."""
    return frozenset(terms(clean(text)))


def _idf(total: int, df: int) -> float:
    return math.log(1 + (total - df + 0.5) / (df + 0.5))


@attrs.frozen
class Groups:
    """Claims grouped by their set of words: ``members[g]`` the claims (indexes) of group
    ``g``; ``pairs`` every two groups ``(g, h, similarity)``, ``g < h``, at least the threshold
    similar (the claims of one group are the same words: similarity 1)."""

    members: list[list[int]]
    pairs: list[tuple[int, int, float]]


def similar_groups(sets: Sequence[frozenset[str]], threshold: float) -> Groups:
    """The claims with these sets of words, grouped, and the groups at least ``threshold`` similar."""
    df = Counter(word for s in sets for word in s)
    total = len(sets)
    weight = {word: _idf(total, n) for word, n in df.items()}
    by_words: dict[frozenset[str], list[int]] = {}
    for number, words in enumerate(sets):
        if words:
            by_words.setdefault(words, []).append(number)
    unique = list(by_words)
    sizes = [sum(weight[w] for w in words) for words in unique]
    prefixes = []
    for k, words in enumerate(unique):
        size = sizes[k]
        left, prefix = size, []
        for word in sorted(words, key=lambda w: (-weight[w], w)):  # one order for every set: rarest first
            if left < threshold * size:
                break
            prefix.append(word)
            left -= weight[word]
        prefixes.append(prefix)
    # Two groups this similar share at least threshold * size of each one's weight, so the
    # first word they share (in that one order) is in both prefixes: only prefixes are indexed.
    postings: dict[str, list[int]] = {}
    for k, prefix in enumerate(prefixes):
        for word in prefix:
            postings.setdefault(word, []).append(k)
    vocabulary = {word: n for n, word in enumerate(weight)}
    if len(vocabulary) <= DENSE_WORDS:  # few words in all, shared by many claims: compare with numpy
        pairs = _dense_pairs(unique, sizes, prefixes, postings, weight, vocabulary, threshold)
    else:
        pairs = []
        for k, words in enumerate(unique):
            size = sizes[k]
            for v in sorted({v for word in prefixes[k] for v in postings[word] if v > k}):
                other = sizes[v]
                if not threshold * size <= other <= size / threshold:
                    continue
                shared = sum(weight[w] for w in words & unique[v])
                similarity = shared / (size + other - shared)
                if similarity >= threshold:
                    pairs.append((k, v, similarity))
    return Groups(list(by_words.values()), pairs)


#: A tree using at most this many distinct words is compared as a dense matrix (groups x words).
DENSE_WORDS = 4096


def _dense_pairs(unique: list[frozenset[str]], sizes: list[float], prefixes: list[list[str]], postings: dict[str, list[int]],
                 weight: dict[str, float], vocabulary: dict[str, int], threshold: float) -> list[tuple[int, int, float]]:
    """The pairs of :func:`similar_groups` where the words are few: each group's candidates
    (sharing a prefix word) scored at once as a matrix product."""
    import numpy as np

    matrix = np.zeros((len(unique), len(vocabulary)), dtype=np.float64)
    for k, words in enumerate(unique):
        for word in words:
            matrix[k, vocabulary[word]] = weight[word]
    columns = [np.asarray([vocabulary[w] for w in words], dtype=np.int64) for words in unique]
    size_of = np.asarray(sizes)
    lists = {word: np.asarray(found, dtype=np.int64) for word, found in postings.items()}
    pairs: list[tuple[int, int, float]] = []
    for k in range(len(unique)):
        candidates = np.unique(np.concatenate([lists[w] for w in prefixes[k]]))
        candidates = candidates[candidates > k]
        size = sizes[k]
        other = size_of[candidates]
        candidates = candidates[(threshold * size <= other) & (other <= size / threshold)]
        if not len(candidates):
            continue
        shared = matrix[np.ix_(candidates, columns[k])].sum(axis=1)
        similarity = shared / (size + size_of[candidates] - shared)
        keep = similarity >= threshold
        pairs += [(k, int(v), float(x)) for v, x in zip(candidates[keep], similarity[keep], strict=True)]
    return pairs


@attrs.frozen
class Found:
    """A claim's near-duplicates that are not related to it: the most similar (then the
    first by id) as (similarity, index), and how many there are in all."""

    best: tuple[float, int]
    count: int


def near_duplicates(claims: Sequence[Claimed], threshold: float, sets: Sequence[frozenset[str]] | None = None) -> dict[int, Found]:
    """For each claim (by index) with near-duplicates that are not related to it (either
    way), the most similar of them and their number."""
    if sets is None:
        sets = [word_set(c.text) for c in claims]
    groups = similar_groups(sets, threshold)
    near: list[list[tuple[float, int]]] = [[(1.0, g)] for g in range(len(groups.members))]
    for g, h, similarity in groups.pairs:
        near[g].append((similarity, h))
        near[h].append((similarity, g))
    ids = [c.id for c in claims]
    members = [sorted(m, key=ids.__getitem__) for m in groups.members]
    counts = [Counter(ids[i] for i in m) for m in members]
    relating: dict[str, set[str]] = {}
    for claim in claims:
        for other in claim.related:
            relating.setdefault(other, set()).add(claim.id)
    out: dict[int, Found] = {}
    for g, neighbours in enumerate(near):
        neighbours.sort(key=lambda pair: (-pair[0], pair[1]))
        total = sum(len(members[h]) for _, h in neighbours)
        for index in members[g]:
            claim = claims[index]
            left_out = {claim.id, *claim.related, *relating.get(claim.id, ())}
            count = total - sum(counts[h][i] for _, h in neighbours for i in left_out)
            if count <= 0:
                continue
            best = next((similarity, i) for similarity, h in neighbours for i in members[h] if ids[i] not in left_out)
            out[index] = Found(best, count)
    return out


def message(claims: Sequence[Claimed], found: Found) -> str:
    similarity, best = found.best
    more = f" and {found.count - 1} more" if found.count > 1 else ""
    return f"possible duplicate of {claims[best].id} (similarity {similarity:.2f}){more}: if they differ, relate them (related); if not, dismiss one"


_TEXT_KEY = re.compile(rb"^text:", re.M)
#: Where the text key is looked for first (it is near the top of a claim file).
HEAD = 8192


def text_position(path: str, locate: Callable[[str], tuple[int, int]] | None = None) -> tuple[int, int]:
    """The line and column of a claim file's ``text`` key (``locate`` for a file not laid out
    the usual way, key at the start of a line; else 1, 1)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(HEAD)
    except OSError:
        return 1, 1
    found = _TEXT_KEY.search(data)
    if found is not None:
        return data.count(b"\n", 0, found.start()) + 1, 1
    return locate(path) if locate is not None else (1, 1)


def problems(claims: Sequence[Claimed], threshold: float, sets: Sequence[frozenset[str]] | None = None,
             locate: Callable[[str], tuple[int, int]] | None = None) -> list[Problem]:
    """A ``possible-duplicate`` warning for each claim that has a near-duplicate it is not related to."""
    out = []
    for index, found in near_duplicates(claims, threshold, sets).items():
        path = claims[index].path
        line, col = text_position(path, locate)
        out.append(Problem(path, line, col, "possible-duplicate", message(claims, found)))
    return out


# -- cached -----------------------------------------------------------------------------------


class _Warnings(msgspec.Struct, array_like=True):
    key: bytes  # the claim files' signatures, the threshold and the code
    problems: list[tuple[str, int, int, str, str, str]]


def _path(name: str) -> FsPath:
    return cache.cache_dir() / f"similar-{name}.msgpack"


def _load(name: str, version: str, kind: Any) -> Any:
    key = cache._key()
    body = cache._signed_body(_path(name), cache.MAGIC, key, version) if key is not None else None
    if body is None:
        return None
    try:
        return msgspec.msgpack.decode(body, type=kind)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None


def _save(name: str, version: str, value: Any) -> None:
    write = cache.encoded(_path(name), version, value)
    if write is not None:
        write()


def signature(stats: Mapping[str, object], threshold: float, version: str) -> bytes:
    """What the warnings of a tree depend on: every claim file as it is (its stat), and the threshold."""
    return cache.digest(msgspec.msgpack.encode([version, threshold, sorted(stats.items())]))


def tree_problems(stats: Mapping[str, object], claims_of: Callable[[], Iterable[Claimed]], threshold: float,
                  locate: Callable[[str], tuple[int, int]] | None = None, use_cache: bool = True) -> list[Problem]:
    """:func:`problems` for a tree whose claim files have these ``stats`` (path -> signature):
    from the cache while none of them changed, else found again (``claims_of()`` is called only
    then), reading the words of changed texts only, and cached (``use_cache=False``: found
    afresh, and no cache read or written)."""
    if not use_cache:
        return problems(list(claims_of()), threshold, None, locate)
    version = f"similar-{FORMAT}|{cache.code_version()}"
    key = signature(stats, threshold, version)
    cached = _load("warnings", version, _Warnings)
    if cached is not None and cached.key == key:
        return [tuple.__new__(Problem, p) for p in cached.problems]
    known = _load("words", version, dict[bytes, list[str]]) or {}
    claims = list(claims_of())
    words: dict[bytes, list[str]] = {}
    sets = []
    for claim in claims:
        digest = cache.digest(claim.text.encode())
        found = words.get(digest)
        if found is None:
            found = words[digest] = known[digest] if digest in known else sorted(word_set(claim.text))
        sets.append(frozenset(found))
    out = problems(claims, threshold, sets, locate)
    _save("warnings", version, _Warnings(key, [p.as_tuple() for p in out]))
    if words.keys() != known.keys():
        _save("words", version, words)
    return out
