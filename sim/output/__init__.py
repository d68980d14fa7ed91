"""Where results go and how they are written: ``target`` decides where an output may go and
whether an existing one may be replaced; ``folders`` writes a results folder atomically under
a lock, recovering what a killed run left behind."""

from sim.output.folders import atomic_folder, reserved_output, write_json, write_text_atomic
from sim.output.target import OutputError

__all__ = ["OutputError", "atomic_folder", "reserved_output", "write_json", "write_text_atomic"]
