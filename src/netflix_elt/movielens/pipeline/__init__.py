"""The MovieLens pipeline: the example project that the CLI, the tests and the docs share.

Layers: ``sources`` (RAW tables the loader fills) -> ``staging`` (typed, trimmed, UTC timestamps,
latest version of each row across load batches) -> ``dims`` / ``facts`` / ``marts`` (ANALYTICS) ->
``snapshots`` (SCD2) -> ``analyses`` (ANALYSIS: the business questions). Seeds live in ``seeds/``.
"""
