"""DDL for what the loader writes to: the RAW tables, the load metadata tables, the file format and stage.

Everything is created IF NOT EXISTS with the column types of ``layout.py``, so a first load on an
empty warehouse and the hundredth load run the same statements.
"""

from __future__ import annotations

from netflix_elt.movielens.loader.layout import LOAD_COLUMNS, RawFile

# The file format is versioned in its name: CREATE ... IF NOT EXISTS never alters an existing format,
# so a change to the options below must come with a new name.
FILE_FORMAT = "MOVIELENS_CSV_V1"
STAGE = "MOVIELENS_LOAD_STAGE"

# ELT_META.LOAD_LOG: one row per file per load call, whatever its outcome.
LOAD_LOG_COLUMNS: tuple[tuple[str, str], ...] = (
    ("BATCH_ID", "VARCHAR"),
    ("SOURCE_FILE", "VARCHAR"),
    ("FILE_NAME", "VARCHAR"),
    ("SHA256", "VARCHAR"),  # of the file's bytes
    ("SIZE_BYTES", "NUMBER(38,0)"),
    ("TARGET_TABLE", "VARCHAR"),
    ("MODE", "VARCHAR"),
    ("STATUS", "VARCHAR"),  # IN_PROGRESS, then LOADED, SKIPPED (same sha256 loaded) or FAILED; INTERRUPTED
    ("ROWS_READ", "NUMBER(38,0)"),
    ("ROWS_LOADED", "NUMBER(38,0)"),
    ("ROWS_REJECTED", "NUMBER(38,0)"),
    ("STARTED_AT", "TIMESTAMP_NTZ"),  # UTC
    ("ENDED_AT", "TIMESTAMP_NTZ"),  # UTC
    ("SECONDS", "FLOAT"),
    ("MESSAGE", "VARCHAR"),
    # Identity of the parsed records (see landing.content_sql); added after the first release, so
    # ``add_missing_columns_sql`` adds it to a LOAD_LOG created before.
    ("CONTENT_HASH", "VARCHAR"),
)

# ELT_META.LOAD_REJECTS: one row per rejected record.
LOAD_REJECTS_COLUMNS: tuple[tuple[str, str], ...] = (
    ("BATCH_ID", "VARCHAR"),
    ("SOURCE_FILE", "VARCHAR"),
    ("TARGET_TABLE", "VARCHAR"),
    ("LINE_NUMBER", "NUMBER(38,0)"),  # where the record starts; the header is line 1
    ("RAW_RECORD", "VARCHAR"),
    ("REASON", "VARCHAR"),
    ("REJECTED_AT", "TIMESTAMP_NTZ"),  # UTC
)


def create_table_sql(qualified: str, columns: tuple[tuple[str, str], ...]) -> str:
    body = ", ".join(f"{name} {sql_type}" for name, sql_type in columns)
    return f"CREATE TABLE IF NOT EXISTS {qualified} ({body})"


def add_missing_columns_sql(qualified: str, columns: tuple[tuple[str, str], ...]) -> list[str]:
    """ALTER TABLE statements that add ``columns`` to a table created by an older release (idempotent)."""
    return [
        f"ALTER TABLE {qualified} ADD COLUMN IF NOT EXISTS {name} {sql_type}" for name, sql_type in columns
    ]


def create_raw_table_sql(qualified: str, spec: RawFile) -> str:
    """The RAW table of one file: its typed columns, then the four load columns."""
    return create_table_sql(qualified, spec.columns + LOAD_COLUMNS)


def create_file_format_sql(qualified: str) -> str:
    """MovieLens CSV as COPY should read it.

    Every record lands as text, header included (SKIP_HEADER = 0, so METADATA$FILE_ROW_NUMBER 1 is the
    header and data records start at 2). No value becomes NULL (empty fields stay '', '\\N' is
    text); backslashes are ordinary characters; short and long records are kept for the loader to
    reject with a reason instead of failing the COPY.
    """
    return (
        f"CREATE FILE FORMAT IF NOT EXISTS {qualified} TYPE = CSV FIELD_DELIMITER = ',' "
        "FIELD_OPTIONALLY_ENCLOSED_BY = '\"' SKIP_HEADER = 0 SKIP_BLANK_LINES = TRUE "
        "EMPTY_FIELD_AS_NULL = FALSE NULL_IF = () ESCAPE_UNENCLOSED_FIELD = NONE TRIM_SPACE = FALSE "
        "ERROR_ON_COLUMN_COUNT_MISMATCH = FALSE ENCODING = 'UTF8' COMPRESSION = AUTO "
        "COMMENT = 'netflix-elt: MovieLens CSV, every field as text'"
    )


def create_stage_sql(qualified: str, file_format: str) -> str:
    """The internal stage files are PUT to; each load uses its own path and purges it after COPY."""
    return (
        f"CREATE STAGE IF NOT EXISTS {qualified} FILE_FORMAT = (FORMAT_NAME = '{file_format}') "
        "COMMENT = 'netflix-elt: MovieLens files being loaded'"
    )
