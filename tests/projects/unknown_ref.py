"""Broken: TOTALS reads ``numbrs``, a typo of the seed NUMBERS."""

from netflix_elt import Table, model, seed

numbers = seed("numbers", "../../sql_fixtures/seeds/numbers.csv", {"N": "NUMBER(38,0)", "LABEL": "VARCHAR"})


@model(Table())
def totals(numbrs):
    return numbrs
