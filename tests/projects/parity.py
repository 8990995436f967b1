"""One raw table with nulls, duplicates and out-of-range values, checked by every push-down expectation.

``test_pushdown_parity`` runs these checks through the SQL push-down route and through real GX on
pandas, and requires the same results.
"""

from __future__ import annotations

from datetime import datetime

from netflix_elt import source
from netflix_elt.quality import gxe

COLUMN_TYPES = {"ID": "NUMBER(38,0)", "X": "FLOAT", "S": "VARCHAR", "K": "NUMBER(38,0)", "ALLNULL": "FLOAT"}
ROWS = [
    {"ID": 1, "X": 1.0, "S": "a", "K": 1},
    {"ID": 2, "X": 2.5, "S": "bb", "K": 1},
    {"ID": 3, "X": None, "S": None, "K": 2},
    {"ID": 3, "X": 7.0, "S": "ccc", "K": 2},
    {"ID": 5, "X": 3.0, "S": "a", "K": 1},
    {"ID": 6, "X": 3.0, "S": "dd", "K": 3},
    {"ID": 7, "X": -1.0, "S": "e", "K": None},
    {"ID": 8, "X": None, "S": "a", "K": None},
]
EXPECTATIONS = [
    gxe.ExpectColumnValuesToNotBeNull(column="X"),
    gxe.ExpectColumnValuesToNotBeNull(column="X", mostly=0.7),
    gxe.ExpectColumnValuesToBeNull(column="X"),
    gxe.ExpectColumnValuesToBeBetween(column="X", min_value=0, max_value=5),
    gxe.ExpectColumnValuesToBeBetween(column="X", min_value=1.0, strict_min=True),
    gxe.ExpectColumnValuesToBeBetween(column="X", max_value=3.0, strict_max=True, mostly=0.5),
    gxe.ExpectColumnValuesToBeInSet(column="S", value_set=["a", "bb"]),
    gxe.ExpectColumnValuesToNotBeInSet(column="S", value_set=["a"]),
    gxe.ExpectColumnValuesToBeInSet(column="ID", value_set=[1, 2, 3]),
    gxe.ExpectColumnValueLengthsToBeBetween(column="S", min_value=1, max_value=2),
    gxe.ExpectColumnValueLengthsToEqual(column="S", value=1),
    gxe.ExpectColumnValuesToBeUnique(column="ID"),
    gxe.ExpectColumnValuesToBeUnique(column="X"),
    gxe.ExpectCompoundColumnsToBeUnique(column_list=["K", "S"]),
    gxe.ExpectCompoundColumnsToBeUnique(column_list=["K", "S"], ignore_row_if="any_value_is_missing"),
    gxe.ExpectColumnMinToBeBetween(column="X", min_value=0),
    gxe.ExpectColumnMaxToBeBetween(column="X", max_value=7),
    gxe.ExpectColumnMeanToBeBetween(column="X", min_value=2, max_value=3),
    gxe.ExpectColumnMedianToBeBetween(column="X", min_value=2, max_value=3),
    gxe.ExpectColumnSumToBeBetween(column="X", min_value=10),
    gxe.ExpectColumnStdevToBeBetween(column="X", max_value=2),
    gxe.ExpectColumnUniqueValueCountToBeBetween(column="S", min_value=3, max_value=5),
    gxe.ExpectColumnProportionOfUniqueValuesToBeBetween(column="S", min_value=0.5),
    gxe.ExpectTableRowCountToBeBetween(min_value=1, max_value=5),
    gxe.ExpectTableRowCountToEqual(value=8),
    gxe.ExpectColumnToExist(column="S"),
    gxe.ExpectColumnToExist(column="NOPE"),
    gxe.ExpectTableColumnsToMatchOrderedList(column_list=["ID", "X", "S", "K", "ALLNULL"]),
    gxe.ExpectTableColumnsToMatchOrderedList(column_list=["ID", "S"]),
    gxe.ExpectTableColumnsToMatchSet(column_set=["ID", "X"], exact_match=False),
    gxe.ExpectTableColumnsToMatchSet(column_set=["ID", "X"]),
    gxe.ExpectTableColumnCountToEqual(value=5),
    gxe.ExpectTableColumnCountToBeBetween(min_value=6),
    gxe.ExpectColumnValuesToBeBetween(column="ALLNULL", min_value=0, max_value=1),
    gxe.ExpectColumnMinToBeBetween(column="ALLNULL", min_value=0),
    gxe.ExpectColumnValuesToBeBetween(column="ID", min_value=2, max_value=None),
]
STAMP = datetime(2020, 1, 1)

parity = source("PARITY", checks=EXPECTATIONS)
