"""Where a check may run given a build's changed rows (quality.delta.scope_of)."""

from __future__ import annotations

from netflix_elt.quality import check, gxe
from netflix_elt.quality.delta import scope_of
from netflix_elt.tracking import DeltaScope

# A source's delta: the rows loaded after the mark, so no older row has their LOADED_AT.
LOADED = DeltaScope("(SELECT ...)", 3, [], frozenset(), fresh_keys=(frozenset({"LOADED_AT"}),))
# A merge's delta: the row of each changed (STORE_ID, SALE_ID) replaced the old one.
MERGED = DeltaScope("(SELECT ...)", 3, [], frozenset(), fresh_keys=(frozenset({"STORE_ID", "SALE_ID"}),))
CHANGED = DeltaScope("(SELECT ...)", 3, [], frozenset())


def test_a_key_with_a_fresh_column_is_unique_on_the_changed_rows_alone() -> None:
    per_load = check(gxe.ExpectCompoundColumnsToBeUnique(column_list=["SALE_ID", "loaded_at"]))
    assert scope_of(per_load, LOADED) == "delta"
    # without it, an old row may share the key of a changed one
    assert scope_of(check(gxe.ExpectColumnValuesToBeUnique(column="SALE_ID")), LOADED) == "keys"
    assert scope_of(per_load, CHANGED) == "keys"
    assert scope_of(per_load, None) == "table"


def test_a_key_holding_a_merge_key_is_unique_on_the_changed_rows_alone() -> None:
    by_sale = check(gxe.ExpectCompoundColumnsToBeUnique(column_list=["sale_id", "store_id"]))
    assert scope_of(by_sale, MERGED) == "delta"
    # only part of the merge key: two changed stores may hold an old sale id
    assert scope_of(check(gxe.ExpectColumnValuesToBeUnique(column="SALE_ID")), MERGED) == "keys"
