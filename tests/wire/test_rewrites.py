"""Each rewrite of the wire server: the statement in, what fakesnow runs, and the Snowflake semantics
checked on a tiny table (fakesnow in process, the same DuckDB session a server login gets)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import snowflake.connector.errors

from netflix_elt.movielens.loader.tables import create_file_format_sql, create_stage_sql
from netflix_elt.testing.rewrites import REWRITES, SUCCESS, WireSession, install_macros, rewrite


@pytest.fixture
def session() -> Iterator[WireSession]:
    from fakesnow.instance import FakeSnow

    install_macros()
    instance = FakeSnow()
    yield WireSession(instance.connect("DB", "S"))
    instance.duck_conn.close()


def run(session: WireSession, sql: str) -> list[tuple[Any, ...]]:
    cursor = session.connection.cursor()
    cursor.execute(sql)
    return cursor.fetchall()


def rewritten(session: WireSession, sql: str) -> tuple[str, list[str]]:
    return rewrite(sql, session)


def test_every_rewrite_cites_the_snowflake_documentation() -> None:
    for item in REWRITES:
        doc = item.apply.__doc__ or ""
        assert "docs.snowflake.com" in doc or "stage_copy" in doc, item.name
    from netflix_elt.testing import stage_copy

    assert (stage_copy.__doc__ or "").count("https://docs.snowflake.com/") >= 4


def test_statements_without_a_trigger_reach_fakesnow_untouched(session: WireSession) -> None:
    sql = "SELECT COUNT(*) FROM DB.S.T WHERE NAME = 'temporary swap'"
    assert rewritten(session, sql) == (sql, [])


# -- qualified_temporary_table ------------------------------------------------------------------------
def test_a_qualified_temporary_table_lives_until_its_session_ends(session: WireSession) -> None:
    sql, applied = rewritten(session, "CREATE TEMPORARY TABLE DB.S.SCRATCH AS SELECT 1 AS A")
    assert (sql, applied) == ("CREATE TABLE DB.S.SCRATCH AS SELECT 1 AS A", ["qualified_temporary_table"])
    run(session, sql)
    assert run(session, "SELECT A FROM DB.S.SCRATCH") == [(1,)]
    sql, _ = rewritten(session, "CREATE OR REPLACE TEMPORARY TABLE DB.S.SCRATCH AS SELECT 2 AS A")
    run(session, sql)  # replacing the session's own temporary table is allowed
    assert run(session, "SELECT A FROM DB.S.SCRATCH") == [(2,)]
    assert session.end() == ["DB.S.SCRATCH"]  # Snowflake drops it when the session ends
    with pytest.raises(snowflake.connector.errors.ProgrammingError, match="SCRATCH"):
        run(session, "SELECT A FROM DB.S.SCRATCH")


def test_unqualified_temporary_tables_are_left_to_fakesnow(session: WireSession) -> None:
    assert rewritten(session, "CREATE TEMPORARY TABLE SCRATCH (A INT)")[1] == []


def test_a_temporary_table_may_not_shadow_a_permanent_one_here(session: WireSession) -> None:
    run(session, "CREATE TABLE DB.S.T (A INT)")
    with pytest.raises(snowflake.connector.errors.ProgrammingError, match="not emulated"):
        rewrite("CREATE OR REPLACE TEMPORARY TABLE DB.S.T (A INT)", session)


# -- ctas_with_not_null_columns -----------------------------------------------------------------------
CTAS = "CREATE OR REPLACE TABLE DB.S.T (ID NUMBER(38,0) NOT NULL, NAME VARCHAR) AS SELECT ID, NAME FROM ({})"


def test_a_ctas_with_column_definitions_keeps_not_null(session: WireSession) -> None:
    sql, applied = rewritten(session, CTAS.format("SELECT '1' AS ID, 'a' AS NAME"))
    assert (sql, applied) == (
        "SELECT 'Table T successfully created.' AS \"status\"",
        ["ctas_with_not_null_columns"],
    )
    assert run(session, "SELECT ID, NAME FROM DB.S.T") == [(1, "a")]  # cast to the declared type
    assert [(row[0], row[3]) for row in run(session, "DESCRIBE TABLE DB.S.T")] == [("ID", "N"), ("NAME", "Y")]


def test_a_null_in_a_not_null_column_fails_and_keeps_the_old_table(session: WireSession) -> None:
    rewrite(CTAS.format("SELECT 1 AS ID, 'old' AS NAME"), session)
    with pytest.raises(snowflake.connector.errors.ProgrammingError, match="NULL result in a non-nullable"):
        rewrite(CTAS.format("SELECT NULL AS ID, 'new' AS NAME"), session)
    assert run(session, "SELECT ID, NAME FROM DB.S.T") == [(1, "old")]


def test_a_ctas_without_not_null_is_left_to_fakesnow(session: WireSession) -> None:
    assert rewritten(session, "CREATE TABLE DB.S.U (ID INT) AS SELECT 1")[1] == []


# -- alter_table_swap_with ----------------------------------------------------------------------------
def test_swap_with_exchanges_two_tables_and_commits_the_open_transaction(session: WireSession) -> None:
    run(session, "CREATE TABLE DB.S.LIVE AS SELECT 'old' AS V")
    run(session, "CREATE TABLE DB.S.LIVE__BUILD AS SELECT 'new' AS V, 2 AS EXTRA")
    run(session, "CREATE TABLE DB.S.AUDIT (N INT)")
    run(session, "BEGIN TRANSACTION")
    run(session, "INSERT INTO DB.S.AUDIT VALUES (1)")
    sql, applied = rewritten(session, "ALTER TABLE DB.S.LIVE__BUILD SWAP WITH DB.S.LIVE")
    assert (sql, applied) == (SUCCESS, ["alter_table_swap_with"])
    assert run(session, sql) == [("Statement executed successfully.",)]
    assert run(session, "SELECT V, EXTRA FROM DB.S.LIVE") == [("new", 2)]
    assert run(session, "SELECT V FROM DB.S.LIVE__BUILD") == [("old",)]
    run(session, "ROLLBACK")  # nothing to roll back: the DDL committed the INSERT before swapping
    assert run(session, "SELECT N FROM DB.S.AUDIT") == [(1,)]


def test_swap_with_a_missing_table_is_snowflakes_error(session: WireSession) -> None:
    run(session, "CREATE TABLE DB.S.LIVE__BUILD (V INT)")
    with pytest.raises(snowflake.connector.errors.ProgrammingError, match="does not exist"):
        rewrite("ALTER TABLE DB.S.LIVE__BUILD SWAP WITH DB.S.NOPE", session)
    assert run(session, "SELECT COUNT(*) FROM DB.S.LIVE__BUILD") == [(0,)]


# -- cancel_all_queries -------------------------------------------------------------------------------
def test_cancel_all_queries_answers_none_running(session: WireSession) -> None:
    sql, applied = rewritten(session, "select system$cancel_all_queries(1065153872298)")
    assert applied == ["cancel_all_queries"]
    assert run(session, sql) == [("0 cancelled.",)]


# -- hash_function ------------------------------------------------------------------------------------
def test_hash_is_a_stable_64_bit_hash_of_the_arguments(session: WireSession) -> None:
    run(session, "CREATE TABLE DB.S.T (A INT, B VARCHAR)")
    run(session, "INSERT INTO DB.S.T VALUES (1, 'x'), (1, 'x'), (2, NULL)")
    sql, applied = rewritten(
        session, "SELECT SUM(CAST(HASH(A, B) AS NUMBER(20,0))), HASH(1, 'x') FROM DB.S.T"
    )
    assert applied == ["hash_function"]
    [(total, single)] = run(session, sql)
    assert 0 <= single < 2**64 and total != 2 * single  # same arguments, same value; NULL is hashed too
    [(again,)] = run(session, rewritten(session, "SELECT HASH(1, 'x')")[0])
    assert again == single and run(session, rewritten(session, "SELECT HASH(1, 'y')")[0]) != [(single,)]
    with pytest.raises(snowflake.connector.errors.ProgrammingError, match="not emulated"):
        rewrite("SELECT HASH(*) FROM DB.S.T", session)


# -- copy_into_with_transformation --------------------------------------------------------------------
LANDING = "CREATE TABLE DB.S.LANDING (FILE_ROW_NUMBER NUMBER(38,0), F1 VARCHAR, F2 VARCHAR, F3 VARCHAR)"
COPY = (
    "COPY INTO DB.S.LANDING (FILE_ROW_NUMBER, F1, F2, F3) "
    "FROM (SELECT METADATA$FILE_ROW_NUMBER, $1, $2, $3 FROM @DB.S.STAGE/batch/) "
    "FILE_FORMAT = (FORMAT_NAME = 'DB.S.FF') ON_ERROR = ABORT_STATEMENT {options}"
)
# header; quoted delimiter, doubled quote and line break; a blank line; short and long records;
# an empty field and \N (text: NULL_IF = (), EMPTY_FIELD_AS_NULL = FALSE); CRLF record ends.
CSV = 'a,b,c\r\n1,"x, ""y""\r\nz",3\r\n\r\n2,short\r\n3,x,y,extra\r\n4,,\\N\r\n'


def staged(session: WireSession, tmp_path: Path, content: bytes) -> None:
    run(session, create_file_format_sql("DB.S.FF"))
    run(session, create_stage_sql("DB.S.STAGE", "DB.S.FF"))
    run(session, LANDING)
    source = tmp_path / "data.csv"
    source.write_bytes(content)
    run(session, f"PUT 'file://{source}' @DB.S.STAGE/batch AUTO_COMPRESS = TRUE OVERWRITE = TRUE")


def test_copy_with_metadata_row_numbers_lands_every_record_as_text(
    session: WireSession, tmp_path: Path
) -> None:
    staged(session, tmp_path, CSV.encode())
    sql, applied = rewritten(session, COPY.format(options="PURGE = TRUE FORCE = TRUE"))
    assert applied == ["copy_into_with_transformation"]
    (result,) = run(session, sql)
    assert result[1:6] == ("LOADED", 5, 5, 1, 0) and result[0].endswith("batch/data.csv.gz")
    assert run(session, "SELECT * FROM DB.S.LANDING ORDER BY FILE_ROW_NUMBER") == [
        (1, "a", "b", "c"),
        (2, "1", 'x, "y"\r\nz', "3"),
        (3, "2", "short", None),  # the blank line is skipped and not counted
        (4, "3", "x", "y"),
        (5, "4", "", "\\N"),
    ]
    assert run(session, "LIST @DB.S.STAGE") == []  # PURGE


def test_copy_skips_files_loaded_before_unless_forced(session: WireSession, tmp_path: Path) -> None:
    staged(session, tmp_path, b"a,b,c\n1,2,3\n")
    run(session, rewritten(session, COPY.format(options=""))[0])
    assert run(session, rewritten(session, COPY.format(options=""))[0]) == [
        ("Copy executed with 0 files processed.",)
    ]
    run(session, rewritten(session, COPY.format(options="FORCE = TRUE"))[0])
    assert run(session, "SELECT COUNT(*) FROM DB.S.LANDING") == [(4,)]


def test_copy_aborts_on_invalid_utf8_and_loads_nothing(session: WireSession, tmp_path: Path) -> None:
    staged(session, tmp_path, b"a,b,c\n1,\xff\xfe,3\n")
    with pytest.raises(snowflake.connector.errors.ProgrammingError, match=r"data\.csv"):
        rewrite(COPY.format(options="FORCE = TRUE"), session)
    assert run(session, "SELECT COUNT(*) FROM DB.S.LANDING") == [(0,)]


def test_copy_options_it_does_not_reproduce_are_refused(session: WireSession, tmp_path: Path) -> None:
    staged(session, tmp_path, b"a,b,c\n")
    with pytest.raises(snowflake.connector.errors.ProgrammingError, match="ON_ERROR = CONTINUE"):
        rewrite(COPY.format(options="").replace("ABORT_STATEMENT", "CONTINUE"), session)
    with pytest.raises(snowflake.connector.errors.ProgrammingError, match="transformation item"):
        rewrite(COPY.format(options="").replace("$3 FROM", "UPPER($3) FROM"), session)
    run(session, "CREATE FILE FORMAT DB.S.TRIMMED TYPE = CSV SKIP_BLANK_LINES = TRUE TRIM_SPACE = TRUE")
    with pytest.raises(snowflake.connector.errors.ProgrammingError, match="TRIM_SPACE"):
        rewrite(COPY.format(options="").replace("DB.S.FF", "DB.S.TRIMMED"), session)
