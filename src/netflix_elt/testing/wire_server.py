"""The wire-tier Snowflake emulator: fakesnow's HTTP server plus the rewrites of ``rewrites.py``.

    python -m netflix_elt.testing.wire_server --port PORT [--host 127.0.0.1] [--db-path DIR]

The real snowflake-connector (and so Snowpark, GX's snowflake-sqlalchemy route and the project's
``snowflake`` engine) talks to it over HTTP exactly as to Snowflake. fakesnow's own Starlette routes
serve every request; the query route is wrapped so that each statement first goes through
:func:`netflix_elt.testing.rewrites.rewrite`, and the logout route so that the session's temporary
tables are dropped. When ready it prints the ``connections.toml`` entry to use; it logs every rewrite
it applies, serves counts at ``GET /wire/status`` and logs them again at shutdown (Ctrl-C / SIGTERM).
``--db-path`` keeps the DuckDB files of each database in DIR; without it everything is in memory.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import json
import logging
import shutil
import signal
import socket
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from netflix_elt.testing.rewrites import REWRITES, WireSession, install_macros, rewrite

logger = logging.getLogger("netflix_elt.wire_server")
CONNECTION_NAME = "netflix_elt"
_LOGGED_SQL_CHARS = 200
# Snowflake answers a statement still running after about 45 seconds with "query in progress" (code
# 333333) and a result URL that the connector polls until the result is there; the SQL API documents
# the same as HTTP 202 and a statement handle
# (https://docs.snowflake.com/en/developer-guide/sql-api/handling-responses). Without it, a statement
# that outlives the connector's 60-second socket timeout is sent again while it still runs.
IN_PROGRESS_AFTER_SECONDS = 20.0


class WireServer:
    """fakesnow's routes with the rewrites in front; ``app`` is the Starlette application."""

    def __init__(
        self,
        db_path: Path | None = None,
        statement_log: Path | None = None,
        in_progress_after: float = IN_PROGRESS_AFTER_SECONDS,
    ) -> None:
        from netflix_elt.engine import fakesnow_compat

        # The embedded engine's no-silent-drift translation, so the wire tier answers as it does (and
        # refuses what it refuses); it must be in place before any database is created or attached.
        fakesnow_compat.refuse_lossy_translation()
        fakesnow_compat.remove_stage_directory_at_exit()
        install_macros()
        import fakesnow.server as fakesnow_server
        from fakesnow.instance import FakeSnow
        from starlette.applications import Starlette
        from starlette.routing import Route

        self._fakesnow = fakesnow_server
        if db_path is not None:
            db_path.mkdir(parents=True, exist_ok=True)
            # every login shares this instance (fakesnow's own default is one in memory)
            fakesnow_server.shared_fs = FakeSnow(db_path=db_path)
        self.db_path = db_path
        self._statement_log = statement_log.open("a", encoding="utf-8") if statement_log else None
        self._sessions: dict[str, WireSession] = {}
        self._lock = threading.Lock()
        self.statements = 0
        self.untouched = 0
        self.applied: Counter[str] = Counter()
        self.in_progress_after = in_progress_after
        self.in_progress = 0  # "in progress" answers given
        self.telemetry_messages = 0  # in-band telemetry the clients sent (POST /telemetry/send)
        self._running: dict[str, asyncio.Task[Any]] = {}  # query id -> the statement still running
        overrides = {
            "/queries/v1/query-request": Route("/queries/v1/query-request", self._query, methods=["POST"]),
            "/session": Route("/session", self._session, methods=["POST"]),
            "/session/v1/login-request": Route("/session/v1/login-request", self._login, methods=["POST"]),
        }
        routes = [overrides.get(route.path, route) for route in fakesnow_server.routes]
        routes.append(Route("/queries/{query_id}/result", self._result, methods=["GET"]))
        routes.append(Route("/wire/status", self._status, methods=["GET"]))
        routes.append(Route("/telemetry/send", self._telemetry, methods=["POST"]))
        self.app = Starlette(routes=routes)

    # -- accounting -------------------------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        with self._lock:
            return {
                "statements": self.statements,
                "untouched": self.untouched,
                "rewritten": dict(self.applied),
                "rewrites": [r.name for r in REWRITES],
                "sessions": len(self._sessions),
                "in_progress_answers": self.in_progress,
                "telemetry_messages": self.telemetry_messages,
            }

    def summary(self) -> str:
        status = self.status()
        applied = (
            ", ".join(f"{name} {count}" for name, count in sorted(status["rewritten"].items())) or "none"
        )
        return (
            f"{status['statements']} statements, {status['untouched']} needed no rewrite; "
            f"rewrites applied: {applied}"
        )

    # -- routes -----------------------------------------------------------------------------------
    async def _query(self, request: Any) -> Any:
        token = _token(request)
        connection = self._fakesnow.sessions.get(token) if token else None
        if token is None or connection is None:
            return await self._fakesnow.query_request(request)  # fakesnow answers "login again"
        body = await request.body()
        query_id = str(uuid.uuid4())
        self._running[query_id] = asyncio.ensure_future(self._execute(request, body, token, connection))
        return await self._answer(query_id)

    async def _result(self, request: Any) -> Any:
        from starlette.responses import JSONResponse

        query_id = request.path_params["query_id"]
        if query_id not in self._running:
            message = f"wire server: no statement {query_id} is running"
            return JSONResponse({"data": None, "code": "000709", "message": message, "success": False})
        return await self._answer(query_id)

    async def _answer(self, query_id: str) -> Any:
        """The statement's response when it ends within ``in_progress_after`` seconds, else "in progress"."""
        from starlette.responses import JSONResponse

        running = self._running[query_id]
        done, _ = await asyncio.wait({running}, timeout=self.in_progress_after)
        if not done:
            with self._lock:
                self.in_progress += 1
            url = f"/queries/{query_id}/result"
            data = {"queryId": query_id, "getResultUrl": url}
            return JSONResponse({"data": data, "code": "333333", "message": None, "success": True})
        self._running.pop(query_id, None)
        return running.result()

    async def _execute(self, request: Any, body: bytes, token: str, connection: Any) -> Any:
        from starlette.concurrency import run_in_threadpool

        clock = time.perf_counter()
        payload = _payload(request, body)
        sql = payload.get("sqlText", "")
        session = self._session_of(token, connection)
        try:
            statement, applied = await run_in_threadpool(rewrite, sql, session)
        except Exception as exc:
            self._record(sql, ["refused"], clock)
            return _error_response(exc, sql)
        if not applied:
            response = await self._fakesnow.query_request(_with_body(request, body))
        else:
            logger.info("rewrite %s: %s", " + ".join(applied), _short(sql))
            payload["sqlText"] = statement
            encoded = json.dumps(payload).encode()
            response = await self._fakesnow.query_request(
                _with_body(request, gzip.compress(encoded) if _gzipped(request) else encoded)
            )
        self._record(sql, applied, clock)
        return response

    def _record(self, sql: str, applied: list[str], clock: float) -> None:
        milliseconds = round((time.perf_counter() - clock) * 1000, 1)
        logger.debug("statement (%s ms): %s", milliseconds, _short(sql))
        with self._lock:
            self.statements += 1
            self.untouched += not applied
            self.applied.update(name for name in applied if name != "refused")
            if self._statement_log is not None:
                entry = {"sql": sql, "rewrites": applied, "ms": milliseconds}
                self._statement_log.write(json.dumps(entry) + "\n")
                self._statement_log.flush()

    async def _session(self, request: Any) -> Any:
        if request.query_params.get("delete"):
            token = _token(request)
            with self._lock:
                session = self._sessions.pop(token, None) if token else None
            if session is not None:
                self._end(session)
        return await self._fakesnow.session(request)

    async def _login(self, request: Any) -> Any:
        """fakesnow's login, whose answer also carries CLIENT_TELEMETRY_ENABLED as Snowflake's does: the
        value the client asked for in its session parameters, else the account default, TRUE. (The
        connector sends its buffered telemetry at close only when the server says it may.)"""
        from starlette.responses import JSONResponse

        sent = await request.body()
        asked = _payload(request, sent)["data"].get("SESSION_PARAMETERS", {})
        answer = await self._fakesnow.login_request(_with_body(request, sent))
        login = json.loads(bytes(answer.body))
        if login.get("success"):
            enabled = _truthy(asked.get("CLIENT_TELEMETRY_ENABLED", True))
            login["data"]["parameters"].append({"name": "CLIENT_TELEMETRY_ENABLED", "value": enabled})
        return JSONResponse(login, status_code=answer.status_code)

    async def _telemetry(self, request: Any) -> Any:
        """Snowflake's in-band telemetry endpoint: accepted as Snowflake does, and its messages counted
        (``telemetry_messages``), so a test can see whether a client sent any."""
        from starlette.responses import JSONResponse

        logs = _payload(request, await request.body()).get("logs", [])
        with self._lock:
            self.telemetry_messages += len(logs)
        return JSONResponse({"success": True})

    async def _status(self, request: Any) -> Any:
        from starlette.responses import JSONResponse

        return JSONResponse(self.status())

    def _session_of(self, token: str, connection: Any) -> WireSession:
        with self._lock:
            session = self._sessions.get(token)
            if session is None or session.connection is not connection:
                session = self._sessions[token] = WireSession(connection)
            return session

    def _end(self, session: WireSession) -> None:
        for table in session.end():
            logger.info("session end: dropped temporary table %s", table)

    def shutdown(self) -> None:
        """End the sessions still open (dropping their temporary tables) and release the files."""
        with self._lock:
            sessions, self._sessions = list(self._sessions.values()), {}
        for session in sessions:
            self._end(session)
        if self.db_path is not None:
            with contextlib.suppress(Exception):
                self._fakesnow.shared_fs.duck_conn.close()
        if self._statement_log is not None:
            self._statement_log.close()
        from fakesnow.transforms import stage

        shutil.rmtree(stage.LOCAL_BUCKET_PATH, ignore_errors=True)  # the staged files of every PUT


def _token(request: Any) -> str | None:
    header = request.headers.get("Authorization") or ""
    prefix = 'Snowflake Token="'
    return header[len(prefix) : -1] if header.startswith(prefix) else None


def _gzipped(request: Any) -> bool:
    """Whether the client gzipped the request's body (the connector does, and says so)."""
    return bool(request.headers.get("Content-Encoding") == "gzip")


def _payload(request: Any, body: bytes) -> Any:
    """The JSON a client sent as ``body``."""
    return json.loads(gzip.decompress(body) if _gzipped(request) else body)


def _truthy(value: Any) -> bool:
    """A session parameter's boolean, given as a bool or as Snowflake's text ('false', 'FALSE', ...)."""
    return value if isinstance(value, bool) else str(value).strip().upper() not in ("FALSE", "0", "")


def _with_body(request: Any, body: bytes) -> Any:
    """A new Request on the same connection whose body is ``body``."""
    from starlette.requests import Request

    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(request.scope, receive)


def _error_response(exc: Exception, sql: str) -> Any:
    """A failed statement in the shape fakesnow (and Snowflake) answer one."""
    import snowflake.connector.errors
    from starlette.responses import JSONResponse

    if not isinstance(exc, snowflake.connector.errors.Error):
        logger.exception("rewrite failed on: %s", _short(sql))
        return JSONResponse(
            {"data": None, "code": "261000", "message": f"wire server: {exc}", "success": False},
            status_code=500,
        )
    logger.info("rewrite refused: %s (%s)", _short(sql), exc.msg)
    code = f"{exc.errno:06d}"
    return JSONResponse(
        {
            "data": {"errorCode": code, "sqlState": exc.sqlstate},
            "code": code,
            "message": exc.msg,
            "success": False,
        }
    )


def _short(sql: str) -> str:
    flat = " ".join(sql.split())
    return flat if len(flat) <= _LOGGED_SQL_CHARS else flat[: _LOGGED_SQL_CHARS - 3] + "..."


def connection_entry(host: str, port: int, name: str = CONNECTION_NAME) -> str:
    """The ``connections.toml`` table that points the connector at this server."""
    return (
        f"[{name}]\n"
        'account = "netflixelt-wire"\n'
        'user = "wire"\n'
        'password = "wire"\n'
        f'host = "{host}"\n'
        f"port = {port}\n"
        'protocol = "http"\n'
    )


def serve(
    host: str,
    port: int,
    db_path: Path | None,
    connection_name: str = CONNECTION_NAME,
    statement_log: Path | None = None,
    in_progress_after: float = IN_PROGRESS_AFTER_SECONDS,
) -> None:
    """Run until SIGINT or SIGTERM; print the connection entry once the server accepts connections."""
    import uvicorn

    server = WireServer(db_path, statement_log, in_progress_after)
    logging.getLogger("fakesnow.server").handlers = []  # fakesnow borrows uvicorn's; log once, via the root
    # proto IPPROTO_TCP: asyncio sets TCP_NODELAY only on such sockets; without it Nagle's algorithm
    # and the client's delayed ACK add ~40 ms to every statement.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    bound_port = listener.getsockname()[1]
    uv = uvicorn.Server(uvicorn.Config(server.app, log_level="warning", access_log=False))
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [listener]}, name="wire-server", daemon=True)

    def stop(*_: object) -> None:
        uv.should_exit = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    thread.start()
    while thread.is_alive() and not uv.started:
        thread.join(0.05)
    if not uv.started:
        raise SystemExit("wire server: uvicorn did not start")
    print(
        f"wire server ready on http://{host}:{bound_port} (rewrites: {', '.join(r.name for r in REWRITES)})\n"
        f"# put this in $SNOWFLAKE_HOME/connections.toml (chmod 600) and set "
        f'connection_name = "{connection_name}" in the profile\'s [snowflake] table:\n'
        f"{connection_entry(host, bound_port, connection_name)}",
        flush=True,
    )
    while thread.is_alive():
        thread.join(0.2)
    server.shutdown()
    logger.info("wire server stopped: %s", server.summary())


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m netflix_elt.testing.wire_server",
        description="fakesnow's Snowflake HTTP server with the netflix-elt statement rewrites",
    )
    parser.add_argument("--port", type=int, required=True, help="TCP port (0 picks a free one)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--db-path", type=Path, help="keep the DuckDB files here (default: in memory)")
    parser.add_argument("--connection-name", default=CONNECTION_NAME, help="name of the printed entry")
    parser.add_argument("--verbose", action="store_true", help="log every statement, not only the rewrites")
    parser.add_argument(
        "--statement-log", type=Path, help="append every statement as received (JSON lines) to this file"
    )
    parser.add_argument(
        "--in-progress-after",
        type=float,
        default=IN_PROGRESS_AFTER_SECONDS,
        metavar="SECONDS",
        help=f"answer 'query in progress' to a statement running longer (default {IN_PROGRESS_AFTER_SECONDS:g})",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logger.setLevel(logging.DEBUG if args.verbose else logging.INFO)
    serve(
        args.host, args.port, args.db_path, args.connection_name, args.statement_log, args.in_progress_after
    )


if __name__ == "__main__":
    main()
