"""Seeds and staging of the multi-module project."""

from netflix_elt import View, model, seed

numbers = seed(
    "numbers", "../../../sql_fixtures/seeds/numbers.csv", {"N": "NUMBER(38,0)", "LABEL": "VARCHAR"}
)


@model(View(), layer="staging")
def stg_numbers(numbers):
    return numbers
