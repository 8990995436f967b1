"""No silent drift on the embedded engine: every statement gets Snowflake's answer or is refused.

1. Every function and construct in the SQL the MovieLens pipeline runs (recorded at fakesnow's door while
   it loads and builds the hand-written release, merges a late rating and writes its report) runs here on
   small hand-checked inputs with the answer Snowflake documents. A construct the pipeline starts to use
   fails the coverage test until it gets a case here.
2. Every construct of the registry in ``engine/drift.py`` is refused with an error naming it, or gives
   Snowflake's answer.
3. sqlglot's own "not supported" messages are refusals as well; sqlglot used outside fakesnow's
   translation keeps its behaviour; fakesnow's HTTP server reports a refusal as a SQL error.

Expected values are Snowflake's, from its documentation (linked in the registry and the cases).
"""

from __future__ import annotations

import math
import threading
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlglot
from sqlglot import exp

from netflix_elt.engine import Engine, drift_rules, fakesnow_compat, translation
from netflix_elt.engine.drift import REGISTRY, UnsupportedSqlError
from netflix_elt.errors import SqlError
from wire.tiers import WireServer

# -- the engine -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine(module_engine: Engine) -> Engine:
    return module_engine


def same(actual: Any, expected: Any) -> bool:
    if isinstance(expected, float) and isinstance(actual, (float, Decimal)):
        return math.isclose(float(actual), expected, rel_tol=1e-12)
    return actual == expected and (expected is None) == (actual is None)


def assert_rows(engine: Engine, sql: str, expected: list[tuple[Any, ...]]) -> None:
    rows = [tuple(row) for row in engine.execute(sql)]
    assert len(rows) == len(expected), rows
    for row, want in zip(rows, expected, strict=True):
        assert len(row) == len(want) and all(same(a, e) for a, e in zip(row, want, strict=True)), (row, want)


# -- 1. the functions the pipeline uses, on hand-checked inputs ---------------------------------------
# (SQL, Snowflake's rows). VALUES columns are untyped for the translator, like the pipeline's columns.
PIPELINE_CASES: list[tuple[str, list[tuple[Any, ...]]]] = [
    ("SELECT ABS(-2.5), FLOOR(-2.5), SQRT(16), LN(1)", [(2.5, -3, 4.0, 0.0)]),
    # AVG of NUMBER: scale 6 (the Snowpark reference's example: 1, 2, 2 -> 1.666667)
    ("SELECT AVG(column1) FROM VALUES (1), (2), (2)", [(1.666667,)]),
    ("SELECT AVG(column1) OVER () FROM VALUES (1), (2)", [(1.5,), (1.5,)]),
    ("SELECT AVG(CAST(column1 AS DOUBLE)) FROM VALUES (1), (2), (2)", [(5 / 3,)]),
    # division: NUMBER / NUMBER has scale max(s1, min(s1 + 6, 12)); FLOAT stays FLOAT
    ("SELECT 1 / 3, 7 / 2, column1 / column2, 1.5 / 3 FROM VALUES (2, 3)", [(0.333333, 3.5, 0.666667, 0.5)]),
    ("SELECT CAST(column1 AS DOUBLE) / 3 FROM VALUES (1)", [(1 / 3,)]),
    ("SELECT MOD(-7, 3), column1 % 24 FROM VALUES (50)", [(-1, 2)]),
    ("SELECT CASE WHEN column1 > 1 THEN 'big' ELSE 'small' END FROM VALUES (2)", [("big",)]),
    ("SELECT TRUE AND NULL, FALSE AND NULL, TRUE OR NULL", [(None, False, True)]),
    # (NOT) EXISTS: a NULL key matches nothing, so NOT EXISTS keeps its row
    (
        "SELECT a.K, EXISTS (SELECT 1 FROM (SELECT 1 AS K) b WHERE b.K = a.K) FROM (SELECT 1 AS K UNION ALL "
        "SELECT 2 UNION ALL SELECT NULL) a WHERE NOT EXISTS (SELECT 1 FROM (SELECT 2 AS K) c WHERE c.K = a.K) "
        "ORDER BY 1",
        [(1, True), (None, False)],
    ),
    (
        "SELECT CAST('42' AS INT), CAST(column1 AS BIGINT), CAST(column1 AS INT) FROM VALUES (2.4::FLOAT)",
        [(42, 2, 2)],
    ),
    # NUMBER(p, s) rounds half away from zero
    (
        "SELECT CAST('12.345' AS NUMBER(10, 2)), CAST(column1 AS DECIMAL(10, 1)) FROM VALUES (2.25)",
        [(12.35, 2.3)],
    ),
    ("SELECT CAST('2.5' AS DOUBLE), CAST('10:11:12' AS TIME)", [(2.5, time(10, 11, 12))]),
    (
        "SELECT CAST('2020-03-01' AS DATE), CAST('2020-03-01 10:11:12' AS TIMESTAMP_NTZ), "
        "CAST('2020-03-01' AS TIMESTAMP)",
        [(date(2020, 3, 1), datetime(2020, 3, 1, 10, 11, 12), datetime(2020, 3, 1))],
    ),
    # DATE and TIME print with DATE_OUTPUT_FORMAT (YYYY-MM-DD) and TIME_OUTPUT_FORMAT (HH24:MI:SS)
    (
        "SELECT CAST(column1 AS VARCHAR) a, CAST(column1 AS STRING) b, CAST(TO_DATE(column2) AS VARCHAR) c, "
        "CAST(CAST(column2 AS TIME) AS VARCHAR) d FROM VALUES (12, '2020-03-01 10:11:12.5'::TIMESTAMP_NTZ)",
        [("12", "12", "2020-03-01", "10:11:12")],
    ),
    ("SELECT COALESCE(NULL, column1), NULLIF(1, 1), IFF(NULL, 1, 2) FROM VALUES (3)", [(3, None, 2)]),
    # CONCAT and || are NULL when an argument is NULL
    (
        "SELECT CONCAT(column1, '_', column2), 'a' || column1, CONCAT('a', NULL) FROM VALUES ('b', 'c')",
        [("b_c", "ab", None)],
    ),
    (
        "SELECT COUNT(*), COUNT(DISTINCT column1), COUNT_IF(column1 > 1) FROM VALUES (1), (2), (2)",
        [(3, 2, 2)],
    ),
    (
        "SELECT SUM(column1), MIN(column1), MAX(column1) FROM VALUES (0.1), (0.2)",
        [(Decimal("0.3"), 0.1, 0.2)],
    ),
    ("SELECT SUM(column1) FROM VALUES (1) WHERE FALSE", [(None,)]),
    # MEDIAN of an even count averages the middle values
    ("SELECT MEDIAN(column1) FROM VALUES (1), (2), (3), (10)", [(2.5,)]),
    (
        "SELECT STDDEV(column1), STDDEV_POP(column1) FROM VALUES (1), (2), (4)",
        [(math.sqrt(7 / 3), math.sqrt(14 / 9))],
    ),
    ("SELECT STDDEV(column1) FROM VALUES (1)", [(None,)]),
    ("SELECT DATEDIFF(SECOND, CURRENT_TIMESTAMP(), CURRENT_TIMESTAMP())", [(0,)]),
    # DATEDIFF counts boundaries crossed
    (
        "SELECT DATEDIFF(DAY, column1, column2), DATEDIFF(MONTH, column1, column2) "
        "FROM VALUES ('2020-01-31 23:00:00'::TIMESTAMP_NTZ, '2020-02-01 01:00:00'::TIMESTAMP_NTZ)",
        [(1, 1)],
    ),
    # DATEADD(MONTH) keeps the day, or takes the last day of a shorter month
    (
        "SELECT DATEADD(MONTH, 1, '2020-01-31'::DATE), DATEADD(DAY, -365, '2020-03-01 10:00:00'::TIMESTAMP_NTZ)",
        [(date(2020, 2, 29), datetime(2019, 3, 2, 10))],
    ),
    ("SELECT DATE_PART(EPOCH_SECOND, '2020-01-01 00:00:01'::TIMESTAMP_NTZ)", [(1577836801,)]),
    # DAYOFWEEKISO: Monday 1 .. Sunday 7; 2020-03-01 is a Sunday
    (
        "SELECT DAYOFWEEKISO('2020-03-01'::DATE), HOUR('2020-03-01 10:11:12'::TIMESTAMP_NTZ), "
        "MONTH('2020-03-01'::DATE)",
        [(7, 10, 3)],
    ),
    (
        "SELECT DATE_TRUNC('MONTH', column1), TO_DATE(DATE_TRUNC('MONTH', TO_DATE(column1))) "
        "FROM VALUES ('2020-03-15 10:00:00'::TIMESTAMP_NTZ)",
        [(datetime(2020, 3, 1), date(2020, 3, 1))],
    ),
    (
        "SELECT TO_DATE(column1), TO_DATE('2020-03-01') FROM VALUES ('2020-03-01 10:00:00'::TIMESTAMP_NTZ)",
        [(date(2020, 3, 1),) * 2],
    ),
    ("SELECT TO_TIMESTAMP(column1) FROM VALUES (1700000000)", [(datetime(2023, 11, 14, 22, 13, 20),)]),
    # TRY_TO_NUMBER without precision is NUMBER(38, 0): it rounds
    (
        "SELECT TRY_TO_NUMBER('12'), TRY_TO_NUMBER('x'), TRY_TO_NUMBER('12.5'), TRY_TO_DOUBLE('2.5')",
        [(12, None, 13, 2.5)],
    ),
    ("SELECT TRIM('  x  '), LENGTH('héllo')", [("x", 5)]),
    # GREATEST / LEAST are NULL when an argument is NULL
    ("SELECT GREATEST(1, 3, 2), LEAST(column1, column2) FROM VALUES (1, NULL)", [(3, None)]),
    (
        "SELECT LISTAGG(column1, '; ') WITHIN GROUP (ORDER BY column2, column1) "
        "FROM VALUES ('b', 2), ('a', 2), ('c', 1)",
        [("c; a; b",)],
    ),
    (
        "SELECT PERCENT_RANK() OVER (ORDER BY column1), DENSE_RANK() OVER (ORDER BY column1), "
        "ROW_NUMBER() OVER (ORDER BY column1 DESC) FROM VALUES (1), (2), (2), (4) ORDER BY 3",
        [(1.0, 3, 1), (1 / 3, 2, 2), (1 / 3, 2, 3), (0.0, 1, 4)],
    ),
    # NULL sorts last ascending and first descending
    (
        "SELECT column1, LEAD(column1) OVER (ORDER BY column1) FROM VALUES (3), (NULL), (1) ORDER BY column1 DESC",
        [(None, None), (3, None), (1, 3)],
    ),
    (
        "SELECT ROUND(2.5), ROUND(-2.5), ROUND(2.345, 2), ROUND(column1, 6) FROM VALUES (2 / 3)",
        [(3, -3, 2.35, 0.666667)],
    ),
    # REGEXP_LIKE matches the whole subject
    ("SELECT REGEXP_LIKE('123', '-?[0-9]{1,38}'), REGEXP_LIKE('12a', '-?[0-9]{1,38}')", [(True, False)]),
    (
        "SELECT REGEXP_SUBSTR('Toy Story (1995)', '\\\\s*\\\\((\\\\d{4})\\\\)\\\\s*$', 1, 1, 'e', 1), "
        "REGEXP_REPLACE('Toy Story (1995)', '\\\\s*\\\\((\\\\d{4})\\\\)\\\\s*$', '')",
        [("1995", "Toy Story")],
    ),
    ("SELECT f.value::VARCHAR FROM TABLE(FLATTEN(INPUT => SPLIT('a|b', '|'))) f", [("a",), ("b",)]),
    # the loader's field rules: TRY_CAST gives NULL for what is not a number, TO_VARCHAR prints it back
    (
        "SELECT TRY_CAST(column1 AS BIGINT), TO_VARCHAR(TRY_CAST(column1 AS BIGINT)), LEFT(column1, 2) "
        "FROM VALUES ('123', 1), ('x', 2), ('', 3) ORDER BY column2",
        [(123, "123", "12"), (None, None, "x"), (None, None, "")],
    ),
    ("SELECT SUM(f.value::INT) FROM TABLE(FLATTEN(ARRAY_GENERATE_RANGE(0, 4))) f", [(6,)]),
    # Snowpark's schema queries (reduce_describe_query_enabled) type FLATTEN's VALUE as PARSE_JSON(...)::VARIANT
    ("SELECT PARSE_JSON('7')::VARIANT::INT", [(7,)]),
    # the framework's metadata rows cast ISO text; a string holding an integer is seconds since the epoch
    (
        "SELECT CAST('2026-12-05 17:37:50.914118' AS TIMESTAMP_NTZ), '2026-12-05'::TIMESTAMP_NTZ, "
        "CAST('1700000000' AS TIMESTAMP_NTZ)",
        [
            (
                datetime(2026, 12, 5, 17, 37, 50, 914118),
                datetime(2026, 12, 5),
                datetime(2023, 11, 14, 22, 13, 20),
            )
        ],
    ),
]

# Statements the engine itself issues and whose failure it ignores (see engine-notes: session.close()).
ENGINE_INTERNAL = {"SYSTEM$CANCEL_ALL_QUERIES"}


def constructs(sql: str) -> set[str]:
    """The functions, casts and operators of a Snowflake statement, by sqlglot's name for them."""
    found: set[str] = set()
    for node in sqlglot.parse_one(sql, read="snowflake").walk():
        if isinstance(node, exp.Anonymous):
            found.add(node.name.upper())
        elif isinstance(node, exp.Func):
            found.add(node.sql_name())
        elif isinstance(node, (exp.Div, exp.Mod, exp.DPipe)):
            found.add(type(node).__name__.upper())
        if isinstance(node, exp.Cast):
            found.add(f"CAST AS {node.to.this.value}")
    return found


@pytest.mark.parametrize(("sql", "expected"), PIPELINE_CASES, ids=[sql[:60] for sql, _ in PIPELINE_CASES])
def test_pipeline_functions_give_snowflakes_answers(
    engine: Engine, sql: str, expected: list[tuple[Any, ...]]
) -> None:
    assert_rows(engine, sql, expected)


@pytest.fixture(scope="module")
def pipeline_sql(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Every statement fakesnow received (to run, or to translate only) while the pipeline loaded and
    built the hand-written release (every model and check), merged a late rating, and wrote its report."""
    from fakesnow.cursor import FakeSnowflakeCursor

    from netflix_elt.movielens.loader import load_directory
    from netflix_elt.movielens.report import write_report
    from netflix_elt.project import Project
    from netflix_elt.quality import default_check_runner
    from netflix_elt.registry import Registry

    fixtures = Path(__file__).resolve().parents[2] / "sql_fixtures" / "pipeline"
    state_dir = tmp_path_factory.mktemp("drift_pipeline") / "state"
    seen: list[str] = []
    fakesnow_compat.install()
    execute, translate_query = FakeSnowflakeCursor.execute, translation.translate_query

    def recording(cursor: Any, command: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(command)
        return execute(cursor, command, *args, **kwargs)

    def recording_translation(cursor: Any, query: str) -> str | None:
        seen.append(query)
        return translate_query(cursor, query)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(FakeSnowflakeCursor, "execute", recording)
        patch.setattr(translation, "translate_query", recording_translation)
        with Project.local(state_dir, Registry.from_package("netflix_elt.movielens.pipeline")) as project:
            project.use_check_runner(default_check_runner(project))
            load_directory(project.engine, fixtures / "release", mode="replace", batch_id="release")
            first = project.build()
            load_directory(project.engine, fixtures / "late_rating", mode="append", batch_id="late-rating")
            second = project.build()
            write_report(project, state_dir / "report" / "index.html")
    failed = {r.name: r.message for run in (first, second) for r in run.results if r.status == "error"}
    assert not failed, failed  # the pipeline itself never trips the guard
    return list(dict.fromkeys(seen))


def test_every_construct_of_the_pipeline_has_a_hand_checked_case(pipeline_sql: list[str]) -> None:
    used = set().union(*(constructs(sql) for sql in pipeline_sql)) - ENGINE_INTERNAL
    covered = set().union(*(constructs(sql) for sql, _ in PIPELINE_CASES))
    assert {"AVG", "DIV", "DATEDIFF", "TIMESTAMP_TRUNC", "GROUP_CONCAT", "REGEXP_EXTRACT"} <= used
    assert used - covered == set()


# -- 2. the registry of known lossy constructs --------------------------------------------------------
# key -> (SQL, the construct the error must name, or Snowflake's rows when the engine translates it)
REGISTRY_CASES: dict[str, list[tuple[str, str | list[tuple[Any, ...]]]]] = {
    "to_char_untyped": [
        ("SELECT TO_VARCHAR(column1, 'YYYY-MM') FROM VALUES ('2020-03-01'::DATE)", [("2020-03",)]),
        (
            "SELECT TO_CHAR(column1, 'DD.MM.YYYY HH24:MI:SS.FF3') FROM VALUES ('2020-03-01 10:11:12.345'::TIMESTAMP_NTZ)",
            [("01.03.2020 10:11:12.345",)],
        ),
        ("SELECT TO_CHAR(column1, 'HH12:MI AM') FROM VALUES ('13:05:00'::TIME)", [("01:05 PM",)]),
    ],
    "to_char_not_datetime": [
        ("SELECT TO_CHAR(column1, '999.9') FROM VALUES (12.5)", "TO_CHAR(column1, '999.9')"),
        ("SELECT TO_VARCHAR(12.5, '99.9')", "TO_CHAR(12.5, '99.9')"),
    ],
    "datetime_format": [
        ("SELECT TO_CHAR('2020-03-01'::DATE, 'YYYY-Mon')", "TO_CHAR(CAST('2020-03-01' AS DATE)"),
        ("SELECT TO_CHAR('2020-03-01'::DATE, 'yyyy/mm/dd')", "TO_CHAR(CAST('2020-03-01' AS DATE)"),
        ("SELECT TO_DATE('2020 Q1', 'YYYY \"Q\"Q')", "TO_DATE('2020 Q1'"),
    ],
    "timestamp_to_varchar": [
        (
            "SELECT CAST(column1 AS VARCHAR) FROM VALUES ('2020-03-01 10:00:00'::TIMESTAMP_NTZ)",
            "CAST(column1 AS VARCHAR)",
        ),
        ("SELECT TO_VARCHAR(column1) FROM VALUES ('2020-03-01 10:00:00'::TIMESTAMP_NTZ)", "TO_CHAR(column1)"),
        (
            "SELECT CONCAT('at ', column1) FROM VALUES ('2020-03-01 10:00:00'::TIMESTAMP_NTZ)",
            "CONCAT('at ', column1)",
        ),
    ],
    "time_to_varchar": [("SELECT column1::VARCHAR FROM VALUES ('10:11:12.75'::TIME)", [("10:11:12",)])],
    "date_trunc_date": [
        (
            "SELECT DATE_TRUNC('MONTH', column1) FROM VALUES ('2020-03-15'::DATE)",
            "DATE_TRUNC('MONTH', column1)",
        ),
        ("SELECT DATE_TRUNC('WEEK', '2020-03-15'::DATE)", "DATE_TRUNC('WEEK', CAST('2020-03-15' AS DATE))"),
    ],
    "number_division": [
        ("SELECT column1 / column2 FROM VALUES (1, 3)", [(0.333333,)]),
        ("SELECT column1 / column2 FROM VALUES (1.5, 0)", "Division by zero"),
    ],
    "numeric_aggregate_double": [
        (
            "SELECT SUM(column1), MEDIAN(column1) FROM VALUES (0.1), (0.2)",
            [(Decimal("0.3"), 0.15)],
        ),
        ("SELECT AVG(DISTINCT column1) FROM VALUES (1), (2), (2)", [(1.5,)]),
    ],
    "avg_number": [("SELECT AVG(column1) FROM VALUES (1), (2), (2)", [(1.666667,)])],
    "float_to_integer_tie": [
        ("SELECT CAST(column1 AS INT) FROM VALUES (2.5::FLOAT)", "CAST(column1 AS INT)"),
        ("SELECT CAST(column1 AS NUMBER) FROM VALUES (-0.5::FLOAT)", "CAST(column1 AS DECIMAL(38, 0))"),
        # the guard keeps TRY_CAST's NULL for text that is not an integer (the loader relies on it)
        ("SELECT TRY_CAST(column1 AS BIGINT) FROM VALUES ('x'), (''), ('12')", [(None,), (None,), (12,)]),
        ("SELECT TRY_CAST(column1 AS BIGINT) FROM VALUES (3.5::FLOAT)", "TRY_CAST(column1 AS BIGINT)"),
    ],
    "regexp_multiline": [
        (
            "SELECT REGEXP_SUBSTR('x\\ny', '^y', 1, 1, 'm'), REGEXP_LIKE('x\\ny', '.*^y$', 'ms')",
            [("y", True)],
        ),
        (
            "SELECT REGEXP_COUNT(column1, column2, 1, 'm') FROM VALUES ('a', 'a')",
            "REGEXP_COUNT(column1, column2, 1, 'm')",
        ),
    ],
    "hash": [
        ("SELECT HASH(column1) FROM VALUES (1)", "HASH(column1)"),
        ("SELECT HASH_AGG(1)", "HASH_AGG(1)"),
    ],
    "seeded_random": [
        ("SELECT RANDOM(42)", "RANDOM(42)"),
        ("SELECT UNIFORM(1, 10, 42)", "UNIFORM(1, 10, 42)"),
        ("SELECT NORMAL(0, 1, 7)", "NORMAL(0, 1, 7)"),
    ],
    "approximate_aggregate": [
        ("SELECT APPROX_COUNT_DISTINCT(column1) FROM VALUES (1)", "APPROX_COUNT_DISTINCT(column1)"),
        ("SELECT APPROX_PERCENTILE(column1, 0.5) FROM VALUES (1)", "APPROX_PERCENTILE(column1, 0.5)"),
        ("SELECT HLL(column1) FROM VALUES (1)", "HLL(column1)"),
    ],
}
REGISTRY_PARAMS = [(key, sql, want) for key, cases in REGISTRY_CASES.items() for sql, want in cases]


def test_every_registered_construct_is_documented_and_tested() -> None:
    assert len(REGISTRY) >= 10
    assert sorted(entry.key for entry in REGISTRY) == sorted(REGISTRY_CASES)
    for entry in REGISTRY:
        assert entry.doc.startswith("https://docs.snowflake.com/en/"), entry
        assert entry.handling in ("translated", "refused", "refused when run")
        assert entry.handling == "translated" or entry.hint, entry


@pytest.mark.parametrize(
    ("key", "sql", "want"), REGISTRY_PARAMS, ids=[f"{k}-{s[:40]}" for k, s, _ in REGISTRY_PARAMS]
)
def test_known_lossy_constructs_are_translated_or_refused(
    engine: Engine, key: str, sql: str, want: Any
) -> None:
    if isinstance(want, list):
        assert_rows(engine, sql, want)
        return
    with pytest.raises(SqlError) as raised:
        engine.execute(sql)
    message = raised.value.render()
    assert want in message and "\n" not in message
    if want != "Division by zero":
        entry = next(e for e in REGISTRY if e.key == key)
        assert isinstance(raised.value, UnsupportedSqlError) and entry.doc in message


# -- 3. sqlglot's own messages, other sqlglot users, the HTTP server ---------------------------------


def test_sqlglot_not_supported_messages_are_refusals_naming_the_construct(engine: Engine) -> None:
    with pytest.raises(UnsupportedSqlError) as raised:
        engine.execute("SELECT SOUNDEX('Robert')")
    assert raised.value.construct == "SOUNDEX('Robert')"
    assert "SOUNDEX is not supported" in raised.value.message
    with pytest.raises(
        UnsupportedSqlError, match=r"^PARSE_URL\('https://x.org/a'\): PARSE_URL is not supported"
    ):
        engine.execute("SELECT PARSE_URL('https://x.org/a')")


def test_sqlglot_outside_fakesnows_translation_keeps_its_behaviour(engine: Engine) -> None:
    engine.execute("SELECT 1")  # the hooks are installed
    # the project's own parsing and transpiling, on this thread and on another one while a build runs
    results: list[str] = []

    def transpile() -> None:
        results.append(
            sqlglot.transpile("SELECT TO_CHAR(x, 'YYYY') FROM t", read="snowflake", write="duckdb")[0]
        )

    worker = threading.Thread(target=transpile)
    worker.start()
    engine.execute("SELECT AVG(column1) FROM VALUES (1), (2)")
    worker.join()
    transpile()
    assert results == ["SELECT CAST(x AS TEXT) FROM t"] * 2  # lossy, as sqlglot is: it only warns
    assert sqlglot.parse_one("SELECT HASH(1)", read="snowflake").sql("snowflake") == "SELECT HASH(1)"


def test_timestamp_literals_in_iso_form_are_plain_casts() -> None:
    """fakesnow's _fs_to_timestamp macro costs DuckDB a bind per call; for ISO text it is a plain cast."""
    tree = sqlglot.parse_one(
        "SELECT _FS_TO_TIMESTAMP('2026-12-05 17:37:50.914118', 0), _FS_TO_TIMESTAMP('2026-12-05', 0), "
        "_FS_TO_TIMESTAMP('1700000000', 0), _FS_TO_TIMESTAMP(c, 0), _FS_TO_TIMESTAMP('2026-12-05', 3)",
        read="duckdb",
    )
    drift_rules.after_fakesnow(tree)
    assert tree.sql("duckdb") == (
        "SELECT CAST('2026-12-05 17:37:50.914118' AS TIMESTAMP), CAST('2026-12-05' AS TIMESTAMP), "
        "_FS_TO_TIMESTAMP('1700000000', 0), _FS_TO_TIMESTAMP(c, 0), _FS_TO_TIMESTAMP('2026-12-05', 3)"
    )


def test_refuse_lossy_translation_is_idempotent(engine: Engine) -> None:
    from fakesnow.cursor import FakeSnowflakeCursor

    hooked = FakeSnowflakeCursor.execute
    fakesnow_compat.refuse_lossy_translation()
    fakesnow_compat.refuse_lossy_translation()
    assert FakeSnowflakeCursor.execute is hooked
    assert_rows(engine, "SELECT 7 / 2", [(3.5,)])


def test_the_wire_server_reports_a_refusal_as_a_sql_error(wire_server: WireServer) -> None:
    """The wire tier installs the same guard (``refuse_lossy_translation``) as the embedded engine."""
    import snowflake.connector

    conn = snowflake.connector.connect(
        account="fakeacct",
        user="fake",
        password="snow",
        host="127.0.0.1",
        port=wire_server.port,
        protocol="http",
        database="DRIFT",
        schema="PUBLIC",
    )
    try:
        cursor = conn.cursor()
        cursor.execute("SELECT 1 / 3")
        assert float(cursor.fetchone()[0]) == 0.333333
        for send in (cursor.execute, cursor.describe):  # describe: a describe-only request, as Snowpark's
            with pytest.raises(snowflake.connector.errors.ProgrammingError, match=r"RANDOM\(42\): Snowflake"):
                send("SELECT RANDOM(42)")
        with pytest.raises(snowflake.connector.errors.ProgrammingError, match="TIMESTAMP_OUTPUT_FORMAT"):
            cursor.execute(
                "SELECT CAST(column1 AS VARCHAR) FROM VALUES ('2020-01-01 10:00:00'::TIMESTAMP_NTZ)"
            )
    finally:
        conn.close()


# -- 4. the command line and the build name the subject ----------------------------------------------


@pytest.fixture
def drift_state(tmp_state_dir: Path) -> Path:
    """A warehouse with RAW.RAW_EVENTS and a RATINGS_OVER_TIME like the pipeline's (MONTH_START a DATE)."""
    from netflix_elt.project import Project
    from netflix_elt.registry import Registry
    from projects import drift as drift_project

    with Project.local(tmp_state_dir, Registry.from_modules(drift_project)) as project:
        drift_project.load_raw(project.engine)
        project.engine.execute(
            "CREATE TABLE MOVIELENS.ANALYSIS.RATINGS_OVER_TIME AS "
            "SELECT '1996-03-01'::DATE AS MONTH_START, 50 AS RATINGS_COUNT"
        )
    return tmp_state_dir


@pytest.fixture
def drift_cli(drift_state: Path, monkeypatch: pytest.MonkeyPatch):
    from typer.testing import CliRunner

    from netflix_elt.cli import app
    from netflix_elt.project import PROJECT_ENV

    monkeypatch.setenv(PROJECT_ENV, "projects.drift")
    monkeypatch.delenv("NETFLIX_ELT_STATE_DIR", raising=False)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, ["--state-dir", str(drift_state), *args])


def one_line_error(result: Any, code: int) -> str:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def test_the_issue_repro_gets_snowflakes_answer(drift_cli) -> None:
    query = "select to_varchar(month_start, 'YYYY-MM') AS M from ANALYSIS.RATINGS_OVER_TIME"
    result = drift_cli("sql", query, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["M", "1996-03"]
    assert "not supported" not in result.stderr


def test_sql_refusals_are_one_line_errors_naming_the_query_and_the_construct(drift_cli) -> None:
    line = one_line_error(
        drift_cli("sql", "select to_varchar(ratings_count, '999') from ANALYSIS.RATINGS_OVER_TIME"), 2
    )
    assert line.startswith("error: query: TO_CHAR(ratings_count, '999'): ")
    assert "docs.snowflake.com/en/sql-reference/functions/to_char" in line
    line = one_line_error(drift_cli("sql", "select hash(month_start) from ANALYSIS.RATINGS_OVER_TIME"), 2)
    assert line.startswith("error: query: HASH(month_start): ") and "use MD5, SHA1 or SHA2" in line
    assert "check the SQL" not in line  # the refusal's own hint, not the generic one


def test_a_build_names_the_refused_model_and_builds_the_rest(drift_state: Path) -> None:
    from netflix_elt.project import Project
    from netflix_elt.registry import Registry
    from projects import drift as drift_project

    with Project.local(drift_state, Registry.from_modules(drift_project)) as project:
        run = project.build()
        results = {r.name: r for r in run.results}
        assert results["EVENT_HASHES"].status == "error"
        assert results["EVENT_HASHES"].message.startswith('model EVENT_HASHES: HASH("ID"): ')
        assert isinstance(results["EVENT_HASHES"].error, UnsupportedSqlError)
        assert results["EVENT_MONTHS"].status == "success"
        assert_rows(project.engine, f"SELECT MONTH FROM {project.relation('event_months')}", [("2020-03",)])
        assert project.engine.object_type(project.relation("event_hashes")) is None


def test_build_and_show_on_the_command_line_name_their_subject(drift_cli) -> None:
    build = drift_cli("build")
    assert build.exit_code == 1, build.output
    assert "Traceback" not in build.output and "HASH(" in build.output
    line = one_line_error(drift_cli("show", "event_text"), 2)
    assert line.startswith('error: model event_text: CAST("AT" AS VARCHAR): '), line
    assert "TIMESTAMP_OUTPUT_FORMAT" in line
