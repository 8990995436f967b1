"""``load_directory``: MovieLens CSV files -> RAW tables, with a load log and a table of rejected records.

Per call (one batch id):

1. find the MovieLens files in the directory (``discover``) and pre-check every one of them
   (``precheck``: sha256, header, UTF-8, quoting, record count). Any problem raises LoadError before
   anything is written, so a bad file never leaves a half-loaded batch.
2. create the metadata tables, the RAW tables, the named file format and the internal stage if needed.
3. per file, in layout order: skip it if its sha256 is already loaded into its table (append mode);
   otherwise land every record as text (``Engine.copy_csv_file``: PUT + COPY INTO on Snowflake), turn
   record numbers into line numbers where they differ, and in one transaction (replace: empty the
   RAW table;) insert the good records typed, insert the rest into LOAD_REJECTS with a reason, and
   append the LOAD_LOG row. A failure there rolls the file back, is logged as FAILED and reported in
   the summary; the other files still load.

All timestamps are UTC. Every statement is Snowflake SQL run through ``engine.execute``.
"""

from __future__ import annotations

import contextlib
import re
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from netflix_elt.engine.base import Engine
from netflix_elt.errors import LoadError, NetflixEltError
from netflix_elt.loader import landing, metadata, tables
from netflix_elt.loader.discover import SourceFile, discover
from netflix_elt.loader.layout import LOAD_LOG, LOAD_REJECTS, MOVIELENS_FILES, RawFile
from netflix_elt.loader.precheck import FileCheck, check_file
from netflix_elt.loader.rejects import field_name, landing_width
from netflix_elt.loader.summary import FileLoad, FileStatus, LoadMode, LoadSummary

_BATCH_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def load_directory(
    engine: Engine, source_dir: Path, mode: LoadMode = "append", batch_id: str | None = None
) -> LoadSummary:
    """Load the MovieLens files of ``source_dir`` into the RAW schema; see the module docstring.

    ``mode="append"`` adds files whose content is not loaded yet; ``mode="replace"`` empties the RAW
    table of each file present and loads it again, whatever the log says. Raises LoadError for a
    directory or file that cannot be loaded; per-file warehouse failures are reported in the summary.
    """
    if mode not in ("append", "replace"):
        raise LoadError(f"unknown load mode '{mode}'", hint="use append or replace")
    batch_id = _check_batch_id(batch_id) if batch_id is not None else _new_batch_id()
    source = discover(source_dir, mode)
    checks = [check_file(file.spec, file.path) for file in source.files]
    names = _Names.of(engine)
    _create_objects(engine, names)
    loads = tuple(
        _FileLoader(engine, names, file, check, mode, batch_id).run()
        for file, check in zip(source.files, checks, strict=True)
    )
    return LoadSummary(batch_id, mode, str(source_dir), loads, source.ignored)


@dataclass(frozen=True)
class _Names:
    """Qualified names of everything the loader touches."""

    meta_schema: str
    raw_schema: str
    log: str
    rejects: str
    file_format: str
    stage: str
    engine: Engine

    @classmethod
    def of(cls, engine: Engine) -> _Names:
        meta = engine.profile.schemas.meta
        return cls(
            meta_schema=meta,
            raw_schema=engine.profile.schemas.raw,
            log=engine.fqn(meta, LOAD_LOG),
            rejects=engine.fqn(meta, LOAD_REJECTS),
            file_format=engine.fqn(meta, tables.FILE_FORMAT),
            stage=engine.fqn(meta, tables.STAGE),
            engine=engine,
        )

    def raw_table(self, spec: RawFile) -> str:
        return self.engine.fqn(self.raw_schema, spec.table)


def _create_objects(engine: Engine, names: _Names) -> None:
    # engine.bootstrap() creates every schema; a load needs only these two.
    for schema in (names.raw_schema, names.meta_schema):
        engine.execute(f"CREATE SCHEMA IF NOT EXISTS {engine.database}.{schema}")
    engine.execute(tables.create_table_sql(names.log, tables.LOAD_LOG_COLUMNS))
    engine.execute(tables.create_table_sql(names.rejects, tables.LOAD_REJECTS_COLUMNS))
    # Every RAW table, not only those of the files at hand: the optional genome tables then exist
    # (empty) for the pipeline's sources even when a release has no genome files.
    for spec in MOVIELENS_FILES:
        engine.execute(tables.create_raw_table_sql(names.raw_table(spec), spec))
    engine.execute(tables.create_file_format_sql(names.file_format))
    engine.execute(tables.create_stage_sql(names.stage, names.file_format))


class _FileLoader:
    """Loads one pre-checked file and writes its LOAD_LOG row."""

    def __init__(
        self, engine: Engine, names: _Names, file: SourceFile, check: FileCheck, mode: LoadMode, batch_id: str
    ) -> None:
        self.engine = engine
        self.names = names
        self.spec = file.spec
        self.source_file = str(file.path)
        self.path = file.path
        self.check = check
        self.mode = mode
        self.batch_id = batch_id
        self.raw_table = names.raw_table(file.spec)
        self.started_at = _utc_now()
        self.clock = time.perf_counter()

    def run(self) -> FileLoad:
        try:
            if self.mode == "append" and self._already_loaded():
                self._log(metadata.SKIPPED, 0, 0, "content already loaded into this table (same sha256)")
                return self._result("skipped", 0, 0, skipped=True)
            loaded, rejected = self._load()
        except Exception as exc:  # reported per file: the other files of the batch still load
            message = _describe(exc)
            with contextlib.suppress(Exception):
                self._log(metadata.FAILED, 0, 0, message)
            return self._result("failed", 0, 0, error=message)
        return self._result("loaded", loaded, rejected)

    def _already_loaded(self) -> bool:
        sql = metadata.already_loaded_sql(self.names.log, self.spec.table, self.check.sha256)
        return int(self.engine.scalar(sql) or 0) > 0

    def _load(self) -> tuple[int, int]:
        """Land the file in a scratch table, then publish it; the scratch tables are always dropped."""
        scratch: list[str] = []
        try:
            landing_table = self.engine.create_scratch_table(
                self.names.meta_schema, f"LANDING_{self.spec.table}", landing.landing_select_sql(self.spec)
            )
            scratch.append(landing_table)
            self._land(landing_table)
            if self.check.line_offsets:
                scratch.append(self._renumber(landing_table))
            return self._publish(landing_table)
        finally:
            for table in scratch:
                with contextlib.suppress(Exception):
                    self.engine.drop_scratch_table(table)

    def _land(self, landing_table: str) -> None:
        """Copy every record as text and check that the warehouse saw the records the pre-check counted."""
        columns = [landing.ROW_NUMBER, *(field_name(i) for i in range(1, landing_width(self.spec) + 1))]
        landed = self.engine.copy_csv_file(
            self.path,
            stage=self.names.stage,
            stage_path=f"{self.batch_id}/{self.spec.table}",
            file_format=self.names.file_format,
            landing=landing_table,
            columns=columns,
        )
        if landed != self.check.records + 1:  # + the header
            raise LoadError(
                f"the warehouse parsed {landed - 1} records, the pre-check counted {self.check.records}",
                where=self.source_file,
                hint="a quote or line break is read differently by the two; check the quoting of the file",
            )

    def _publish(self, landing_table: str) -> tuple[int, int]:
        """One transaction: (replace: empty the RAW table,) good records -> RAW, the rest -> LOAD_REJECTS, log."""
        engine = self.engine
        with engine.transaction():
            if self.mode == "replace":
                engine.execute(f"DELETE FROM {self.raw_table}")
            loaded = _affected(engine.execute(self._insert_loaded(landing_table)))
            rejected = 0
            if loaded < self.check.records:  # a clean file skips the second pass over the landing table
                rejected = _affected(engine.execute(self._insert_rejects(landing_table)))
            if loaded + rejected != self.check.records:
                raise LoadError(
                    f"{loaded} rows loaded + {rejected} rejected != {self.check.records} read",
                    where=self.source_file,
                )
            self._log(metadata.LOADED, loaded, rejected, f"{rejected} records rejected" if rejected else None)
        return loaded, rejected

    def _renumber(self, landing_table: str) -> str:
        """Turn record numbers into line numbers; returns the scratch offsets table to drop."""
        offsets = self.engine.create_scratch_table(
            self.names.meta_schema, "LINE_OFFSETS", landing.offsets_select_sql()
        )
        ranges = landing.offset_ranges(self.check.line_offsets, self.check.records + 1)
        for statement in landing.insert_offsets_sql(offsets, ranges):
            self.engine.execute(statement)
        self.engine.execute(landing.renumber_sql(landing_table, offsets))
        return offsets

    def _insert_loaded(self, landing_table: str) -> str:
        return landing.insert_loaded_sql(
            self.spec,
            self.raw_table,
            landing_table,
            source_file=self.source_file,
            loaded_at=self.started_at,
            batch_id=self.batch_id,
        )

    def _insert_rejects(self, landing_table: str) -> str:
        return landing.insert_rejects_sql(
            self.spec,
            self.names.rejects,
            landing_table,
            source_file=self.source_file,
            target_table=self.spec.table,
            rejected_at=self.started_at,
            batch_id=self.batch_id,
        )

    def _seconds(self) -> float:
        return self.check.seconds + time.perf_counter() - self.clock

    def _log(self, status: str, loaded: int, rejected: int, message: str | None) -> None:
        read = self.check.records if status == metadata.LOADED else 0
        entry = metadata.LogEntry(
            batch_id=self.batch_id,
            source_file=self.source_file,
            file_name=self.spec.file_name,
            sha256=self.check.sha256,
            size_bytes=self.check.size_bytes,
            target_table=self.spec.table,
            mode=self.mode,
            status=status,
            rows_read=read,
            rows_loaded=loaded,
            rows_rejected=rejected,
            started_at=self.started_at,
            ended_at=_utc_now(),
            seconds=self._seconds(),
            message=message,
        )
        self.engine.execute(metadata.insert_log_sql(self.names.log, entry))

    def _result(
        self,
        status: FileStatus,
        loaded: int,
        rejected: int,
        *,
        skipped: bool = False,
        error: str | None = None,
    ) -> FileLoad:
        return FileLoad(
            file=self.source_file,
            table=self.spec.table,
            sha256=self.check.sha256,
            rows_read=loaded + rejected,
            rows_loaded=loaded,
            rows_rejected=rejected,
            skipped_already_loaded=skipped,
            seconds=round(self._seconds(), 3),
            status=status,
            error=error,
        )


def _affected(rows: list[Any]) -> int:
    """The row count an INSERT returns (its first column, 'number of rows inserted')."""
    return int(rows[0][0]) if rows else 0


def _describe(exc: Exception) -> str:
    if isinstance(exc, NetflixEltError):
        return exc.render()
    first_line = (str(exc).strip().splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first_line}"


def _utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _new_batch_id() -> str:
    return f"{_utc_now():%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


def _check_batch_id(batch_id: str) -> str:
    if not _BATCH_ID.fullmatch(batch_id):
        raise LoadError(
            f"invalid batch id '{batch_id}'",
            hint="use up to 64 letters, digits, '_', '.' or '-', starting with a letter or digit",
        )
    return batch_id
