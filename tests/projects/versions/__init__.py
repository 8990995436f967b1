"""Two versions of one project: v2 edits the code of CHILD only (for state:modified)."""
