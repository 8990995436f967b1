"""``netflix-elt generate``: deterministic MovieLens-shaped CSVs, a full release or one day's delta."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from netflix_elt.cli.common import console, friendly_errors


def register(app: typer.Typer) -> None:
    app.command(name="generate")(generate)


@friendly_errors
def generate(
    out: Annotated[Path, typer.Option("--out", help="Directory to write the files into.")],
    ratings: Annotated[
        int, typer.Option("--ratings", min=1000, help="Number of ratings (scales everything).")
    ] = 100_000,
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed; the same seed gives the same bytes.")
    ] = 42,
    increment: Annotated[
        int | None,
        typer.Option("--increment", min=1, help="Write day N's delta into OUT/increments/day-NNNN instead."),
    ] = None,
) -> None:
    """Generate synthetic MovieLens-format data (CRLF, RFC 4180) with the real data's shape and dirt."""
    from netflix_elt.errors import NetflixEltError
    from netflix_elt.movielens.datagen import (
        GenerationSummary,
        IncrementSummary,
        generate_dataset,
        generate_increment,
    )

    try:
        summary: GenerationSummary | IncrementSummary
        if increment is None:
            summary = generate_dataset(out, ratings, seed)
            title = f"{out}: {ratings:,} ratings, seed {seed} ({summary.seconds:.1f}s)"
        else:
            summary = generate_increment(out, increment, seed)
            title = f"{summary.out_dir}: day {increment} ({summary.seconds:.1f}s)"
    except (ValueError, FileNotFoundError) as exc:
        if increment is None and isinstance(exc, FileNotFoundError):
            raise NetflixEltError(f"cannot write to {out}: {exc.strerror}") from None
        raise NetflixEltError(
            str(exc), hint="an increment needs a dataset first: netflix-elt generate --out DIR"
        ) from None
    except OSError as exc:  # --out is a file, or not writable
        raise NetflixEltError(
            f"cannot write to {out}: {exc.strerror}", hint="pass --out with a directory you can write"
        ) from None
    console.print(title)
    table = Table(show_edge=False)
    table.add_column("file")
    table.add_column("rows", justify="right")
    for name, rows in summary.rows.items():
        table.add_row(name, f"{rows:,}")
    console.print(table)
    if isinstance(summary, IncrementSummary):  # an increment's counts of what it added
        console.print(", ".join(f"{k} {v:,}" for k, v in summary.counts.items()))
