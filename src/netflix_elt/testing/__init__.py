"""Test tooling that ships with the package: the wire-tier Snowflake emulator server.

``python -m netflix_elt.testing.wire_server --port PORT`` starts fakesnow's HTTP server with the
statement rewrites of :mod:`netflix_elt.testing.rewrites`, so the real Snowflake connector, Snowpark
and the project's ``snowflake`` engine run against it unchanged. Nothing outside this package knows
that the server is not Snowflake.
"""
