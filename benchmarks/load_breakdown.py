"""Where the loader's time goes, for one file, against DuckDB's own read_csv in the same process.

Run by hand (never from the test suite), after ``benchmark.py`` generated the data::

    .venv/bin/python benchmarks/load_breakdown.py /tmp/bench/data-5000000-42/ratings.csv

Each step adds one duty of the loader to the previous one and reports wall and CPU seconds (CPU
counts DuckDB's threads too, so it stays meaningful on a busy machine):

1. DuckDB ``read_csv`` typed with ``store_rejects`` (the baseline's load of the file);
2. the same plus the four load columns of a RAW table (source file, line number, load time, batch),
   the line numbers set from the rows' insertion order as in step 3;
3. the loader's INSERT in plain DuckDB: every field read as text, the reject rules, one cast per field,
   then the line numbers from the rows' insertion order (the embedded engine's route for a file
   without a record map), in one transaction;
4. the pre-check alone (Python: sha256, header, quoting, line map);
5. the whole ``load_directory`` of a directory holding only this file (fakesnow, Snowpark, the log).
"""

from __future__ import annotations

import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import duckdb
import sqlglot

from netflix_elt.config import Profile
from netflix_elt.engine import open_engine
from netflix_elt.movielens.loader import load_directory
from netflix_elt.movielens.loader.landing import insert_loaded_sql
from netflix_elt.movielens.loader.layout import FILES_BY_NAME
from netflix_elt.movielens.loader.precheck import check_file


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _timed(name: str, step: Callable[[], object]) -> None:
    wall, cpu = time.perf_counter(), _cpu()
    step()
    print(f"| {name} | {time.perf_counter() - wall:.2f} | {_cpu() - cpu:.2f} |", flush=True)


def main(path: Path) -> None:
    spec = FILES_BY_NAME[path.name]
    work = Path(tempfile.mkdtemp(prefix="netflix-elt-breakdown-"))
    types = {
        name: "BIGINT" if sql_type.startswith("NUMBER") else "DOUBLE" if sql_type == "FLOAT" else "VARCHAR"
        for name, (_, sql_type) in zip(spec.header, spec.columns, strict=True)
    }
    typed = ", ".join(f"'{name}': '{sql_type}'" for name, sql_type in types.items())
    reader = (
        f"read_csv('{path}', header=true, quote='\"', escape='\"', strict_mode=false, columns={{{typed}}})"
    )
    constants = f"'{path}', TIMESTAMP '2026-01-01 00:00:00', '20260101T000000Z-0123abcd'"
    columns = ", ".join(
        f"{name} {types[header]}" for header, name in zip(spec.header, spec.column_names, strict=True)
    )
    raw = f"CREATE TABLE raw ({columns}, _SOURCE_FILE VARCHAR, _FILE_ROW_NUMBER BIGINT, _LOADED_AT TIMESTAMP, _BATCH_ID VARCHAR)"
    loaded = insert_loaded_sql(
        spec,
        "raw",
        "landing",
        source_file=str(path),
        loaded_at=datetime(2026, 1, 1),
        batch_id="b",
        numbered=False,
    )
    duck = duckdb.connect(str(work / "steps.duckdb"))
    fields = ", ".join(f"'F{i}': 'VARCHAR'" for i in range(1, len(spec.header) + 2))
    duck.execute(
        f"CREATE VIEW landing AS SELECT CAST(NULL AS BIGINT) AS FILE_ROW_NUMBER, * FROM read_csv('{path}', "
        f"columns={{{fields}}}, header=false, skip=1, auto_detect=false, quote='\"', escape='\"', "
        "strict_mode=false, null_padding=true, nullstr='__no_null__')"
    )
    print(f"{path} ({path.stat().st_size / 1e6:.0f} MB)\n\n| step | wall s | CPU s |\n|---|---:|---:|")
    rejecting = reader[:-1] + ", store_rejects=true)"
    _timed(
        "1. DuckDB read_csv typed, store_rejects",
        lambda: duck.execute(f"CREATE TABLE b1 AS SELECT * FROM {rejecting}"),
    )
    numbering = "UPDATE {} SET _FILE_ROW_NUMBER = rowid - (SELECT MIN(rowid) FROM {}) + 2"
    _timed(
        "2. + the four load columns (line numbers from insertion order)",
        lambda: duck.execute(
            f"BEGIN; CREATE TABLE b2 AS SELECT *, {constants}, CAST(NULL AS BIGINT) AS _FILE_ROW_NUMBER "
            f"FROM {reader}; {numbering.format('b2', 'b2')}; COMMIT"
        ),
    )
    duck.execute(raw)
    insert = sqlglot.transpile(loaded, read="snowflake", write="duckdb")[0]
    _timed(
        "3. the loader's INSERT (text, rules, casts), then line numbers",
        lambda: duck.execute(f"BEGIN; {insert}; {numbering.format('raw', 'raw')}; COMMIT"),
    )
    duck.close()
    _timed("4. pre-check (Python)", lambda: check_file(spec, path))
    source = work / "source"
    source.mkdir()
    (source / path.name).symlink_to(path.resolve())
    engine = open_engine(Profile(), work / "state")
    engine.bootstrap()
    _timed("5. load_directory (append, this file only)", lambda: load_directory(engine, source))
    engine.close()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
