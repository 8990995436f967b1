"""The business questions, one ANALYSIS table (or a few) each, computed in the warehouse.

Modules by theme: ``users`` (activity, rating consistency), ``segments`` (user segments), ``content``
(genres, release years, rating distributions, genre popularity), ``recommendations`` (similar users,
co-rated movies, pair counts), ``clusters`` (genre-taste clusters), ``temporal`` (weekday x hour,
months, seasonality, anomalies), ``business`` (coverage gaps, promotion, growth potential),
``operations`` (data completeness, model timings) and ``parameters`` (ANALYSIS_PARAMETERS: every
method parameter the report states).
"""
