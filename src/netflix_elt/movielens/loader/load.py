"""``load_directory``: MovieLens CSV files -> RAW tables, with a load log and a table of rejected records.

Per call (one batch id):

1. find the MovieLens files in the directory (``discover``) and pre-check every one of them
   (``precheck``: sha256, header, quoting, record count, records that cannot be stored as read). A
   file-level problem raises LoadError before anything is written, so a bad file never leaves a
   half-loaded batch.
2. create the metadata tables, the RAW tables, the named file format and the internal stage if needed.
3. per file, in layout order: skip it if its sha256 is already loaded into its table (append mode);
   otherwise make every record readable as text (``Engine.land_csv_file``: PUT + COPY INTO a scratch
   table on Snowflake, a view over the file on the embedded engine; a file with bytes the warehouse
   cannot read is landed from a repaired copy), and in one transaction (replace: empty the RAW
   table;) insert the good records typed with their line numbers, insert the rest into LOAD_REJECTS
   with a reason, compute the content hash of what was inserted and, in append mode, roll back as
   SKIPPED if the same records are already loaded (same data, other bytes: line endings, quoting,
   order); then append the LOAD_LOG row. A failure there rolls the file back, is logged as FAILED
   and reported in the summary; the other files still load.

All timestamps are UTC. Every statement is Snowflake SQL run through ``engine.execute``.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from netflix_elt.engine import worktables
from netflix_elt.engine.base import CsvFile, CsvLanding, Engine
from netflix_elt.errors import LoadError, NetflixEltError
from netflix_elt.movielens.loader import landing, metadata, tables
from netflix_elt.movielens.loader.discover import SourceFile, discover
from netflix_elt.movielens.loader.layout import LOAD_LOG, LOAD_REJECTS, MOVIELENS_FILES, RawFile
from netflix_elt.movielens.loader.precheck import FileCheck, check_file
from netflix_elt.movielens.loader.repair import write_repaired_copy
from netflix_elt.movielens.loader.summary import FileLoad, FileStatus, LoadMode, LoadSummary
from netflix_elt.sql import schema_fqn

_BATCH_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_CHECK_THREADS = 2


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
    checks = _check_files(source.files)
    names = _Names.of(engine)
    worktables.register(batch_id, engine.warehouse_key)  # its IN_PROGRESS rows belong to a live load
    try:
        _create_objects(engine, names)
        with tempfile.TemporaryDirectory(prefix="netflix-elt-load-") as repairs_dir:
            loads = tuple(
                _FileLoader(engine, names, file, check, mode, batch_id, Path(repairs_dir)).run()
                for file, check in zip(source.files, checks, strict=True)
            )
    finally:
        worktables.unregister(batch_id)
    return LoadSummary(batch_id, mode, str(source_dir), loads, source.ignored)


def _check_files(files: tuple[SourceFile, ...]) -> list[FileCheck]:
    """Pre-check every file, two at a time (hashing, numpy and reads release the GIL); the first
    problem in layout order is raised."""
    with ThreadPoolExecutor(max_workers=_CHECK_THREADS) as pool:
        futures = [pool.submit(check_file, file.spec, file.path) for file in files]
        return [future.result() for future in futures]


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
        engine.execute(f"CREATE SCHEMA IF NOT EXISTS {schema_fqn(engine.database, schema)}")
    engine.execute(tables.create_table_sql(names.log, tables.LOAD_LOG_COLUMNS))
    for statement in tables.add_missing_columns_sql(names.log, tables.LOAD_LOG_COLUMNS[-1:]):
        engine.execute(statement)
    engine.execute(tables.create_table_sql(names.rejects, tables.LOAD_REJECTS_COLUMNS))
    # Every RAW table, not only those of the files at hand: the optional genome tables then exist
    # (empty) for the pipeline's sources even when a release has no genome files.
    for spec in MOVIELENS_FILES:
        engine.execute(tables.create_raw_table_sql(names.raw_table(spec), spec))
    engine.execute(tables.create_file_format_sql(names.file_format))
    engine.execute(tables.create_stage_sql(names.stage, names.file_format))


class _AlreadyLoaded(Exception):
    """Raised inside the publishing transaction to roll it back: the same records are already loaded."""

    def __init__(self, message: str, content_hash: str) -> None:
        super().__init__(message)
        self.message = message
        self.content_hash = content_hash


class _FileLoader:
    """Loads one pre-checked file and writes its LOAD_LOG row."""

    def __init__(
        self,
        engine: Engine,
        names: _Names,
        file: SourceFile,
        check: FileCheck,
        mode: LoadMode,
        batch_id: str,
        repairs_dir: Path,
    ) -> None:
        self.engine = engine
        self.names = names
        self.spec = file.spec
        self.source_file = str(file.path)
        self.path = file.path
        self.check = check
        self.mode = mode
        self.batch_id = batch_id
        self.repairs_dir = repairs_dir
        self.raw_table = names.raw_table(file.spec)
        self.started_at = _utc_now()
        self.clock = time.perf_counter()
        self.in_progress = False  # whether this file's IN_PROGRESS LOAD_LOG row was written

    def run(self) -> FileLoad:
        try:
            if self.mode == "append" and (earlier := self._loaded_before("SHA256", self.check.sha256)):
                message = f"the same bytes are already loaded into this table ({earlier})"
                self._log(metadata.SKIPPED, 0, 0, message)
                return self._result("skipped", 0, 0, skipped=True, message=message)
            self._log(metadata.IN_PROGRESS, 0, 0, "loading: the copy has started")
            self.in_progress = True
            loaded, rejected = self._load()
        except _AlreadyLoaded as same:
            self._log(metadata.SKIPPED, 0, 0, same.message, content_hash=same.content_hash)
            return self._result("skipped", 0, 0, skipped=True, message=same.message)
        except Exception as exc:  # reported per file: the other files of the batch still load
            message = self.engine.with_hint(_describe(exc), exc)
            with contextlib.suppress(Exception):
                self._log(metadata.FAILED, 0, 0, message)
            return self._result("failed", 0, 0, error=message)
        return self._result("loaded", loaded, rejected)

    def _loaded_before(self, column: str, value: str) -> str | None:
        """'batch B, file F' of the load that put this content into the table, or None."""
        rows = self.engine.execute(
            metadata.already_loaded_sql(self.names.log, self.spec.table, column, value)
        )
        return f"batch {rows[0][0]}, file {rows[0][1]}" if rows else None

    def _load(self) -> tuple[int, int]:
        """Land the file, then publish it; the landings and the record map are always dropped."""
        landings: list[CsvLanding] = []
        record_map: str | None = None
        try:
            record_map = self._record_map()
            # Without a record map the engine may land the records unnumbered (faster); the numbered
            # landing is then the way to the rejects' line numbers, if there are rejects.
            landings.append(self._land(numbered=record_map is not None))
            if not landings[0].numbered:
                landings.append(self._land(numbered=True))
            try:
                return self._publish(landings, record_map)
            except Exception as exc:  # the transaction was rolled back
                if not self.engine.refused_parallel_read(exc):
                    raise
                landings.append(self._land(numbered=True, parallel=False))
                return self._publish(landings[-1:], record_map)
        finally:
            with contextlib.suppress(Exception):
                if record_map is not None:
                    self.engine.drop_scratch_table(record_map)
            for landed in landings:
                with contextlib.suppress(Exception):
                    self.engine.drop_landing(landed)

    def _land(self, *, numbered: bool, parallel: bool = True) -> CsvLanding:
        """Make every record readable as text and check the records the warehouse saw, when it counted."""
        readable = self.path
        if self.check.repairs:  # bytes the warehouse cannot read: land a copy with U+FFFD in their place
            readable = self.repairs_dir / f"{self.spec.table}-{self.path.name}"
            write_repaired_copy(self.path, self.check.repairs, readable)
        landed = self.engine.land_csv_file(
            CsvFile(
                readable,
                schema=self.names.meta_schema,
                hint=f"LANDING_{self.spec.table}",
                empty_select_sql=landing.landing_select_sql(self.spec),
                columns=landing.landing_columns(self.spec),
                stage=self.names.stage,
                stage_path=f"{self.batch_id}/{self.spec.table}",
                file_format=self.names.file_format,
                multiline=self.check.multiline,
                numbered=numbered,
                longest_line=self.check.longest_line,
                parallel=parallel,
            )
        )
        if landed.records is not None and landed.records != self.check.records + 1:  # + the header
            with contextlib.suppress(Exception):
                self.engine.drop_landing(landed)
            raise self._disagreement(landed.records - 1)
        return landed

    def _record_map(self) -> str | None:
        """The scratch table of record ranges with extra lines or a forced reason, if the file needs one."""
        ranges = landing.record_ranges(self.check)
        if not ranges:
            return None
        table = self.engine.create_scratch_table(
            self.names.meta_schema, "RECORD_MAP", landing.record_map_select_sql()
        )
        try:
            for statement in landing.insert_record_map_sql(table, ranges):
                self.engine.execute(statement)
        except BaseException:
            with contextlib.suppress(Exception):
                self.engine.drop_scratch_table(table)
            raise
        return table

    def _publish(self, landings: list[CsvLanding], record_map: str | None) -> tuple[int, int]:
        """One transaction: (replace: empty the RAW table,) good records -> RAW, the rest -> LOAD_REJECTS,
        the content hash, log. ``landings``: the first one, then a numbered one if the first is not."""
        engine = self.engine
        landed = landings[0]
        with engine.transaction():
            if self.mode == "replace":
                engine.execute(f"DELETE FROM {self.raw_table}")
            loaded = _affected(engine.execute(self._insert_loaded(landed, record_map)))
            if not landed.numbered:
                unnumbered = f"{landing.loaded_rows_condition(self.batch_id)} AND _FILE_ROW_NUMBER IS NULL"
                if loaded == self.check.records:  # every record loaded: line = header + position
                    engine.number_inserted_rows(
                        self.raw_table, "_FILE_ROW_NUMBER", unnumbered, landing.HEADER_ROW + 1
                    )
                else:  # the rejects, and the rows after them, need the numbered landing
                    engine.execute(f"DELETE FROM {self.raw_table} WHERE {unnumbered}")
                    landed = landings[1]
                    loaded = _affected(engine.execute(self._insert_loaded(landed, record_map)))
            rejected = 0
            if loaded != self.check.records:  # a clean file skips the second read of the landing
                rejected = _affected(engine.execute(self._insert_rejects(landed.name, record_map)))
            if loaded + rejected != self.check.records:
                raise self._disagreement(loaded + rejected)
            content_hash = self._content_hash()
            if self.mode == "append" and (earlier := self._loaded_before("CONTENT_HASH", content_hash)):
                raise _AlreadyLoaded(
                    f"the same records are already loaded into this table ({earlier}); "
                    "only line endings, quoting or record order differ",
                    content_hash,
                )
            message = f"{rejected} records rejected" if rejected else None
            self._log(metadata.LOADED, loaded, rejected, message, content_hash=content_hash)
        return loaded, rejected

    def _content_hash(self) -> str:
        """The identity of the parsed records this file put into RAW and LOAD_REJECTS."""
        parts = landing.content_parts(self.spec, self.raw_table, self.names.rejects, batch_id=self.batch_id)
        values: list[str] = []
        for (table, where), columns in zip(parts, (self.spec.column_names, ("RAW_RECORD",)), strict=True):
            count = self.engine.scalar(f"SELECT COUNT(*) FROM {table} WHERE {where}")
            checksum = self.engine.row_hash_sum(table, columns, where)
            values += [str(count), "" if checksum is None else str(checksum)]
        return hashlib.sha256("|".join(["v1", self.spec.table, *values]).encode()).hexdigest()

    def _disagreement(self, parsed: int) -> LoadError:
        return LoadError(
            f"the warehouse parsed {parsed} records, the pre-check counted {self.check.records}",
            where=self.source_file,
            hint="a quote or line break is read differently by the two; check the quoting of the file",
        )

    def _insert_loaded(self, landed: CsvLanding, record_map: str | None) -> str:
        return landing.insert_loaded_sql(
            self.spec,
            self.raw_table,
            landed.name,
            source_file=self.source_file,
            loaded_at=self.started_at,
            batch_id=self.batch_id,
            record_map=record_map,
            numbered=landed.numbered,
        )

    def _insert_rejects(self, landing_name: str, record_map: str | None) -> str:
        return landing.insert_rejects_sql(
            self.spec,
            self.names.rejects,
            landing_name,
            source_file=self.source_file,
            target_table=self.spec.table,
            rejected_at=self.started_at,
            batch_id=self.batch_id,
            record_map=record_map,
        )

    def _seconds(self) -> float:
        return self.check.seconds + time.perf_counter() - self.clock

    def _log(
        self, status: str, loaded: int, rejected: int, message: str | None, *, content_hash: str | None = None
    ) -> None:
        read = self.check.records if status == metadata.LOADED else 0
        entry = metadata.LogEntry(  # a file's outcome finalises its IN_PROGRESS row, if it was written
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
            content_hash=content_hash,
        )
        if self.in_progress and status != metadata.IN_PROGRESS:
            self.engine.execute(metadata.finish_log_sql(self.names.log, entry))
        else:
            self.engine.execute(metadata.insert_log_sql(self.names.log, entry))

    def _result(
        self,
        status: FileStatus,
        loaded: int,
        rejected: int,
        *,
        skipped: bool = False,
        error: str | None = None,
        message: str | None = None,
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
            message=message,
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
