"""Broken: A -> B -> C -> A is a cycle (FINE is unrelated and valid)."""

from netflix_elt import Table, model, seed

numbers = seed("numbers", "../../sql_fixtures/seeds/numbers.csv", {"N": "NUMBER(38,0)", "LABEL": "VARCHAR"})


@model(Table())
def fine(numbers):
    return numbers


@model(Table())
def a(c):
    return c


@model(Table())
def b(a):
    return a


@model(Table())
def c(b):
    return b
