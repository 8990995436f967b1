"""A snapshot with its invariants, row-count reconciliation with tolerances, and singular checks."""

from __future__ import annotations

import snowflake.snowpark.functions as F

from netflix_elt import Snapshot, Table, View, model, source
from netflix_elt.quality import gxe, relationship, row_count_reconciles, singular, snapshot_invariants

raw_tags = source("RAW_TAGS")
raw_items = source("RAW_ITEMS")


@model(
    Snapshot(
        unique_key=("USER_ID", "MOVIE_ID"), strategy="check", check_cols=("TAG",), hard_deletes="invalidate"
    ),
    checks=[*snapshot_invariants()],
)
def snap_tags(raw_tags):
    return raw_tags.select("USER_ID", "MOVIE_ID", "TAG")


@model(View(), layer="staging", checks=[gxe.ExpectColumnValuesToBeBetween(column="QTY", min_value=1)])
def valid_items(raw_items):
    return raw_items.filter(F.col("QTY") > 0)


@model(View(), layer="staging")
def rejected_items(raw_items):
    return raw_items.filter(~(F.col("QTY") > 0))


def huge_quantities(this, raw_items):
    """Loaded items whose raw quantity is above 1000 (a DataFrame singular check)."""
    raw = raw_items.select(F.col("ID").alias("RAW_ID"), F.col("QTY").alias("RAW_QTY"))
    return this.join(raw, F.col("ID") == F.col("RAW_ID")).filter(F.col("RAW_QTY") > 1000)


@model(
    Table(),
    checks=[
        row_count_reconciles(to="raw_items", plus=["rejected_items"]),
        row_count_reconciles(to="RAW.RAW_ITEMS", plus="rejected_items", name="against the table by name"),
        row_count_reconciles(to="raw_items", tolerance=0.25, name="most items load"),
        row_count_reconciles(to="raw_items", tolerance_rows=1, severity="warn", name="at most one item lost"),
        relationship(["ID", "CODE"], to="raw_items", field=["ID", "CODE"]),
        singular("no_big_quantities", "SELECT ID, QTY FROM {this} WHERE QTY > 100"),
        singular("no_huge_raw_quantities", query=lambda this, raw_items: huge_quantities(this, raw_items)),
    ],
)
def loaded_items(valid_items, rejected_items, raw_items):
    return valid_items.select("ID", "CODE", "QTY")
