"""Models whose checks are declared wrongly, or need GX itself (one problem per model)."""

from __future__ import annotations

from netflix_elt import Table, model, source
from netflix_elt.quality import check, gxe, relationship

raw_items = source("RAW_ITEMS")


@model(Table(), checks=[check("expect_column_values_to_be_nul", column="ID")])
def typo_expectation(raw_items):
    return raw_items


@model(Table(), checks=[gxe.ExpectColumnValuesToBeOfType(column="CODE")])
def missing_argument(raw_items):
    return raw_items


@model(Table(), checks=[gxe.ExpectColumnValuesToBeBetween(column="QTY", min_value=0, bogus=1)])
def unknown_argument(raw_items):
    return raw_items


@model(
    Table(),
    checks=[gxe.ExpectColumnValuesToNotBeNull(column="NOPE"), gxe.ExpectColumnValuesToNotBeNull(column="ID")],
)
def missing_column(raw_items):
    return raw_items


@model(
    Table(),
    checks=[
        gxe.ExpectColumnValuesToMatchRegex(column="code", regex="^[A-Z]{2}$"),
        gxe.ExpectColumnValuesToNotBeNull(column="CODE"),
        gxe.ExpectTableRowCountToBeBetween(min_value=1, row_condition="QTY>0", condition_parser="pandas"),
    ],
)
def gx_fallback(raw_items):
    return raw_items


@model(Table(), checks=[relationship("ID", to="typo_expectation")])
def checks_a_failed_model(raw_items):
    """Its check reads TYPO_EXPECTATION, so it is ordered after that model (and skipped when it fails)."""
    return raw_items
