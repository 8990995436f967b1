"""The MovieLens application built on the framework: its pipeline of models (``pipeline``), the loader of
MovieLens files (``loader``), the generator of MovieLens-shaped data (``datagen``), the insight report
(``report``) and the commands that run them (``cli``).

The framework (everything in ``netflix_elt`` outside this package) imports nothing from here.
"""
