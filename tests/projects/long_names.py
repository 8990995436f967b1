"""Models with long (but valid) names, as real projects have: their graph lines exceed 80 characters."""

from netflix_elt import Snapshot, Table, model, seed

numbers = seed("numbers", "../../sql_fixtures/seeds/numbers.csv", {"N": "NUMBER(38,0)", "LABEL": "VARCHAR"})


@model(Table())
def numbers_with_labels_for_engagement(numbers):
    return numbers


@model(Snapshot(unique_key=("N",), strategy="check", check_cols=("LABEL",)))
def high_engagement_low_rating_history(numbers_with_labels_for_engagement):
    return numbers_with_labels_for_engagement
