"""``clean``: drop the work tables and finalise the bookkeeping (such as loads) that killed runs left behind.

Every command that opens the warehouse already does this first; ``clean`` does it on its own and says
what it found, and ``--dry-run`` only lists it.
"""

from __future__ import annotations

from typing import Annotated

import typer

from netflix_elt.cli.common import ProfileOption, StateDirOption, console, friendly_errors, options

DryRunOption = Annotated[bool, typer.Option("--dry-run", help="List what would be cleaned; change nothing.")]


def register(app: typer.Typer) -> None:
    app.command(name="clean")(clean)


@friendly_errors
def clean(
    ctx: typer.Context,
    dry_run: DryRunOption = False,
    profile: ProfileOption = None,
    state_dir: StateDirOption = None,
) -> None:
    """Drop work tables of dead runs and mark their unfinished bookkeeping (file loads: INTERRUPTED)."""
    from netflix_elt.config import load_profile, resolve_state_dir
    from netflix_elt.engine import open_engine
    from netflix_elt.recovery import clear_leftovers

    opts = options(ctx, profile=profile, state_dir=state_dir)
    with open_engine(load_profile(opts.profile), resolve_state_dir(opts.state_dir)) as engine:
        engine.bootstrap()
        found = clear_leftovers(engine, dry_run=dry_run)
    verb = "would drop" if dry_run else "dropped"
    for table in found.tables:
        console.print(f"{verb} {table}", markup=False, soft_wrap=True)
    verb = "would mark" if dry_run else "marked"
    for row in found.rows:
        console.print(f"{verb} {row}", markup=False, soft_wrap=True)
    if not found:
        console.print("nothing to clean: no run left work tables or unfinished bookkeeping behind")
