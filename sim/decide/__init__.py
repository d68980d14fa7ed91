"""Decisions from simulations: ranking and selection (``kn``, ``ocba``, ``select``) and
staffing to targets (``staff``).

The algorithms (``kn.py``, ``ocba.py``) work on a plain sampling function, so they can be
checked on synthetic systems with known means; ``select.py`` feeds them replications of
scenarios under common random numbers. ``staff.py`` runs the staffing search: shift shapes
and rosters (``roster.py``), Erlang-C requirements and the candidates covering them
(``requirement.py``), a roster as a scenario (``roster_file.py``), one-sided bounds per
target (``estimate.py``), the search over candidates (``search.py``) and its tables and
result (``staff_tables.py``, ``staffed.py``).
"""
