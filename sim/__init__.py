"""sim: a discrete-event simulator of city-appearance enforcement deployment."""

__version__ = "0.1.0"
