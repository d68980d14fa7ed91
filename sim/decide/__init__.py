"""Decisions from simulations: ranking and selection (``kn``, ``ocba``, ``select``).

The algorithms (``kn.py``, ``ocba.py``) work on a plain sampling function, so they can be
checked on synthetic systems with known means; ``select.py`` feeds them replications of
scenarios under common random numbers.
"""
