"""``seed``: a small CSV shipped with the package, loaded as a typed table."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, ClassVar

from netflix_elt.errors import ModelError, NetflixEltError
from netflix_elt.kinds.base import BuildJob, BuildOutcome, Kind
from netflix_elt.sql import ident, literal

# Snowflake's limit on the rows of one VALUES clause; longer seeds are a UNION ALL of several.
VALUES_ROWS_LIMIT = 16_384


class Seed(Kind):
    """Columns are typed as declared (Snowflake type names); the CSV header must list exactly them."""

    name: ClassVar[str] = "seed"
    default_layer: ClassVar[str] = "raw"
    has_function: ClassVar[bool] = False
    path: str
    column_types: dict[str, str]

    def fingerprint_config(self) -> dict[str, Any]:
        """Without the file's location (the seed's content is fingerprinted instead): the same seed in
        another checkout or deployment directory is not a changed model."""
        return self.model_dump(mode="json", exclude={"path"})

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
        select = values_select_sql(self.column_types, frame.itertuples(index=False, name=None))
        try:
            job.replace_target(select)
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


def values_select_sql(column_types: Mapping[str, str], rows: Iterable[tuple[str | None, ...]]) -> str:
    """The seed's rows as one Snowflake SELECT over VALUES, each column cast to its declared type.

    The statement carries the data itself: no upload, stage or temporary table (Snowpark's
    ``create_dataframe(pandas)`` path needs all three and INFER_SCHEMA). VALUES names its columns
    COLUMN1, COLUMN2, ... (https://docs.snowflake.com/en/sql-reference/constructs/values).
    """
    casts = ", ".join(
        f"CAST(COLUMN{i} AS {sql_type}) AS {ident(name)}"
        for i, (name, sql_type) in enumerate(column_types.items(), start=1)
    )
    tuples = ["(" + ", ".join(literal(value) for value in row) + ")" for row in rows]
    if not tuples:
        nulls = ", ".join("NULL" for _ in column_types)
        return f"SELECT {casts} FROM VALUES ({nulls}) WHERE FALSE"
    chunks = [tuples[i : i + VALUES_ROWS_LIMIT] for i in range(0, len(tuples), VALUES_ROWS_LIMIT)]
    return " UNION ALL ".join(f"SELECT {casts} FROM VALUES {', '.join(chunk)}" for chunk in chunks)
