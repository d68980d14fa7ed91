"""Reports: text tables for the terminal (``text``), and the comparison report — verdicts,
tables, content blocks — rendered as Markdown and self-contained HTML."""

from sim.report.text import format_kpi_table, format_type_table

__all__ = ["format_kpi_table", "format_type_table"]
