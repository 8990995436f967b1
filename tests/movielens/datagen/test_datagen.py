"""Tests of the synthetic MovieLens-shaped data generator (netflix_elt.movielens.datagen)."""

from __future__ import annotations

import csv
import itertools
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import textwrap
import time
from collections import Counter
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from netflix_elt.movielens.datagen import (
    GenerationSummary,
    IncrementSummary,
    generate_dataset,
    generate_increment,
    scale_for,
)
from netflix_elt.movielens.datagen.csvio import TextCsvWriter
from netflix_elt.movielens.datagen.timeline import SPAN_END, SPAN_START

RATINGS = 20_000
SEED = 11
HEADERS = {
    "movies.csv": "movieId,title,genres",
    "ratings.csv": "userId,movieId,rating,timestamp",
    "tags.csv": "userId,movieId,tag,timestamp",
    "links.csv": "movieId,imdbId,tmdbId",
    "genome-scores.csv": "movieId,tagId,relevance",
    "genome-tags.csv": "tagId,tag",
}
HALF_STARS = {f"{v / 2:.1f}" for v in range(1, 11)}
GENRES = [
    "Action", "Adventure", "Animation", "Children", "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
    "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western", "IMAX",
]  # fmt: skip
TARGET_HISTOGRAM = {"0.5": 0.014, "1.0": 0.028, "1.5": 0.018, "2.0": 0.075, "2.5": 0.055, "3.0": 0.199,
                    "3.5": 0.130, "4.0": 0.266, "4.5": 0.085, "5.0": 0.131}  # fmt: skip


@cache
def read_rows(path: Path) -> tuple[tuple[str, ...], ...]:
    """Data rows of a CSV file parsed with the csv module (header dropped)."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return tuple(tuple(r) for r in rows[1:])


def pairs(rows: tuple[tuple[str, ...], ...]) -> list[tuple[int, int]]:
    return [(int(r[0]), int(r[1])) for r in rows]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> GenerationSummary:
    return generate_dataset(tmp_path_factory.mktemp("datagen") / "data", RATINGS, seed=SEED)


@pytest.fixture(scope="module")
def increments(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, IncrementSummary]:
    """A dataset with days 1 and 2 (asking for day 2 generates the missing day 1 first)."""
    root = tmp_path_factory.mktemp("datagen-inc") / "data"
    generate_dataset(root, RATINGS, seed=SEED)
    return root, generate_increment(root, 2, seed=SEED)


def load(dataset: GenerationSummary, name: str) -> tuple[tuple[str, ...], ...]:
    return read_rows(dataset.paths[name])


# --- scale -------------------------------------------------------------------------------------------


def test_scale_passes_through_the_real_releases() -> None:
    small, large = scale_for(100_836), scale_for(25_000_095)
    assert (small.users, small.movies, small.tags, small.genome_tags) == (610, 9_742, 3_683, 1_128)
    assert (large.users, large.movies, large.tags) == (162_541, 62_423, 1_093_360)
    assert large.genome_movies == 13_816
    assert scale_for(20_000).genome_movies == 20  # the floor
    sizes = [scale_for(n) for n in (5_000, 50_000, 500_000, 5_000_000)]
    assert all(a.users < b.users and a.movies < b.movies for a, b in itertools.pairwise(sizes))
    with pytest.raises(ValueError):
        scale_for(999)


# --- determinism and file format ---------------------------------------------------------------------


def test_same_seed_gives_identical_bytes(dataset: GenerationSummary, tmp_path: Path) -> None:
    again = generate_dataset(tmp_path / "again", RATINGS, seed=SEED)
    for name in [*HEADERS, "GENERATED.txt"]:
        assert again.paths[name].read_bytes() == dataset.paths[name].read_bytes(), name
    assert again.rows == dataset.rows


def test_different_seed_gives_different_data(dataset: GenerationSummary, tmp_path: Path) -> None:
    other = generate_dataset(tmp_path / "other", RATINGS, seed=SEED + 1)
    for name in HEADERS:
        assert other.paths[name].read_bytes() != dataset.paths[name].read_bytes(), name


def test_output_does_not_depend_on_string_hashing(tmp_path: Path) -> None:
    """Another interpreter, with a different PYTHONHASHSEED (str set/dict order), writes the same bytes."""
    here, there = tmp_path / "here", tmp_path / "there"
    generate_dataset(here, 3_000, seed=5)
    generate_increment(here, 1, seed=5)
    code = (
        "import sys; from pathlib import Path; from netflix_elt.movielens.datagen import generate_dataset as g, "
        "generate_increment as i; d = Path(sys.argv[1]); g(d, 3_000, seed=5); i(d, 1, seed=5)"
    )
    hash_seed = "1" if os.environ.get("PYTHONHASHSEED") != "1" else "2"
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    subprocess.run([sys.executable, "-c", code, str(there)], check=True, env=env)
    files = sorted(p.relative_to(here) for p in here.rglob("*") if p.is_file())
    assert len(files) == 12
    for rel in files:
        assert (here / rel).read_bytes() == (there / rel).read_bytes(), rel


def test_summary(dataset: GenerationSummary) -> None:
    assert dataset.rows["ratings.csv"] == RATINGS
    assert set(dataset.rows) == set(HEADERS)
    info = json.loads(json.dumps(dataset.to_dict()))
    assert info["seed"] == SEED and info["rows"]["ratings.csv"] == RATINGS
    assert info["scale"]["users"] == scale_for(RATINGS).users
    text = dataset.paths["GENERATED.txt"].read_text(encoding="utf-8")
    assert "SYNTHETIC" in text and f"seed: {SEED}" in text and f"ratings requested: {RATINGS}" in text


@pytest.mark.parametrize("name", list(HEADERS))
def test_crlf_header_and_column_counts(dataset: GenerationSummary, name: str) -> None:
    raw = dataset.paths[name].read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.startswith(HEADERS[name].encode() + b"\r\n")
    assert raw.endswith(b"\r\n")
    assert raw.count(b"\n") == raw.count(b"\r\n")  # no bare LF anywhere
    rows = load(dataset, name)
    assert len(rows) == dataset.rows[name] > 0
    width = HEADERS[name].count(",") + 1
    assert all(len(r) == width for r in rows)


def test_text_writer_quotes_only_where_needed(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    with TextCsvWriter(path, ["a", "b", "c"]) as w:
        w.write([(1, "11'09\"01 - Sept (2002)", "plain"), (2, '"artsy"', "x, y"), (3, "trailing ", "")])
    assert path.read_bytes() == (
        b'a,b,c\r\n1,"11\'09""01 - Sept (2002)",plain\r\n2,"""artsy""","x, y"\r\n3,trailing ,\r\n'
    )


# --- ratings -------------------------------------------------------------------------------------------


def test_ratings_values_pairs_order_and_minimum(dataset: GenerationSummary) -> None:
    rows = load(dataset, "ratings.csv")
    assert {r[2] for r in rows} <= HALF_STARS
    keys = pairs(rows)
    assert len(set(keys)) == len(keys)
    assert keys == sorted(keys)
    per_user = Counter(u for u, _ in keys)
    assert min(per_user.values()) >= 20
    assert sorted(per_user) == list(range(1, len(per_user) + 1))
    ts = [int(r[3]) for r in rows]
    assert min(ts) >= SPAN_START and max(ts) <= SPAN_END
    movie_ids = {int(r[0]) for r in load(dataset, "movies.csv")}
    assert {m for _, m in keys} <= movie_ids


def test_no_rating_before_the_release_year(dataset: GenerationSummary) -> None:
    year_of = {}
    for r in load(dataset, "movies.csv"):
        m = re.search(r"\((\d{4})(?:–\d{4})?\)\s*$", r[1])
        if m:
            year_of[int(r[0])] = int(m.group(1))
    first = {}
    for r in load(dataset, "ratings.csv"):
        movie, ts = int(r[1]), int(r[3])
        first[movie] = min(first.get(movie, ts), ts)
    for movie, ts in first.items():
        if movie in year_of:
            assert time.gmtime(ts).tm_year >= year_of[movie], movie


def test_rating_histogram_matches_target(dataset: GenerationSummary) -> None:
    counts = Counter(r[2] for r in load(dataset, "ratings.csv"))
    for value, share in TARGET_HISTOGRAM.items():
        assert abs(counts[value] / RATINGS - share) < 0.01, value


def test_heavy_tails_and_meaningful_averages(dataset: GenerationSummary) -> None:
    rows = load(dataset, "ratings.csv")
    per_user = np.array(list(Counter(int(r[0]) for r in rows).values()))
    assert per_user.max() > 10 * np.median(per_user)
    per_movie = Counter(int(r[1]) for r in rows)
    n_movies = len(load(dataset, "movies.csv"))
    assert sum(1 for c in per_movie.values() if c == 1) > 0.05 * n_movies  # many movies rated once
    assert len(per_movie) < n_movies  # some never rated
    assert max(per_movie.values()) > 10 * np.median(list(per_movie.values()))
    sums: dict[int, list[float]] = {}
    for r in rows:
        sums.setdefault(int(r[0]), []).append(float(r[2]))
    means = np.array([np.mean(v) for v in sums.values()])
    assert means.std() > 0.3  # users differ (per-user bias)


def test_time_rhythm_and_bulk_sessions(dataset: GenerationSummary) -> None:
    rows = load(dataset, "ratings.csv")
    ts = np.array([int(r[3]) for r in rows])
    hours = np.bincount(ts % 86_400 // 3_600, minlength=24) / ts.size
    assert hours[17:22].mean() > 1.5 * hours[5:14].mean()
    weekday = np.bincount((ts // 86_400 + 3) % 7, minlength=7)  # Monday == 0
    ranked = list(np.argsort(-weekday))
    assert 0 in ranked[:2] and 3 in ranked[-2:]  # Monday busy, Thursday quiet
    same_second = Counter((r[0], r[3]) for r in rows)
    shared = sum(c for c in same_second.values() if c > 1) / len(rows)
    assert 0.15 < shared < 0.32


# --- movies and links ------------------------------------------------------------------------------------


def test_genres(dataset: GenerationSummary) -> None:
    rows = load(dataset, "movies.csv")
    labels = [r[2] for r in rows]
    assert "(no genres listed)" in labels
    for label in labels:
        if label == "(no genres listed)":
            continue
        parts = label.split("|")
        assert set(parts) <= set(GENRES) and len(set(parts)) == len(parts)
        assert parts == sorted(parts, key=GENRES.index)  # alphabetical, IMAX last
    share = Counter(g for label in labels for g in label.split("|"))
    assert 0.38 < share["Drama"] / len(rows) < 0.52
    assert 0.32 < share["Comedy"] / len(rows) < 0.45
    counts = Counter(min(len(label.split("|")), 4) for label in labels)
    assert (counts[1] + counts[2] + counts[3]) / len(rows) > 0.8


def test_dirty_titles(dataset: GenerationSummary) -> None:
    rows = load(dataset, "movies.csv")
    titles = [r[1] for r in rows]
    ids = [int(r[0]) for r in rows]
    assert ids == sorted(set(ids))
    year = re.compile(r"\((\d{4})\)$")
    assert any(not year.search(t.rstrip()) and "–" not in t for t in titles)  # no year
    assert any(re.search(r"\(\d{4}–\d{4}\)$", t) for t in titles)  # en-dash year range
    assert any(t.endswith(" ") for t in titles)
    assert any(re.search(r"\) \(\d{4}\)\s*$", t) for t in titles)  # alternate title in parentheses
    assert any(re.search(r", (The|A|An) \(\d{4}\)$", t) for t in titles)
    assert any(any(ord(c) > 127 for c in t) for t in titles)
    assert any('"' in t for t in titles) and any("," in t for t in titles)
    dupes = [t for t, c in Counter(titles).items() if c > 1]
    assert dupes
    raw = dataset.paths["movies.csv"].read_text(encoding="utf-8")
    assert '""' in raw  # an embedded double quote is escaped by doubling


def test_links(dataset: GenerationSummary) -> None:
    rows = load(dataset, "links.csv")
    assert [r[0] for r in rows] == [r[0] for r in load(dataset, "movies.csv")]
    assert all(re.fullmatch(r"\d{7}", r[1]) for r in rows)
    assert len({r[1] for r in rows}) == len(rows)
    tmdb = [r[2] for r in rows]
    assert "" in tmdb and all(t == "" or t.isdigit() for t in tmdb)
    shared = [t for t, c in Counter(t for t in tmdb if t).items() if c > 1]
    assert len(shared) == 1 and Counter(tmdb)[shared[0]] == 2


# --- tags ----------------------------------------------------------------------------------------------------


def test_tags(dataset: GenerationSummary) -> None:
    rows = load(dataset, "tags.csv")
    keys = [(int(r[0]), int(r[1]), r[2]) for r in rows]
    assert len(set(keys)) == len(keys)
    assert [k[:2] for k in keys] == sorted(k[:2] for k in keys)
    users = {int(r[0]) for r in load(dataset, "ratings.csv")}
    taggers = {k[0] for k in keys}
    assert taggers <= users and len(taggers) < 0.3 * len(users)
    rated = set(pairs(load(dataset, "ratings.csv")))
    assert any(k[:2] not in rated for k in keys)  # tags on movies the user did not rate
    assert any(k[2].startswith('"') and k[2].endswith('"') for k in keys)
    assert any("," in k[2] for k in keys)
    assert '"""' in dataset.paths["tags.csv"].read_text(encoding="utf-8")
    assert all(SPAN_START <= int(r[3]) <= SPAN_END for r in rows)
    per_user = Counter(k[0] for k in keys)
    assert max(per_user.values()) > 3 * np.median(list(per_user.values()))


# --- genome ----------------------------------------------------------------------------------------------------


def test_genome(dataset: GenerationSummary) -> None:
    tags = load(dataset, "genome-tags.csv")
    assert [int(r[0]) for r in tags] == list(range(1, 1_129))
    assert len({r[1] for r in tags}) == 1_128
    scores = load(dataset, "genome-scores.csv")
    movies = sorted({int(r[0]) for r in scores})
    assert len(scores) == len(movies) * 1_128 and len(movies) == scale_for(RATINGS).genome_movies
    assert [(int(r[0]), int(r[1])) for r in scores[:1_129]] == [(movies[0], t) for t in range(1, 1_129)] + [
        (movies[1], 1)
    ]
    rel = np.array([float(r[2]) for r in scores])
    assert rel.min() >= 0 and rel.max() <= 1
    assert np.allclose(rel * 4000, np.rint(rel * 4000), atol=1e-6)
    assert 0.55 < (rel < 0.1).mean() < 0.75
    assert any(len(r[2]) > 12 for r in scores)  # float noise such as 0.029000000000000026
    # Genome movies are the most-rated ones.
    per_movie = Counter(int(r[1]) for r in load(dataset, "ratings.csv"))
    weakest = min(per_movie[m] for m in movies)
    assert all(c <= weakest for m, c in per_movie.items() if m not in set(movies))


# --- increments ----------------------------------------------------------------------------------------------


def _state_before(root: Path, day: int) -> dict[tuple[int, int], int]:
    """Latest timestamp of every (user, movie) pair before ``day``."""
    latest: dict[tuple[int, int], int] = {}
    files = [root / "ratings.csv"] + [root / f"increments/day-{d:04d}/ratings.csv" for d in range(1, day)]
    for path in files:
        for r in read_rows(path):
            key = (int(r[0]), int(r[1]))
            latest[key] = max(latest.get(key, 0), int(r[3]))
    return latest


@pytest.mark.parametrize("day", [1, 2])
def test_increment_ratings(increments: tuple[Path, IncrementSummary], day: int) -> None:
    root, _ = increments
    out = root / f"increments/day-{day:04d}"
    manifest = json.loads((out / "_increment.json").read_text())
    start, end = manifest["window_start_ts"], manifest["window_end_ts"]
    assert end - start == 86_400 and manifest["seed"] == SEED and manifest["day"] == day
    rows = read_rows(out / "ratings.csv")
    keys = pairs(rows)
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert {r[2] for r in rows} <= HALF_STARS
    before = _state_before(root, day)
    kinds = Counter()
    changed_value = 0
    old_value = {(int(r[0]), int(r[1])): r[2] for r in read_rows(root / "ratings.csv")}
    for r, key in zip(rows, keys, strict=True):
        ts = int(r[3])
        if key in before:
            kinds["re"] += 1
            assert start < ts <= end and ts > before[key]
            changed_value += old_value.get(key) not in (None, r[2])
        elif ts <= start:
            kinds["late"] += 1
            assert start - 48 * 3_600 <= ts <= start - 3_600
        else:
            kinds["new"] += 1
            assert ts <= end
    counts = manifest["counts"]
    assert (kinds["new"], kinds["re"], kinds["late"]) == (
        counts["new_ratings"],
        counts["re_ratings"],
        counts["late_ratings"],
    )
    assert min(kinds.values()) >= 3 and len(rows) >= 40
    assert changed_value >= kinds["re"] // 2  # re-ratings usually change the value
    movies = {
        int(r[0])
        for d in ["", *(f"increments/day-{x:04d}/" for x in range(1, day + 1))]
        for r in read_rows(root / d / "movies.csv")
    }
    assert {m for _, m in keys} <= movies


@pytest.mark.parametrize("day", [1, 2])
def test_increment_tags_movies_links(increments: tuple[Path, IncrementSummary], day: int) -> None:
    root, _ = increments
    out = root / f"increments/day-{day:04d}"
    manifest = json.loads((out / "_increment.json").read_text())
    counts = manifest["counts"]
    prev_path = root / "tags.csv" if day == 1 else root / f"increments/day-{day - 1:04d}/tags.csv"
    prev = {(int(r[0]), int(r[1]), r[2]): int(r[3]) for r in read_rows(prev_path)}
    rows = read_rows(out / "tags.csv")
    cur = {(int(r[0]), int(r[1]), r[2]): int(r[3]) for r in rows}
    assert len(cur) == len(rows) == counts["tags_total"]
    assert [(int(r[0]), int(r[1])) for r in rows] == sorted((int(r[0]), int(r[1])) for r in rows)
    removed = prev.keys() - cur.keys()
    added = cur.keys() - prev.keys()
    changed = [k for k in cur.keys() & prev.keys() if cur[k] != prev[k]]
    assert (len(added), len(changed), len(removed)) == (
        counts["tags_added"],
        counts["tags_changed"],
        counts["tags_removed"],
    )
    assert removed and added and changed
    start, end = manifest["window_start_ts"], manifest["window_end_ts"]
    assert all(start < cur[k] <= end and cur[k] > prev[k] for k in changed)

    movies = read_rows(out / "movies.csv")
    links = read_rows(out / "links.csv")
    assert len(movies) == len(links) == counts["new_movies"]
    assert (out / "movies.csv").read_bytes().startswith(b"movieId,title,genres\r\n")
    earlier = [root / "movies.csv"] + [root / f"increments/day-{d:04d}/movies.csv" for d in range(1, day)]
    top = max(int(r[0]) for p in earlier for r in read_rows(p))
    assert all(int(r[0]) > top for r in movies)
    assert all(re.fullmatch(r"\d{7}", r[1]) for r in links)


def test_increment_chaining_and_determinism(
    increments: tuple[Path, IncrementSummary], tmp_path: Path
) -> None:
    root, summary = increments
    assert summary.day == 2 and summary.out_dir == root / "increments/day-0002"
    assert json.loads(json.dumps(summary.to_dict()))["counts"] == summary.counts
    day1 = json.loads((root / "increments/day-0001/_increment.json").read_text())
    day2 = json.loads((root / "increments/day-0002/_increment.json").read_text())
    assert day2["window_start_ts"] == day1["window_end_ts"]
    assert summary.window_start == day2["window_start"]
    # Same base + seed -> byte-identical day 1, generated on its own.
    fresh = tmp_path / "fresh"
    generate_dataset(fresh, RATINGS, seed=SEED)
    generate_increment(fresh, 1, seed=SEED)
    for name in ["ratings.csv", "tags.csv", "movies.csv", "links.csv", "_increment.json"]:
        assert (fresh / "increments/day-0001" / name).read_bytes() == (
            root / "increments/day-0001" / name
        ).read_bytes(), name
    with pytest.raises(ValueError):
        generate_increment(fresh, 0)
    with pytest.raises(FileNotFoundError):
        generate_increment(tmp_path / "missing", 1)


def test_increment_on_the_real_small_release(movielens_small: Path, tmp_path: Path) -> None:
    data = tmp_path / "ml"
    shutil.copytree(movielens_small, data)
    summary = generate_increment(data, 1, seed=3)
    assert summary.counts["new_ratings"] > 0 and summary.counts["re_ratings"] > 0
    assert summary.rows["tags.csv"] == summary.counts["tags_total"]


# --- scale test ----------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_five_million_ratings_fast_and_bounded(tmp_path: Path) -> None:
    code = textwrap.dedent(
        f"""
        from pathlib import Path
        from netflix_elt.movielens.datagen import generate_dataset
        s = generate_dataset(Path({str(tmp_path / "big")!r}), 5_000_000, seed=1)
        assert s.rows["ratings.csv"] == 5_000_000, s.rows
        """
    )
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert elapsed < 180, elapsed
    assert peak_mb < 1_000, peak_mb
    raw = (tmp_path / "big/ratings.csv").open("rb").read(1 << 16)
    assert raw.startswith(b"userId,movieId,rating,timestamp\r\n")
