"""``seed``: a small CSV shipped with the package, loaded as a typed table."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from netflix_elt.errors import ModelError, NetflixEltError
from netflix_elt.kinds.base import BuildJob, BuildOutcome, Kind
from netflix_elt.sql import ident


class Seed(Kind):
    """Columns are typed as declared (Snowflake type names); the CSV header must list exactly them."""

    name: ClassVar[str] = "seed"
    default_layer: ClassVar[str] = "raw"
    has_function: ClassVar[bool] = False
    path: str
    column_types: dict[str, str]

    def build(self, job: BuildJob) -> BuildOutcome:
        import pandas as pd

        path = Path(self.path)
        if not path.is_file():
            raise ModelError(f"seed file {path} does not exist", where=f"seed {job.model}")
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        frame.columns = [c.strip().upper() for c in frame.columns]
        declared = list(self.column_types)
        if list(frame.columns) != declared:
            raise ModelError(
                f"header {list(frame.columns)} does not match the declared columns {declared}",
                where=str(path),
                hint="make the CSV header and column_types list the same columns in the same order",
            )
        frame = frame.replace({"": None})
        session = job.engine.session()
        uploaded = session.create_dataframe(frame)
        before, select = uploaded.queries["queries"][:-1], uploaded.queries["queries"][-1]
        for statement in before:
            job.engine.execute(statement)
        casts = ", ".join(f"CAST({ident(c)} AS {t}) AS {ident(c)}" for c, t in self.column_types.items())
        try:
            job.engine.replace_table(
                job.target, f"SELECT {casts} FROM ({select})", audit=job.audit_before_publish()
            )
        except NetflixEltError:
            raise
        except Exception as exc:
            raise ModelError(
                f"cannot cast the CSV to the declared types: {str(exc).splitlines()[0]}",
                where=str(path),
                hint="fix the offending value or the declared type",
            ) from None
        rows = job.engine.row_count(job.target)
        return BuildOutcome(rows=rows, inserted=rows)
