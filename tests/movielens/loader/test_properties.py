"""Property-based tests of the pre-check and the loader: any bytes give a LoadError or a balanced load.

Bodies are drawn from fragments that exercise every rule (numbers at and past the 64-bit limits, quotes,
CR, LF, blank lines, invalid UTF-8, NUL, BOM) and from raw random bytes. The default suite runs a
few dozen derandomised examples; ``-m slow`` runs a larger, random profile.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netflix_elt.config import Profile
from netflix_elt.engine import Engine, open_engine
from netflix_elt.errors import LoadError
from netflix_elt.movielens.loader import load_directory
from netflix_elt.movielens.loader.layout import FILES_BY_NAME
from netflix_elt.movielens.loader.precheck import check_file

FRAGMENTS = [
    b"1", b"42", b"-7", b"007", b"4.0", b".5", b"1e3", b"NaN", b"inf", b"abc", b" 5", b"+5", b"5.5",
    b"9223372036854775807", b"9223372036854775808", b"99999999999999999999", b"1e400",
    b",", b",", b",", b'"', b'""', b'"a,b"', b"\n", b"\n", b"\r\n", b"\r", b"\n\n", b" ", b"\t",
    b"\xe9", b"\xff", b"\xc3\xa9", b"\x00", b"\xef\xbb\xbf", b"\\N",
]  # fmt: skip
_bodies = st.one_of(
    st.lists(st.sampled_from(FRAGMENTS), max_size=60).map(b"".join),
    st.binary(max_size=120),
)
_headers = st.sampled_from(["ratings.csv", "tags.csv", "links.csv"])
_line_ends = st.sampled_from([b"\n", b"\r\n", b""])
_batches = itertools.count()

FAST = settings(max_examples=40, deadline=None, derandomize=True, database=None)
LOADS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
LARGE = settings(
    max_examples=400,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _file_bytes(name: str, line_end: bytes, body: bytes, bom: bool) -> bytes:
    header = ",".join(FILES_BY_NAME[name].header).encode()
    return (b"\xef\xbb\xbf" if bom else b"") + header + line_end + body


def _assert_check_is_consistent(name: str, data: bytes, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    try:
        check = check_file(FILES_BY_NAME[name], path)
    except LoadError as exc:
        assert name in str(exc)  # the error names the file
        return
    assert check.records >= 0 and check.size_bytes == len(data)
    assert [b.record for b in check.bad_records] == sorted({b.record for b in check.bad_records})
    assert all(2 <= b.record <= check.records + 1 and b.line >= b.record for b in check.bad_records)
    assert all(offset >= 0 and offset + length <= len(data) for offset, length in check.repairs)
    assert bool(check.repairs) == bool(check.bad_records)


@FAST
@given(name=_headers, line_end=_line_ends, body=_bodies, bom=st.booleans())
def test_precheck_of_any_bytes_after_a_header(
    tmp_path_factory: pytest.TempPathFactory, name: str, line_end: bytes, body: bytes, bom: bool
) -> None:
    _assert_check_is_consistent(name, _file_bytes(name, line_end, body, bom), tmp_path_factory.mktemp("p"))


@FAST
@given(data=st.binary(max_size=200))
def test_precheck_of_any_bytes(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    _assert_check_is_consistent("ratings.csv", data, tmp_path_factory.mktemp("p"))


@pytest.fixture(scope="module")
def shared_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    engine = open_engine(Profile(), tmp_path_factory.mktemp("state"))
    engine.bootstrap()
    yield engine
    engine.close()


def _scalar(engine: Engine, sql: str) -> Any:
    return engine.scalar(sql)


def _assert_load_is_balanced(engine: Engine, directory: Path, name: str, data: bytes) -> None:
    directory.mkdir()
    (directory / name).write_bytes(data)
    batch = f"prop-{next(_batches)}"
    try:
        summary = load_directory(engine, directory, batch_id=batch)
    except LoadError as exc:
        assert name in str(exc)
        return
    (file,) = summary.files
    table = FILES_BY_NAME[name].table
    assert file.status in ("loaded", "skipped"), file.error
    assert file.rows_read == file.rows_loaded + file.rows_rejected
    raw = _scalar(engine, f"SELECT COUNT(*) FROM MOVIELENS.RAW.{table} WHERE _BATCH_ID = '{batch}'")
    rejects = _scalar(
        engine, f"SELECT COUNT(*) FROM MOVIELENS.ELT_META.LOAD_REJECTS WHERE BATCH_ID = '{batch}'"
    )
    assert (raw, rejects) == (file.rows_loaded, file.rows_rejected)
    read, loaded, rejected = engine.execute(
        f"SELECT ROWS_READ, ROWS_LOADED, ROWS_REJECTED FROM MOVIELENS.ELT_META.LOAD_LOG WHERE BATCH_ID = '{batch}'"
    )[0]
    assert (read, loaded, rejected) == (file.rows_read, file.rows_loaded, file.rows_rejected)
    if file.status == "loaded":
        lines = engine.execute(
            f"SELECT _FILE_ROW_NUMBER FROM MOVIELENS.RAW.{table} WHERE _BATCH_ID = '{batch}' UNION ALL "
            f"SELECT LINE_NUMBER FROM MOVIELENS.ELT_META.LOAD_REJECTS WHERE BATCH_ID = '{batch}'"
        )
        numbers = [row[0] for row in lines]
        # Every record has its own line, after the header and within the file.
        assert len(set(numbers)) == len(numbers) == file.rows_read
        assert all(2 <= n <= data.count(b"\n") + 1 for n in numbers)


def _load_property(profile: settings) -> Callable[..., None]:
    """A test that loads one drawn file per example with the given hypothesis settings."""

    @profile
    @given(name=_headers, line_end=_line_ends, body=_bodies, bom=st.booleans())
    def test(
        shared_engine: Engine,
        tmp_path_factory: pytest.TempPathFactory,
        name: str,
        line_end: bytes,
        body: bytes,
        bom: bool,
    ) -> None:
        data = _file_bytes(name, line_end, body, bom)
        _assert_load_is_balanced(shared_engine, tmp_path_factory.mktemp("l") / "d", name, data)

    return test


test_loading_any_bytes_after_a_header_balances = _load_property(LOADS)
test_loading_any_bytes_after_a_header_balances_large = pytest.mark.slow(_load_property(LARGE))
