"""Synthetic strings: invented names and places, the user-tag vocabulary and the genome tags."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import numpy as np

from netflix_elt.movielens.datagen import words

T = TypeVar("T")
# Tags that need CSV quoting, mirroring the real files' quirks (a tag wrapped in double quotes, commas).
QUOTED_TAG_WORDS = ["artful", "meta", "cult", "camp", "deep"]
COMMA_TAGS = ["slow, moody", "funny, sad", "dark, gritty", "long, but worth it", "loud, fun"]


class Picker:
    """Buffered scalar draws from a numpy Generator (cheap choice() for string building in Python loops)."""

    def __init__(self, rng: np.random.Generator, block: int = 4096) -> None:
        self._rng = rng
        self._block = block
        self._buf = rng.random(block)
        self._i = 0

    def random(self) -> float:
        """One uniform float in [0, 1)."""
        if self._i == self._block:
            self._buf = self._rng.random(self._block)
            self._i = 0
        u = float(self._buf[self._i])
        self._i += 1
        return u

    def below(self, n: int) -> int:
        """A uniform integer in [0, n)."""
        return min(int(self.random() * n), n - 1)

    def choice(self, seq: Sequence[T]) -> T:
        """A uniform element of ``seq``."""
        return seq[self.below(len(seq))]

    def chance(self, p: float) -> bool:
        """True with probability ``p``."""
        return self.random() < p


def invented_word(pick: Picker, syllables: int, accented: bool = False) -> str:
    """A capitalised pronounceable non-word; ``accented`` inserts one accented syllable."""
    parts = [pick.choice(words.SYLLABLES) for _ in range(syllables)]
    if accented:
        parts[pick.below(syllables)] = pick.choice(words.ACCENTED_SYLLABLES)
    return "".join(parts).capitalize()


def person_name(pick: Picker) -> str:
    """An invented 'First Last' name."""
    return f"{invented_word(pick, 2)} {invented_word(pick, 2 + pick.below(2))}"


def place_name(pick: Picker) -> str:
    """An invented place name such as 'Marvelen'."""
    return invented_word(pick, 2 + pick.below(2))


def tag_candidate(pick: Picker) -> str:
    """One random user tag (may repeat across calls)."""
    adj, noun = words.TAG_ADJECTIVES, words.TAG_NOUNS
    u = pick.random()
    if u < 0.30:
        return f"{pick.choice(adj)} {pick.choice(noun)}"
    if u < 0.40:
        return pick.choice(adj)
    if u < 0.47:
        return pick.choice(noun)
    if u < 0.62:
        return person_name(pick)
    if u < 0.67:
        return f"based on {pick.choice(words.TAG_SOURCES)}"
    if u < 0.73:
        return f"set in {pick.choice([*words.TAG_SETTINGS, place_name(pick)])}"
    if u < 0.76:
        return f"{pick.choice(words.TAG_DECADES)} {pick.choice(noun)}"
    if u < 0.88:
        return f"{pick.choice(adj)} {pick.choice(adj)} {pick.choice(noun)}"
    if u < 0.94:
        # Users are inconsistent about case: some tags are capitalised or shouted.
        base = f"{pick.choice(adj)} {pick.choice(noun)}"
        return base.upper() if pick.chance(0.2) else base.capitalize()
    return f"{pick.choice(noun)} {pick.choice(['movie', 'film', 'flick', 'scene', 'vibes'])}"


def _unique(pick: Picker, n: int, make: Callable[[Picker], str], seed_items: Sequence[str] = ()) -> list[str]:
    """``n`` distinct strings: ``seed_items`` first, then ``make`` candidates in draw order."""
    out: list[str] = []
    seen: set[str] = set()
    for item in seed_items:
        if item not in seen and len(out) < n:
            seen.add(item)
            out.append(item)
    attempts = 0
    while len(out) < n:
        cand = make(pick)
        attempts += 1
        if cand not in seen:
            seen.add(cand)
            out.append(cand)
        elif attempts > 50 * n + 1000:
            # The template space is far larger than any vocabulary we need; this is a safety net only.
            cand = f"{cand} {len(out)}"
            seen.add(cand)
            out.append(cand)
    return out


def tag_vocabulary(rng: np.random.Generator, size: int) -> tuple[list[str], np.ndarray]:
    """``size`` distinct user tags sorted by Python string order, and their Zipf popularity weights.

    The vocabulary includes the awkward cases (a tag wrapped in double quotes, tags with commas) at
    mid-to-low popularity.
    """
    pick = Picker(rng)
    specials = [f'"{w}"' for w in QUOTED_TAG_WORDS] + COMMA_TAGS
    tags = _unique(pick, max(size, len(specials) + 10), tag_candidate)
    # Zipf weights by draw order; the specials replace entries at scattered mid ranks.
    ranks = np.arange(1, len(tags) + 1, dtype=np.float64)
    weights = 1.0 / (ranks + 3.0) ** 0.8
    first = min(400, len(tags) // 4)
    step = max(1, min(97, (len(tags) - first) // len(specials)))
    present = set(tags)
    for k, special in enumerate(specials):
        if special not in present:
            tags[first + step * k] = special
    order = sorted(range(len(tags)), key=tags.__getitem__)
    return [tags[i] for i in order], weights[np.array(order)]


def _genome_candidate(pick: Picker) -> str:
    adj, noun = words.TAG_ADJECTIVES, words.TAG_NOUNS
    u = pick.random()
    if u < 0.22:
        return pick.choice(adj)
    if u < 0.34:
        return pick.choice(noun)
    if u < 0.72:
        return f"{pick.choice(adj)} {pick.choice(noun)}"
    if u < 0.78:
        return f"based on {pick.choice(words.TAG_SOURCES)}"
    if u < 0.86:
        return f"set in {pick.choice(words.TAG_SETTINGS)}"
    if u < 0.92:
        return f"{pick.choice(words.TAG_DECADES)} {pick.choice(noun)}"
    return person_name(pick).lower()


def genome_tags(rng: np.random.Generator, count: int) -> list[str]:
    """``count`` distinct lower-case genome tags in alphabetical order (tagId = position + 1)."""
    pick = Picker(rng)
    seeds = sorted(dict.fromkeys(words.TAG_ADJECTIVES + words.TAG_NOUNS))
    # Start from a shuffled subset of the single words so every genre-ish concept is represented.
    first = [seeds[i] for i in rng.permutation(len(seeds))[: count // 4]]
    return sorted(_unique(pick, count, _genome_candidate, first))
