"""Measurement: raw run records → tidy frames (``records``) → measures (``kpis``, ``demand``).

Observation is separate from behaviour: nothing here runs the simulation, and every measure
is computed from the frames alone.
"""
