"""Seeds: one well-typed, and three broken ones (header mismatch, a bad value, a missing file)."""

from netflix_elt import seed

releases = seed(
    "releases",
    "../../sql_fixtures/seeds/releases.csv",
    {
        "MOVIE_ID": "NUMBER(38,0)",
        "TITLE": "VARCHAR",
        "RELEASE_DATE": "DATE",
        "BUDGET": "FLOAT",
        "IS_SEQUEL": "BOOLEAN",
    },
)
bad_header = seed(
    "bad_header", "../../sql_fixtures/seeds/bad_header.csv", {"MOVIE_ID": "NUMBER(38,0)", "TITLE": "VARCHAR"}
)
bad_value = seed(
    "bad_value", "../../sql_fixtures/seeds/bad_value.csv", {"MOVIE_ID": "NUMBER(38,0)", "BUDGET": "FLOAT"}
)
missing_file = seed("missing_file", "../../sql_fixtures/seeds/no_such_file.csv", {"A": "VARCHAR"})
