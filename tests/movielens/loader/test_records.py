"""The loader never fails a file for one record, never passes over a file in silence, and recognises
data it already holds: records it cannot store (range, encoding, stray carriage returns) are rejected
with their line; unreadable MovieLens entries are reported; content identity survives line endings.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from netflix_elt.engine import Engine
from netflix_elt.errors import LoadError
from netflix_elt.movielens.cli.load import register
from netflix_elt.movielens.loader import load_directory
from netflix_elt.movielens.loader.layout import FILES_BY_NAME
from netflix_elt.movielens.loader.precheck import check_file

from .test_loader import MINI_RELEASE

RATINGS_HEADER = "userId,movieId,rating,timestamp"


def _rows(engine: Engine, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in engine.execute(sql)]


def _ratings(count: int, replace: dict[int, str] | None = None, newline: str = "\n") -> bytes:
    """``count`` good rating records; ``replace`` maps a line number (header = 1) to its text."""
    lines = [RATINGS_HEADER] + [
        f"{i},{i % 50 + 1},{(i % 10 + 1) / 2},{964982700 + i}" for i in range(1, count + 1)
    ]
    for line_no, text in (replace or {}).items():
        lines[line_no - 1] = text
    return (newline.join(lines) + newline).encode()


def _source(directory: Path, files: dict[str, bytes | str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content.encode() if isinstance(content, str) else content
        (directory / name).write_bytes(data)
    return directory


def _rejects(engine: Engine) -> list[tuple[Any, ...]]:
    return _rows(
        engine,
        "SELECT TARGET_TABLE, LINE_NUMBER, REASON, RAW_RECORD FROM MOVIELENS.ELT_META.LOAD_REJECTS "
        "ORDER BY TARGET_TABLE, LINE_NUMBER",
    )


def _log(engine: Engine) -> list[tuple[Any, ...]]:
    return _rows(
        engine,
        "SELECT TARGET_TABLE, STATUS, ROWS_READ, ROWS_LOADED, ROWS_REJECTED FROM MOVIELENS.ELT_META.LOAD_LOG "
        "ORDER BY STARTED_AT, TARGET_TABLE",
    )


# -- records that cannot be stored (issue 11, defect 3) -----------------------------------------------


def test_an_oversized_integer_rejects_its_record_not_the_file(engine: Engine, tmp_path: Path) -> None:
    big = "99999999999999999999,1,4.0,964982703"
    source = _source(tmp_path / "d", {"ratings.csv": _ratings(150, {101: big})})

    summary = load_directory(engine, source)

    ratings = summary.files[0]
    assert (ratings.status, ratings.rows_read, ratings.rows_loaded, ratings.rows_rejected) == (
        "loaded",
        150,
        149,
        1,
    )
    assert _rejects(engine) == [
        ("RAW_RATINGS", 101, "userId '99999999999999999999' is out of range for a 64-bit integer", big)
    ]
    assert _log(engine) == [("RAW_RATINGS", "LOADED", 150, 149, 1)]
    assert engine.scalar("SELECT COUNT(*) FROM MOVIELENS.RAW.RAW_RATINGS") == 149


def test_numbers_are_kept_exactly_up_to_the_64_bit_limits(engine: Engine, tmp_path: Path) -> None:
    lines = {
        2: "9223372036854775807,1,4.0,-9223372036854775808",  # both limits: loaded
        3: "9223372036854775808,1,4.0,1",  # one above: rejected
        4: "1,-9223372036854775809,4.0,1",  # one below: rejected
        5: "1,2,1e400,1",  # not a finite double: rejected
        6: "1,2,4.0,0000000000000000000000000042",  # leading zeros, in range: loaded as 42
        7: "-0,2,-1.5E-3,1",
        8: f"1,2,4.0,{'9' * 45}",  # beyond any NUMBER: rejected, value shown
    }
    source = _source(tmp_path / "d", {"ratings.csv": _ratings(7, lines)})

    summary = load_directory(engine, source)

    assert (summary.rows_read, summary.rows_loaded, summary.rows_rejected) == (7, 3, 4)
    assert _rows(
        engine,
        "SELECT _FILE_ROW_NUMBER, USER_ID, MOVIE_ID, RATING, EPOCH_SECONDS FROM MOVIELENS.RAW.RAW_RATINGS ORDER BY 1",
    ) == [
        (2, 9223372036854775807, 1, 4.0, -9223372036854775808),
        (6, 1, 2, 4.0, 42),
        (7, 0, 2, -0.0015, 1),
    ]
    reasons = {line: reason for _, line, reason, _ in _rejects(engine)}
    assert reasons == {
        3: "userId '9223372036854775808' is out of range for a 64-bit integer",
        4: "movieId '-9223372036854775809' is out of range for a 64-bit integer",
        5: "rating '1e400' is out of range for a double",
        8: "timestamp '" + "9" * 45 + "' is out of range for a 64-bit integer",
    }


@pytest.mark.parametrize("rejected_line", [None, 700_001], ids=["clean", "one-reject"])
def test_line_numbers_hold_when_duckdb_reads_the_file_in_parallel(
    engine: Engine, tmp_path: Path, rejected_line: int | None
) -> None:
    """A clean file of more than one read buffer (16 MB for short lines) lands unnumbered, is read in
    parallel (several buffers and row groups) and numbered in insertion order; a file with a reject is
    read again, numbered. Either way each row's _FILE_ROW_NUMBER is its line (every record's timestamp
    here is its line number)."""
    records = 1_000_000  # 22 MB
    text = "".join(f"{line % 1000 + 1},{line % 97 + 1},3.5,{line}\n" for line in range(2, records + 2))
    if rejected_line is not None:
        text = text.replace(f",{rejected_line}\n", f",{rejected_line}x\n")
    source = _source(tmp_path / "d", {"ratings.csv": f"{RATINGS_HEADER}\n{text}"})

    with engine.recording() as statements:
        summary = load_directory(engine, source)

    inserts = [s for s in statements if s.startswith("INSERT INTO MOVIELENS.RAW.RAW_RATINGS")]
    assert ["FILE_ROW_NUMBER > 1" in s for s in inserts] == (
        [False] if rejected_line is None else [False, True]
    )
    assert (summary.rows_read, summary.rows_rejected) == (records, 0 if rejected_line is None else 1)
    assert _rows(
        engine,
        "SELECT COUNT(*), COUNT_IF(_FILE_ROW_NUMBER = EPOCH_SECONDS), MIN(_FILE_ROW_NUMBER), "
        "MAX(_FILE_ROW_NUMBER) FROM MOVIELENS.RAW.RAW_RATINGS",
    ) == [(summary.rows_loaded, summary.rows_loaded, 2, records + 1)]
    if rejected_line is not None:
        assert [line for _, line, _, _ in _rejects(engine)] == [rejected_line]


def test_a_file_duckdb_will_not_read_in_parallel_is_read_by_one_thread(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB's parallel reader refuses some files ("does not support a full read on this file",
    duckdb/duckdb#24237); it refuses this 4.7 MB one in buffers of 272,117 bytes. The loader then
    reads it again with one thread, in a new transaction: every record loaded, with its line."""
    monkeypatch.setattr("netflix_elt.engine.local._SMALL_BUFFER_BYTES", 272_117)
    lines = [
        f"{movie},{tag},0.{(movie * 7919 + tag * 104729) % 100000:05d}"
        for movie in range(1, 3001)
        for tag in range(1, 101)
    ]
    source = _source(
        tmp_path / "d", {"genome-scores.csv": "movieId,tagId,relevance\n" + "\n".join(lines) + "\n"}
    )

    summary = load_directory(engine, source)

    assert (summary.rows_read, summary.rows_loaded, summary.files[0].status) == (300_000, 300_000, "loaded")
    assert _rows(
        engine,
        "SELECT COUNT_IF(_FILE_ROW_NUMBER = (MOVIE_ID - 1) * 100 + TAG_ID + 1), MAX(_FILE_ROW_NUMBER) "
        "FROM MOVIELENS.RAW.RAW_GENOME_SCORES",
    ) == [(300_000, 300_001)]


def test_a_non_utf8_record_is_rejected_with_line_and_byte_offset(engine: Engine, tmp_path: Path) -> None:
    body = b"movieId,title,genres\r\n1,Toy Story (1995),Comedy\r\n2,Mis\xe9rables (1995),Drama\r\n3,Heat (1995),Action\r\n"
    source = _source(tmp_path / "d", {"movies.csv": body})
    offset = body.index(b"\xe9")

    summary = load_directory(engine, source)

    assert (summary.rows_read, summary.rows_loaded, summary.rows_rejected) == (3, 2, 1)
    assert _rejects(engine) == [
        (
            "RAW_MOVIES",
            3,
            f"invalid UTF-8 byte 0xe9 at byte offset {offset}",
            "2,Mis\ufffdrables (1995),Drama",
        )
    ]
    assert _rows(engine, "SELECT _FILE_ROW_NUMBER, TITLE FROM MOVIELENS.RAW.RAW_MOVIES ORDER BY 1") == [
        (2, "Toy Story (1995)"),
        (4, "Heat (1995)"),
    ]
    assert body in (source / "movies.csv").read_bytes()  # the source file itself is never changed


def test_a_carriage_return_outside_quotes_rejects_its_record(engine: Engine, tmp_path: Path) -> None:
    # DuckDB and Snowflake split records at a lone CR differently; inside a quoted field it is data.
    body = b'userId,movieId,tag,timestamp\r\n1,1,a\rb,1\r\n2,2,"in\rquotes",2\r\n3,3,end\r\r\n4,4,last,4\r\n'
    source = _source(tmp_path / "d", {"tags.csv": body})

    summary = load_directory(engine, source)

    assert (summary.rows_read, summary.rows_loaded, summary.rows_rejected) == (4, 2, 2)
    first, second = body.index(b"a\rb") + 1, body.index(b"end\r") + 3
    assert [(line, reason) for _, line, reason, _ in _rejects(engine)] == [
        (2, f"carriage return outside a quoted field at byte offset {first}"),
        (4, f"carriage return outside a quoted field at byte offset {second}"),
    ]
    assert _rows(engine, "SELECT _FILE_ROW_NUMBER, TAG FROM MOVIELENS.RAW.RAW_TAGS ORDER BY 1") == [
        (3, "in\rquotes"),
        (5, "last"),
    ]


# -- files that cannot be read (issue 11, defect 4) ------------------------------------------------


@pytest.mark.parametrize("kind", ["dangling symlink", "directory"])
@pytest.mark.parametrize("mode", ["append", "replace"])
def test_a_required_file_that_cannot_be_read_is_an_error_naming_it(
    tmp_path: Path, kind: str, mode: str
) -> None:
    source = _source(tmp_path / "d", {k: v for k, v in MINI_RELEASE.items() if k != "ratings.csv"})
    if kind == "directory":
        (source / "ratings.csv").mkdir()
    else:
        os.symlink(tmp_path / "gone.csv", source / "ratings.csv")

    with pytest.raises(LoadError) as caught:
        load_directory(None, source, mode=mode)  # type: ignore[arg-type]  # fails before the engine is used

    message = str(caught.value)
    assert "ratings.csv cannot be read" in message
    assert ("directory" if kind == "directory" else "symbolic link to a file that does not exist") in message


def test_an_unreadable_optional_file_is_skipped_and_reported(engine: Engine, tmp_path: Path) -> None:
    source = _source(tmp_path / "d", {**MINI_RELEASE, "notes.txt": "x"})
    (source / "genome-scores.csv").mkdir()
    os.symlink(tmp_path / "gone.csv", source / "genome-tags.csv")

    summary = load_directory(engine, source, mode="replace")

    assert [f.table for f in summary.files] == ["RAW_MOVIES", "RAW_RATINGS", "RAW_TAGS", "RAW_LINKS"]
    assert [(e.name, e.reason) for e in summary.ignored] == [
        ("genome-scores.csv", "skipped: it is a directory"),
        ("genome-tags.csv", "skipped: a symbolic link to a file that does not exist"),
        ("notes.txt", "not a MovieLens file name"),
    ]
    assert summary.to_dict()["ignored"][0] == {
        "name": "genome-scores.csv",
        "reason": "skipped: it is a directory",
    }


def test_cli_lists_what_it_did_not_load(tmp_path: Path) -> None:
    source = _source(tmp_path / "d", {**MINI_RELEASE, "README.txt": "x"})
    (source / "genome-scores.csv").mkdir()
    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)
    state = str(tmp_path / "state")

    first = CliRunner().invoke(app, ["load", "--source", str(source), "--state-dir", state])
    again = CliRunner().invoke(app, ["load", "--source", str(source), "--state-dir", state])

    assert first.exit_code == 0, first.output
    assert "not loaded: README.txt (not a MovieLens file name)" in first.output
    assert "not loaded: genome-scores.csv (skipped: it is a directory)" in first.output
    assert "skipped ratings.csv: the same bytes are already loaded into this table" in again.output


# -- messages (issue 11, defect 7) ------------------------------------------------------------------


def test_an_unclosed_quote_is_reported_on_the_line_where_it_opens(tmp_path: Path) -> None:
    lines = ["userId,movieId,tag,timestamp"] + [f"{i},{i},tag {i},{i}" for i in range(1, 60)]
    lines[50] = '50,50,"unclosed tag,50'  # line 51
    lines[53] = '53,53,a "quoted" word,53'  # line 54: its quote closes line 51's, then text follows
    path = tmp_path / "tags.csv"
    path.write_text("\n".join(lines) + "\n")

    with pytest.raises(LoadError) as caught:
        check_file(FILES_BY_NAME["tags.csv"], path)

    message = str(caught.value)
    assert message.startswith(f"{path}: line 51: a quoted field opened on this line is not closed on it")
    assert "line 54" in message


# -- content identity (issue 11, defect 8) ----------------------------------------------------------


def test_the_same_records_with_other_line_endings_are_not_loaded_twice(
    engine: Engine, tmp_path: Path
) -> None:
    lf = _source(tmp_path / "lf", {"ratings.csv": _ratings(30, {7: "1,2,abc,3"})})
    crlf = _source(tmp_path / "crlf", {"ratings.csv": _ratings(30, {7: "1,2,abc,3"}, newline="\r\n")})
    reordered_lines = _ratings(30, {7: "1,2,abc,3"}).decode().splitlines()
    reordered = _source(
        tmp_path / "reordered",
        {"ratings.csv": "\n".join([reordered_lines[0], *reversed(reordered_lines[1:])]) + "\n\n"},
    )
    changed = _source(tmp_path / "changed", {"ratings.csv": _ratings(30, {7: "1,2,abc,3", 9: "8,8,1.0,1"})})

    first = load_directory(engine, lf, batch_id="lf").files[0]
    second = load_directory(engine, crlf, batch_id="crlf").files[0]
    third = load_directory(engine, reordered, batch_id="reordered").files[0]
    fourth = load_directory(engine, changed, batch_id="changed").files[0]

    assert (first.status, first.rows_loaded, first.rows_rejected) == ("loaded", 29, 1)
    assert second.status == third.status == "skipped"
    assert second.message and "same records are already loaded into this table (batch lf" in second.message
    assert (fourth.status, fourth.rows_loaded) == ("loaded", 29)
    assert engine.scalar("SELECT COUNT(*) FROM MOVIELENS.RAW.RAW_RATINGS") == 58
    assert engine.scalar("SELECT COUNT(*) FROM MOVIELENS.ELT_META.LOAD_REJECTS") == 2  # lf and changed
    log = _rows(
        engine,
        "SELECT BATCH_ID, STATUS, ROWS_READ, CONTENT_HASH IS NOT NULL FROM MOVIELENS.ELT_META.LOAD_LOG ORDER BY STARTED_AT",
    )
    assert log == [
        ("lf", "LOADED", 30, True),
        ("crlf", "SKIPPED", 0, True),
        ("reordered", "SKIPPED", 0, True),
        ("changed", "LOADED", 30, True),
    ]
    hashes = dict(_rows(engine, "SELECT BATCH_ID, CONTENT_HASH FROM MOVIELENS.ELT_META.LOAD_LOG"))
    assert hashes["lf"] == hashes["crlf"] == hashes["reordered"] != hashes["changed"]


def test_replace_loads_the_same_records_again(engine: Engine, tmp_path: Path) -> None:
    release = _source(tmp_path / "lf", MINI_RELEASE)
    crlf = _source(tmp_path / "crlf", {k: v.replace("\n", "\r\n") for k, v in MINI_RELEASE.items()})

    load_directory(engine, release, mode="replace")
    summary = load_directory(engine, crlf, mode="replace")

    assert all(f.status == "loaded" for f in summary.files)
    assert engine.scalar("SELECT COUNT(*) FROM MOVIELENS.RAW.RAW_RATINGS") == 2


def test_a_load_log_from_before_content_hashes_gets_the_column(engine: Engine, tmp_path: Path) -> None:
    engine.execute("CREATE SCHEMA IF NOT EXISTS MOVIELENS.ELT_META")
    engine.execute(
        "CREATE TABLE MOVIELENS.ELT_META.LOAD_LOG (BATCH_ID VARCHAR, SOURCE_FILE VARCHAR, FILE_NAME VARCHAR, "
        "SHA256 VARCHAR, SIZE_BYTES NUMBER(38,0), TARGET_TABLE VARCHAR, MODE VARCHAR, STATUS VARCHAR, "
        "ROWS_READ NUMBER(38,0), ROWS_LOADED NUMBER(38,0), ROWS_REJECTED NUMBER(38,0), STARTED_AT TIMESTAMP_NTZ, "
        "ENDED_AT TIMESTAMP_NTZ, SECONDS FLOAT, MESSAGE VARCHAR)"
    )
    source = _source(tmp_path / "d", {"ratings.csv": MINI_RELEASE["ratings.csv"]})

    load_directory(engine, source)
    again = load_directory(
        engine, _source(tmp_path / "crlf", {"ratings.csv": MINI_RELEASE["ratings.csv"].replace("\n", "\r\n")})
    )

    assert again.files[0].status == "skipped"
    assert engine.scalar("SELECT COUNT(CONTENT_HASH) FROM MOVIELENS.ELT_META.LOAD_LOG") == 2


# -- a killed load (issue 11, defect 5, with the landing view of the embedded engine) ----------------


def test_a_dead_loads_landing_view_is_dropped_by_the_next_run(tmp_path: Path) -> None:
    from netflix_elt.config import Profile
    from netflix_elt.engine import open_engine
    from netflix_elt.engine.base import CsvFile
    from netflix_elt.movielens.loader import landing
    from netflix_elt.recovery import clear_leftovers

    source = _source(tmp_path / "d", {"ratings.csv": MINI_RELEASE["ratings.csv"]})
    spec = FILES_BY_NAME["ratings.csv"]
    dead = open_engine(Profile(), tmp_path / "state")
    dead.bootstrap()
    view = dead.land_csv_file(
        CsvFile(
            source / "ratings.csv",
            schema="ELT_META",
            hint="LANDING_RAW_RATINGS",
            empty_select_sql=landing.landing_select_sql(spec),
            columns=landing.landing_columns(spec),
            stage="",
            stage_path="",
            file_format="",
        )
    )
    dead.close()  # as if killed: the view was never dropped

    with open_engine(Profile(), tmp_path / "state") as engine:
        assert engine.object_type(view.name) == "VIEW"
        found = clear_leftovers(engine)
        assert view.name in found.tables
        assert engine.object_type(view.name) is None
