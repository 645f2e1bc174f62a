"""Yearly per-platform summaries of the report figures that are slow to compute at scale.

`models` holds the rows, `refresh` computes them (task, beat, command), `read` turns the rows
of a subtree into the same figures as the direct computation in `reporting.selectors`.
"""
