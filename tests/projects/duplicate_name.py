"""Broken: two functions declare the model DAILY."""

from netflix_elt import Table, model, seed

numbers = seed("numbers", "../../sql_fixtures/seeds/numbers.csv", {"N": "NUMBER(38,0)", "LABEL": "VARCHAR"})


@model(Table(), name="daily")
def daily_first(numbers):
    return numbers


@model(Table(), name="daily")
def daily_second(numbers):
    return numbers
