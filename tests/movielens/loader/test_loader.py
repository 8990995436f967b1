"""``netflix-elt load``: MovieLens files into RAW, reject accounting, idempotence, errors, CLI, SQL dialect.

Broken input lives in ``sql_fixtures/loader/rejects`` (hand-written) or is written to ``tmp_path``; the
real small release is read from ../shared/data when present (``movielens_small`` skips otherwise).
"""

from __future__ import annotations

import csv
import hashlib
import time
from collections import Counter
from pathlib import Path
from typing import Any, ClassVar

import pytest
import sqlglot
import typer
from typer.testing import CliRunner

from netflix_elt.config import LocalSettings, Profile
from netflix_elt.engine import Engine
from netflix_elt.engine.base import CsvFile, CsvLanding
from netflix_elt.engine.local import LocalEngine
from netflix_elt.errors import LoadError
from netflix_elt.movielens.cli.load import register
from netflix_elt.movielens.loader import FileLoad, LoadSummary, landing, load_directory, precheck
from netflix_elt.movielens.loader.layout import FILES_BY_NAME
from netflix_elt.movielens.loader.precheck import check_file, scan_quotes

REJECTS_DIR = Path(__file__).resolve().parents[3] / "sql_fixtures" / "loader" / "rejects"
SMALL_COUNTS = {"RAW_RATINGS": 100_836, "RAW_MOVIES": 9_742, "RAW_TAGS": 3_683, "RAW_LINKS": 9_742}

# (table, line, reason, raw record) of every record in sql_fixtures/loader/rejects that must be rejected.
EXPECTED_REJECTS = [
    ("RAW_LINKS", 4, "tmdbId 'n/a' is not an integer", "3,0113228,n/a"),
    ("RAW_LINKS", 5, "2 fields, expected 3", "4,0114885"),
    ("RAW_MOVIES", 5, "movieId is empty", ",Nameless (2001),Drama"),
    ("RAW_MOVIES", 6, "1 field, expected 3", "12"),
    ("RAW_RATINGS", 3, "rating 'abc' is not a number", "1,3,abc,964981247"),
    ("RAW_RATINGS", 4, "userId is empty", ",6,4.0,964982224"),
    ("RAW_RATINGS", 5, "3 fields, expected 4", "1,47,5.0"),
    ("RAW_RATINGS", 6, "more than 4 fields, expected 4", "1,50,5.0,964982931,1"),
    ("RAW_RATINGS", 7, "timestamp '2000-07-30' is not an integer", "1,70,3.0,2000-07-30"),
    ("RAW_RATINGS", 10, "rating is empty", "2,3,,1445714835"),
    ("RAW_RATINGS", 11, "timestamp '1.5e9' is not an integer", "3,1,4.5,1.5e9"),
    ("RAW_RATINGS", 13, "rating '\\N' is not a number", "3,7,\\N,1306463579"),
    ("RAW_TAGS", 6, "userId 'x' is not an integer", "x,89774,Tom Hardy,1445715205"),
    (
        "RAW_TAGS",
        8,
        "more than 4 fields, expected 4",
        '7,2,"unterminated ""quote"" inside, no",1445715206,extra',
    ),
]
# (read, loaded, rejected) per table for the same directory.
EXPECTED_COUNTS = {
    "RAW_MOVIES": (6, 4, 2),
    "RAW_RATINGS": (11, 3, 8),
    "RAW_TAGS": (7, 5, 2),
    "RAW_LINKS": (5, 3, 2),
}

MINI_RELEASE = {
    "movies.csv": "movieId,title,genres\n1,Toy Story (1995),Comedy\n2,Jumanji (1995),Adventure\n",
    "ratings.csv": "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,2,3.5,964982704\n",
    "tags.csv": "userId,movieId,tag,timestamp\n1,1,pixar,964982705\n",
    "links.csv": "movieId,imdbId,tmdbId\n1,0114709,862\n2,0113497,8844\n",
}


class _UntouchedEngine:
    """Stands in for an engine in tests where validation must fail before anything is written."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the engine was used ({name}) before the input was validated")


def _rows(engine: Engine, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in engine.execute(sql)]


def _count(engine: Engine, table: str, schema: str = "RAW") -> int:
    return int(engine.scalar(f"SELECT COUNT(*) FROM MOVIELENS.{schema}.{table}"))


def _by_table(summary: LoadSummary) -> dict[str, FileLoad]:
    return {f.table: f for f in summary.files}


def _assert_balanced(summary: LoadSummary) -> None:
    for file in summary.files:
        assert file.rows_read == file.rows_loaded + file.rows_rejected, file


def _write_release(directory: Path, files: dict[str, str], newline: str = "\n") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).write_bytes(text.replace("\n", newline).encode("utf-8"))
    return directory


def _csv_rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))[1:]


# -- the real small release ------------------------------------------------------------------------


def test_movielens_small_loads_every_row_byte_exact(engine: Engine, movielens_small: Path) -> None:
    summary = load_directory(engine, movielens_small, mode="replace")

    _assert_balanced(summary)
    assert {f.table: (f.rows_loaded, f.rows_rejected) for f in summary.files} == {
        table: (count, 0) for table, count in SMALL_COUNTS.items()
    }
    for table, count in SMALL_COUNTS.items():
        assert _count(engine, table) == count
    assert _count(engine, "LOAD_REJECTS", "ELT_META") == 0
    assert [entry.name for entry in summary.ignored] == ["README.txt"]
    # _FILE_ROW_NUMBER is the line number: the header is line 1.
    assert _rows(
        engine, "SELECT MIN(_FILE_ROW_NUMBER), MAX(_FILE_ROW_NUMBER) FROM MOVIELENS.RAW.RAW_RATINGS"
    ) == [(2, SMALL_COUNTS["RAW_RATINGS"] + 1)]

    links = _csv_rows(movielens_small / "links.csv")
    expected_links = {(int(m), imdb, int(tmdb) if tmdb else None) for m, imdb, tmdb in links}
    assert (
        set(_rows(engine, "SELECT MOVIE_ID, IMDB_ID, TMDB_ID FROM MOVIELENS.RAW.RAW_LINKS")) == expected_links
    )
    assert sum(1 for *_, tmdb in links if not tmdb) == 8
    assert (
        _count(engine, "RAW_LINKS") - int(engine.scalar("SELECT COUNT(TMDB_ID) FROM MOVIELENS.RAW.RAW_LINKS"))
        == 8
    )
    assert any(imdb.startswith("0") for _, imdb, _ in expected_links)

    movies = {int(m): (title, genres) for m, title, genres in _csv_rows(movielens_small / "movies.csv")}
    loaded = {
        m: (t, g) for m, t, g in _rows(engine, "SELECT MOVIE_ID, TITLE, GENRES FROM MOVIELENS.RAW.RAW_MOVIES")
    }
    assert loaded == movies
    assert loaded[7789][0] == "11'09\"01 - September 11 (2002)"
    assert loaded[29][0] == "City of Lost Children, The (Cité des enfants perdus, La) (1995)"

    tags = Counter(
        (int(u), int(m), tag, int(ts)) for u, m, tag, ts in _csv_rows(movielens_small / "tags.csv")
    )
    sql = "SELECT USER_ID, MOVIE_ID, TAG, EPOCH_SECONDS FROM MOVIELENS.RAW.RAW_TAGS"
    assert Counter(_rows(engine, sql)) == tags


def test_movielens_small_reload_is_a_no_op_and_replace_reloads(engine: Engine, movielens_small: Path) -> None:
    first = load_directory(engine, movielens_small, batch_id="first")
    again = load_directory(engine, movielens_small, batch_id="again")
    replaced = load_directory(engine, movielens_small, mode="replace", batch_id="replaced")

    assert all(f.status == "loaded" for f in first.files)
    assert all(f.skipped_already_loaded and f.rows_loaded == 0 for f in again.files)
    assert all(f.status == "loaded" and not f.skipped_already_loaded for f in replaced.files)
    for table, count in SMALL_COUNTS.items():
        assert _count(engine, table) == count
    log = _rows(
        engine,
        "SELECT BATCH_ID, STATUS, COUNT(*), SUM(ROWS_LOADED) FROM MOVIELENS.ELT_META.LOAD_LOG "
        "GROUP BY BATCH_ID, STATUS ORDER BY BATCH_ID",
    )
    total = sum(SMALL_COUNTS.values())
    assert log == [
        ("again", "SKIPPED", 4, 0),
        ("first", "LOADED", 4, total),
        ("replaced", "LOADED", 4, total),
    ]
    batches = _rows(engine, "SELECT DISTINCT _BATCH_ID FROM MOVIELENS.RAW.RAW_RATINGS")
    assert batches == [("replaced",)]


# -- rejects -----------------------------------------------------------------------------------


def _rejects(engine: Engine) -> list[tuple[Any, ...]]:
    return _rows(
        engine,
        "SELECT TARGET_TABLE, LINE_NUMBER, REASON, RAW_RECORD FROM MOVIELENS.ELT_META.LOAD_REJECTS "
        "ORDER BY TARGET_TABLE, LINE_NUMBER",
    )


def test_broken_records_are_rejected_with_line_and_reason(engine: Engine) -> None:
    summary = load_directory(engine, REJECTS_DIR, batch_id="broken")

    _assert_balanced(summary)
    assert {t: (f.rows_read, f.rows_loaded, f.rows_rejected) for t, f in _by_table(summary).items()} == (
        EXPECTED_COUNTS
    )
    assert _rejects(engine) == EXPECTED_REJECTS
    assert _rows(engine, "SELECT DISTINCT BATCH_ID FROM MOVIELENS.ELT_META.LOAD_REJECTS") == [("broken",)]

    tags = _rows(engine, "SELECT _FILE_ROW_NUMBER, TAG FROM MOVIELENS.RAW.RAW_TAGS ORDER BY 1")
    # A quoted field spanning two lines is valid CSV: loaded, and later records keep their line numbers.
    assert tags == [
        (2, "funny"),
        (3, "two\nlines"),
        (5, '"quoted", with comma'),
        (7, ""),
        (9, "trailing space "),
    ]
    ratings = _rows(engine, "SELECT _FILE_ROW_NUMBER, RATING FROM MOVIELENS.RAW.RAW_RATINGS ORDER BY 1")
    assert ratings == [(2, 4.0), (8, 3.5), (12, 0.5)]
    links = _rows(engine, "SELECT MOVIE_ID, IMDB_ID, TMDB_ID FROM MOVIELENS.RAW.RAW_LINKS ORDER BY 1")
    assert links == [(1, "0114709", 862), (2, "0113497", None), (5, "0113041", 11862)]
    titles = _rows(engine, "SELECT MOVIE_ID, TITLE FROM MOVIELENS.RAW.RAW_MOVIES ORDER BY 1")
    assert titles == [
        (1, "Toy Story (1995)"),
        (29, "City of Lost Children, The (Cité des enfants perdus, La) (1995)"),
        (40, "Señor \\ Backslash (1999) "),
        (7789, "11'09\"01 - September 11 (2002)"),
    ]


def test_crlf_files_give_the_same_rejects_and_keep_crlf_inside_quotes(engine: Engine, tmp_path: Path) -> None:
    files = {path.name: path.read_text(encoding="utf-8") for path in REJECTS_DIR.glob("*.csv")}
    source = _write_release(tmp_path / "crlf", files, newline="\r\n")

    summary = load_directory(engine, source)

    _assert_balanced(summary)
    assert _rejects(engine) == EXPECTED_REJECTS
    tag = engine.scalar("SELECT TAG FROM MOVIELENS.RAW.RAW_TAGS WHERE _FILE_ROW_NUMBER = 3")
    assert tag == "two\r\nlines"
    assert (
        engine.scalar("SELECT COUNT(*) FROM MOVIELENS.RAW.RAW_MOVIES WHERE GENRES LIKE '%' || CHR(13)") == 0
    )


# -- modes and idempotence -------------------------------------------------------------------------


def test_append_skips_loaded_content_until_a_replace_empties_the_table(
    engine: Engine, tmp_path: Path
) -> None:
    release_a = _write_release(tmp_path / "a", MINI_RELEASE)
    other_ratings = "userId,movieId,rating,timestamp\n9,1,1.0,964982800\n"
    release_b = _write_release(tmp_path / "b", {**MINI_RELEASE, "ratings.csv": other_ratings})

    assert _by_table(load_directory(engine, release_a))["RAW_RATINGS"].rows_loaded == 2
    assert _by_table(load_directory(engine, release_a))["RAW_RATINGS"].skipped_already_loaded
    assert _by_table(load_directory(engine, release_b))["RAW_RATINGS"].rows_loaded == 1
    assert _count(engine, "RAW_RATINGS") == 3

    load_directory(engine, release_b, mode="replace")
    assert _count(engine, "RAW_RATINGS") == 1
    # Release A's ratings were emptied by the replace, so appending them loads them again.
    assert _by_table(load_directory(engine, release_a))["RAW_RATINGS"].rows_loaded == 2
    assert _count(engine, "RAW_RATINGS") == 3
    assert _count(engine, "RAW_MOVIES") == 2


def test_increment_directory_loads_its_files_and_ignores_the_rest(engine: Engine, tmp_path: Path) -> None:
    day = _write_release(
        tmp_path / "increments" / "day-0001",
        {
            "ratings.csv": "userId,movieId,rating,timestamp\n1,1,4.0,1574000000\n2,1,2.5,1574000001\n",
            "tags.csv": MINI_RELEASE["tags.csv"],
            "movies.csv": "movieId,title,genres\n",
            "links.csv": "movieId,imdbId,tmdbId",  # header only, no final newline
            "_increment.json": "{}",
            "README.txt": "not data",
        },
    )
    _write_release(day / "nested", {"ratings.csv": MINI_RELEASE["ratings.csv"]})

    summary = load_directory(engine, day)

    assert {f.table: f.rows_loaded for f in summary.files} == {
        "RAW_MOVIES": 0,
        "RAW_RATINGS": 2,
        "RAW_TAGS": 1,
        "RAW_LINKS": 0,
    }
    assert [(entry.name, entry.reason) for entry in summary.ignored] == [
        ("README.txt", "not a MovieLens file name"),
        ("_increment.json", "not a MovieLens file name"),
        ("nested", "a directory (subdirectories are not read)"),
    ]
    assert _count(engine, "RAW_RATINGS") == 2
    assert summary.to_dict()["totals"]["rows_loaded"] == 3


def test_a_failing_file_is_rolled_back_logged_and_the_others_still_load(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = _write_release(tmp_path / "release", MINI_RELEASE)
    load_directory(engine, release, mode="replace")
    original = landing.insert_loaded_sql

    def broken_for_ratings(spec: Any, raw_table: str, *args: Any, **kwargs: Any) -> str:
        if spec.table == "RAW_RATINGS":
            return f"INSERT INTO {raw_table} (USER_ID) SELECT NO_SUCH_COLUMN FROM {raw_table}"
        return original(spec, raw_table, *args, **kwargs)

    monkeypatch.setattr(landing, "insert_loaded_sql", broken_for_ratings)
    summary = load_directory(engine, release, mode="replace", batch_id="failing")

    ratings = _by_table(summary)["RAW_RATINGS"]
    assert ratings.status == "failed" and ratings.rows_loaded == 0
    assert ratings.error and "NO_SUCH_COLUMN" in ratings.error
    assert [f.table for f in summary.failed] == ["RAW_RATINGS"]
    # The replace's DELETE was rolled back with the failed insert.
    assert _count(engine, "RAW_RATINGS") == 2
    assert _count(engine, "RAW_MOVIES") == 2
    log = _rows(
        engine,
        "SELECT TARGET_TABLE, STATUS FROM MOVIELENS.ELT_META.LOAD_LOG WHERE BATCH_ID = 'failing' ORDER BY 1",
    )
    assert log == [
        ("RAW_LINKS", "LOADED"),
        ("RAW_MOVIES", "LOADED"),
        ("RAW_RATINGS", "FAILED"),
        ("RAW_TAGS", "LOADED"),
    ]


# -- errors ------------------------------------------------------------------------------------


def _load_error(source: Path, mode: str = "append") -> str:
    with pytest.raises(LoadError) as caught:
        load_directory(_UntouchedEngine(), source, mode=mode)  # type: ignore[arg-type]
    return str(caught.value)


def test_missing_directory(tmp_path: Path) -> None:
    assert "does not exist" in _load_error(tmp_path / "nowhere")


def test_source_is_a_file(tmp_path: Path) -> None:
    source = _write_release(tmp_path / "d", MINI_RELEASE) / "ratings.csv"
    assert "not a directory" in _load_error(source)


def test_directory_without_movielens_files(tmp_path: Path) -> None:
    source = _write_release(tmp_path / "empty", {"README.txt": "hello", "ratings.csv.gz": ""})
    (source / "ml-latest-small").mkdir()
    message = _load_error(source)
    assert "no MovieLens files" in message and str(source) in message


def test_wrong_header_names_file_expected_and_found(tmp_path: Path) -> None:
    source = _write_release(tmp_path / "d", {"ratings.csv": "user,movie,rating,timestamp\n1,1,4.0,1\n"})
    message = _load_error(source)
    assert "ratings.csv" in message
    assert "'user,movie,rating,timestamp'" in message and "'userId,movieId,rating,timestamp'" in message


def test_bad_quoting_and_empty_file(tmp_path: Path) -> None:
    unclosed = 'userId,movieId,tag,timestamp\n1,1,"open,1\n2,2,x,2\n'
    message = _load_error(_write_release(tmp_path / "q", {"tags.csv": unclosed}))
    assert "tags.csv" in message and "quoted field opened on line 2 is never closed" in message
    trailing = 'userId,movieId,tag,timestamp\n1,1,ok,1\n1,2,"a"b,1\n'
    message = _load_error(_write_release(tmp_path / "t", {"tags.csv": trailing}))
    assert "tags.csv" in message and "line 3: text follows the closing quote of a field" in message
    empty = _write_release(tmp_path / "e", {"links.csv": ""})
    assert "links.csv" in (message := _load_error(empty)) and "empty" in message


def test_replace_needs_a_complete_release_but_append_does_not(engine: Engine, tmp_path: Path) -> None:
    source = _write_release(tmp_path / "partial", {"ratings.csv": MINI_RELEASE["ratings.csv"]})
    message = _load_error(source, mode="replace")
    assert "movies.csv, tags.csv, links.csv" in message and "--mode append" in message
    assert load_directory(engine, source).files[0].rows_loaded == 2


def test_invalid_mode_and_batch_id(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="unknown load mode"):
        load_directory(_UntouchedEngine(), tmp_path, mode="merge")  # type: ignore[arg-type]
    with pytest.raises(LoadError, match="invalid batch id"):
        load_directory(_UntouchedEngine(), tmp_path, batch_id="x'; DROP TABLE y")  # type: ignore[arg-type]


# -- command line ----------------------------------------------------------------------------------


def _cli(*args: str) -> Any:
    app = typer.Typer()
    register(app)

    @app.command("noop")  # a second command keeps `load` a subcommand, as in the real app
    def noop() -> None: ...

    return CliRunner().invoke(app, list(args))


def test_cli_prints_a_table_and_exits_0(tmp_path: Path) -> None:
    result = _cli("load", "--source", str(REJECTS_DIR), "--state-dir", str(tmp_path / "state"))
    assert result.exit_code == 0, result.output
    for text in ("ratings.csv", "RAW_RATINGS", "rejected", "14 records rejected"):
        assert text in result.output


def test_cli_error_is_one_red_line_and_exit_2(tmp_path: Path) -> None:
    missing = tmp_path / "missing"
    result = _cli("load", "--source", str(missing), "--state-dir", str(tmp_path / "state"))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and str(missing) in lines[0]
    header = _write_release(tmp_path / "bad", {"movies.csv": "id,title,genres\n"})
    result = _cli("load", "--source", str(header), "--state-dir", str(tmp_path / "state"))
    assert result.exit_code == 2 and "movies.csv" in result.output and "Traceback" not in result.output


def test_cli_exits_1_when_a_file_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: LocalEngine, file: CsvFile) -> CsvLanding:
        raise RuntimeError(f"warehouse unavailable for {file.path.name}")

    monkeypatch.setattr(LocalEngine, "land_csv_file", refuse)
    source = _write_release(tmp_path / "release", MINI_RELEASE)
    result = _cli("load", "--source", str(source), "--state-dir", str(tmp_path / "state"))
    assert result.exit_code == 1
    assert "failed: RuntimeError: warehouse unavailable for movies.csv" in result.output
    assert "Traceback" not in result.output


# -- SQL dialect -------------------------------------------------------------------------------


def test_every_statement_the_loader_runs_is_snowflake_sql(engine: Engine, tmp_path: Path) -> None:
    release = _write_release(tmp_path / "release", MINI_RELEASE)
    with engine.recording() as statements:
        load_directory(engine, REJECTS_DIR)  # rejects, and line offsets (multi-line field, blank line)
        load_directory(engine, REJECTS_DIR)  # skipped files
        load_directory(engine, release, mode="replace")

    for statement in statements:
        sqlglot.parse_one(statement, read="snowflake", error_level=sqlglot.ErrorLevel.RAISE)
    starts = {" ".join(s.split()[:3]) for s in statements}
    for expected in (
        "CREATE FILE FORMAT",
        "CREATE STAGE IF",
        "BEGIN TRANSACTION",
        "DELETE FROM MOVIELENS.RAW.RAW_RATINGS",
    ):
        assert any(start.startswith(expected) for start in starts), expected
    # Line numbers of multi-line records and blank lines come from the record map, in the same INSERT.
    assert any("LEFT JOIN" in s and "RECORD_MAP__SCRATCH_" in s for s in statements)
    assert any(
        s.startswith("ALTER TABLE MOVIELENS.ELT_META.LOAD_LOG ADD COLUMN IF NOT EXISTS") for s in statements
    )
    assert any("INTO MOVIELENS.ELT_META.LOAD_REJECTS" in s for s in statements)


def test_snowflake_put_and_copy_statements_parse(tmp_path: Path) -> None:
    from snowflake.snowpark import Row

    from netflix_elt.config import SnowflakeSettings
    from netflix_elt.engine.snowflake import SnowflakeEngine

    class Recording(SnowflakeEngine):
        """Records statements instead of connecting; COPY reports 12 rows loaded."""

        statements: ClassVar[list[str]] = []

        def execute(self, sql: str) -> list[Any]:
            self.statements.append(sql)
            return [Row(file="ratings.csv.gz", status="LOADED", rows_parsed=12, rows_loaded=12)]

    profile = Profile(name="sf", engine="snowflake", snowflake=SnowflakeSettings(warehouse="WH"))
    engine = Recording(profile, tmp_path)
    spec = FILES_BY_NAME["ratings.csv"]
    landed = engine.land_csv_file(
        CsvFile(
            Path("/data/ml 25m/ratings.csv"),
            schema="ELT_META",
            hint="LANDING_RAW_RATINGS",
            empty_select_sql=landing.landing_select_sql(spec),
            columns=landing.landing_columns(spec),
            stage="MOVIELENS.ELT_META.MOVIELENS_LOAD_STAGE",
            stage_path="b1/RAW_RATINGS",
            file_format="MOVIELENS.ELT_META.MOVIELENS_CSV_V1",
        )
    )

    # Snowflake lands into a scratch table with PUT + COPY INTO; the COPY's count is the records landed.
    assert landed.records == 12 and not landed.is_view
    assert landed.name.startswith("MOVIELENS.ELT_META.LANDING_RAW_RATINGS__SCRATCH_")
    create, put, copy = engine.statements
    assert create.startswith(f"CREATE TEMPORARY TABLE {landed.name} AS SELECT")
    assert put.startswith(
        "PUT 'file:///data/ml 25m/ratings.csv' @MOVIELENS.ELT_META.MOVIELENS_LOAD_STAGE/b1/"
    )
    assert f"COPY INTO {landed.name} (FILE_ROW_NUMBER, F1, F2, F3, F4, F5)" in copy
    assert "SELECT METADATA$FILE_ROW_NUMBER, $1, $2, $3, $4, $5 FROM" in copy
    for statement in engine.statements:
        sqlglot.parse_one(statement, read="snowflake", error_level=sqlglot.ErrorLevel.RAISE)


# -- the streaming pre-check -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "in_quote", "expected"),
    [
        (b"1,2,3", False, (False, None)),
        (b'1,"open', False, (True, None)),
        (b'1,"closed",3', False, (False, None)),
        (b'1,"a ""quoted"" word",3\r', False, (False, None)),
        (b'1,"ends with escaped quote""', False, (True, None)),
        (b'1,ab"c,3', False, (False, None)),  # a quote inside an unquoted field is literal
        (b'still inside",4\r', True, (False, None)),
        (b"still inside, no quote", True, (True, None)),
        (b'"",""', False, (False, None)),
        (b'1,"abc"def,3', False, (False, "text follows the closing quote of a field")),
        (b'1,"abc" ,3', False, (False, "text follows the closing quote of a field")),
        (b'1, "abc",3', False, (False, "spaces precede the opening quote of a field")),
    ],
)
def test_scan_quotes(line: bytes, in_quote: bool, expected: tuple[bool, str | None]) -> None:
    assert scan_quotes(line, in_quote=in_quote) == expected


@pytest.mark.parametrize("chunk_bytes", [1, 3, 7, 64])
def test_precheck_does_not_depend_on_chunk_boundaries(
    chunk_bytes: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "tags.csv"
    path.write_bytes((REJECTS_DIR / "tags.csv").read_bytes().replace(b"\n", b"\r\n") + b"\r\n\r\n8,1,end,1")
    reference = check_file(FILES_BY_NAME["tags.csv"], path)
    monkeypatch.setattr(precheck, "CHUNK_BYTES", chunk_bytes)
    small = check_file(FILES_BY_NAME["tags.csv"], path)

    assert (small.sha256, small.records, small.line_offsets, small.size_bytes, small.longest_line) == (
        reference.sha256,
        reference.records,
        reference.line_offsets,
        reference.size_bytes,
        reference.longest_line,
    )
    assert reference.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert reference.longest_line == max(len(line) + 1 for line in path.read_bytes().split(b"\n"))
    assert reference.size_bytes == path.stat().st_size
    # records 2..3 on their own lines, record 3 spans two lines, two blank lines before the last record.
    assert reference.records == 8 and reference.line_offsets == ((4, 1), (9, 3))


def test_precheck_finds_bad_utf8_across_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "movies.csv"
    body = "movieId,title,genres\n1,Señor (1999),Drama\n".encode() + b"2,Bad \xff title,Drama\n3,Ok,Drama\n"
    path.write_bytes(body)
    offset = body.index(b"\xff")
    monkeypatch.setattr(precheck, "CHUNK_BYTES", 5)
    check = check_file(FILES_BY_NAME["movies.csv"], path)

    assert check.records == 3
    assert check.bad_records == (
        precheck.BadRecord(3, 3, f"invalid UTF-8 byte 0xff at byte offset {offset}"),
    )
    assert check.repairs == ((offset, 1),)


# -- scale (run with -m slow) --------------------------------------------------------------------


@pytest.mark.slow
def test_one_million_ratings(engine: Engine, tmp_path: Path) -> None:
    import numpy as np

    rows = 1_000_000
    rng = np.random.default_rng(7)
    columns = (
        np.sort(rng.integers(1, 6_000, rows)),
        rng.integers(1, 60_000, rows),
        rng.integers(1, 11, rows) / 2,
        rng.integers(789_000_000, 1_574_000_000, rows),
    )
    source = tmp_path / "big"
    source.mkdir()
    with (source / "ratings.csv").open("w", newline="") as handle:
        handle.write("userId,movieId,rating,timestamp\r\n")
        handle.writelines(
            f"{u},{m},{r},{t}\r\n" for u, m, r, t in zip(*(c.tolist() for c in columns), strict=True)
        )

    started = time.perf_counter()
    summary = load_directory(engine, source)
    seconds = time.perf_counter() - started

    assert summary.files[0].rows_loaded == rows
    assert _count(engine, "RAW_RATINGS") == rows
    print(f"loaded {rows:,} ratings in {seconds:.1f} s")


def test_a_file_larger_than_the_memory_limit_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """DuckDB's CSV reader buffered up to 16 x max_line_size at once (a 700 MB ratings.csv was one
    673 MiB allocation), so a file larger than the engine's memory_limit failed with Out of Memory.
    The same at a small scale: lines up to 4 MiB, 48 MiB of memory, a 60 MB file."""
    from netflix_elt.engine import local

    monkeypatch.setattr(local, "_MAX_LINE_BYTES", 4 << 20)
    monkeypatch.setattr(local, "_BUFFER_BYTES", 8 << 20)
    data = tmp_path / "data"
    data.mkdir()
    rows = 2_500_000
    with (data / "ratings.csv").open("w", encoding="utf-8") as out:
        out.write("userId,movieId,rating,timestamp\n")
        out.writelines(f"{1 + i // 2000},{1 + i % 2000},4.0,1500000000\n" for i in range(rows))
    profile = Profile(local=LocalSettings(memory_limit="48MiB"))
    with LocalEngine(profile, tmp_path / "state") as engine:
        summary = load_directory(engine, data, mode="append")
    (ratings,) = summary.files
    assert (ratings.table, ratings.status, ratings.rows_read, ratings.rows_loaded) == (
        "RAW_RATINGS",
        "loaded",
        rows,
        rows,
    ), ratings.error
