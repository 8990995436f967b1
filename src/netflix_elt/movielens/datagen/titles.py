"""Synthetic movie titles in MovieLens style, including its hand-entered dirty records.

A title is ``Name (YYYY)``; leading articles are moved to the end (``Silent Harbor, The (1999)``); foreign
films carry an alternate title in a second pair of parentheses; a few titles have no year, a year range with
an en dash, a trailing space, double quotes, or are duplicated under a second movieId.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from netflix_elt.movielens.datagen import words
from netflix_elt.movielens.datagen.vocab import Picker, invented_word, person_name

ADJ = list(dict.fromkeys(words.ADJECTIVES))
NOUN = list(dict.fromkeys(words.NOUNS))
_ARTICLE_SUFFIX = re.compile(r", (The|An|A)$")
# Rates per movie from ml-latest-small; each kind appears at least once whatever the scale.
DIRTY_RATES = {"no_year": 0.0013, "year_range": 0.0001, "trailing_space": 0.0011, "duplicate": 0.0005,
               "double_quote": 0.0003}  # fmt: skip


@dataclass(frozen=True)
class Titles:
    """Titles of the catalogue plus the (possibly adjusted) release years and dirty-record positions."""

    titles: list[str]
    years: np.ndarray
    dirty: dict[str, np.ndarray]


def _english_name(pick: Picker, previous: list[str]) -> str:
    u = pick.random()
    if u < 0.30:
        name = f"{pick.choice(ADJ)} {pick.choice(NOUN)}"
    elif u < 0.42:
        name = pick.choice(NOUN)
    elif u < 0.55:
        name = f"{pick.choice(NOUN)} {pick.choice(words.CONNECTORS)} the {pick.choice(NOUN)}"
    elif u < 0.60:
        name = f"{pick.choice(NOUN)} {pick.choice(words.CONNECTORS)} {invented_word(pick, 3)}"
    elif u < 0.66:
        name = f"{person_name(pick).split()[0]}'s {pick.choice(NOUN)}"
    elif u < 0.74:
        name = f"{pick.choice(ADJ)} {pick.choice(words.PEOPLE)}"
    elif u < 0.81:
        name = f"{pick.choice(NOUN)}: {pick.choice(ADJ)} {pick.choice(NOUN)}"
    elif u < 0.86:
        name = f"{pick.choice(NOUN)} and {pick.choice(NOUN)}"
    elif u < 0.875:
        name = f"{pick.choice(NOUN)}, {pick.choice(NOUN)} and {pick.choice(NOUN)}"
    elif u < 0.93 and previous:
        name = f"{pick.choice(previous)} {pick.choice(['2', '3', 'II', 'Part II', 'Returns'])}"
    else:
        name = f"{pick.choice(words.PEOPLE)} {pick.choice(words.CONNECTORS)} the {pick.choice(NOUN)}"
    a = pick.random()
    if a < 0.12:
        return f"{name}, The"
    if a < 0.15:
        return f"{name}, A"
    if a < 0.158:
        return f"{name}, An"
    return name


def _foreign_name(pick: Picker, accented: bool) -> str:
    name = invented_word(pick, 2 + pick.below(2), accented=accented)
    if pick.chance(0.5):
        name += " " + invented_word(pick, 2, accented=accented and pick.chance(0.5)).lower()
    if pick.chance(0.25):
        name = f"{name}, {pick.choice(words.FOREIGN_ARTICLES)}"
    return name


def _name(pick: Picker, previous: list[str]) -> str:
    u = pick.random()
    if u < 0.075:
        # Foreign film listed under its English title with the original in parentheses.
        return f"{_english_name(pick, previous)} ({_foreign_name(pick, accented=pick.chance(0.25))})"
    if u < 0.11:
        return f"{_foreign_name(pick, accented=False)} ({_english_name(pick, previous)})"
    if u < 0.122:
        return _foreign_name(pick, accented=True)
    return _english_name(pick, previous)


def _dirty_positions(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    counts = {kind: max(1, round(n * rate)) for kind, rate in DIRTY_RATES.items()}
    # The first movie is never dirty so every duplicate has an earlier original.
    chosen = 1 + rng.permutation(n - 1)[: sum(counts.values())]
    out, start = {}, 0
    for kind, c in counts.items():
        out[kind] = np.sort(chosen[start : start + c])
        start += c
    return out


def movie_titles(rng: np.random.Generator, years: np.ndarray) -> Titles:
    """One title per movie (``years`` holds release years); titles are unique except deliberate duplicates."""
    n = years.size
    if n < 10:
        raise ValueError("need at least 10 movies")
    pick = Picker(rng)
    years = years.copy()
    dirty = _dirty_positions(rng, n)
    kind_of = {int(i): kind for kind, idx in dirty.items() for i in idx}
    titles: list[str] = []
    seen: set[str] = set()
    names: list[str] = []
    for i in range(n):
        kind = kind_of.get(i)
        if kind == "duplicate":
            j = pick.below(i)
            titles.append(titles[j])
            years[i] = years[j]
            continue
        while True:
            name = _name(pick, names[-200:])
            if kind == "double_quote":
                name = f'{pick.choice(NOUN)} "{pick.choice(ADJ)}" {pick.choice(NOUN)}'
            if kind == "no_year":
                title = name
            elif kind == "year_range":
                end = min(int(years[i]) + 1 + pick.below(3), 2019)
                years[i] = min(int(years[i]), end - 1)
                title = f"{name} ({years[i]}–{end})"
            else:
                title = f"{name} ({years[i]})"
            if kind == "trailing_space":
                title += " "
            if title not in seen:
                break
        seen.add(title)
        titles.append(title)
        names.append(_ARTICLE_SUFFIX.sub("", name.split(" (")[0]))
    return Titles(titles=titles, years=years, dirty=dirty)


def new_title(pick: Picker, year: int) -> str:
    """A single clean ``Name (YYYY)`` title (used for the movies an increment adds)."""
    return f"{_name(pick, [])} ({year})"
