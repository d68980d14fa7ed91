"""Rendering report blocks: Markdown (figures linked) and one self-contained HTML page
(figures embedded as base64 PNG, so the single file can be forwarded)."""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import Any

import pandas as pd

from sim.report.document import Block


def _md_table(df: pd.DataFrame) -> str:
    def cells(vals: list) -> str:
        return "| " + " | ".join(str(v).replace("|", "\\|") for v in vals) + " |"

    lines = [cells(list(df.columns)), cells(["---"] * len(df.columns))]
    return "\n".join(lines + [cells(list(row)) for row in df.itertuples(index=False)])


def render_markdown(blocks: list[Block]) -> str:
    """The blocks as Markdown; figures link ``plots/<name>.png``."""
    parts = []
    for kind, value in blocks:
        parts.append({
            "h1": lambda v: f"# {v}", "h2": lambda v: f"## {v}", "p": lambda v: v,
            "warn": lambda v: f"> **Warning:** {v}",
            "ul": lambda v: "\n".join(f"- {x}" for x in v), "table": _md_table,
            "fig": lambda v: f"![{v[1]}](plots/{v[0]}.png)\n\n*{v[1]}*",
        }[kind](value))
    return "\n\n".join(parts) + "\n"


def _html_block(kind: str, value: Any, folder: Path) -> str:
    e = html.escape
    if kind == "table":
        head = "".join(f"<th>{e(str(c))}</th>" for c in value.columns)
        body = "".join("<tr>" + "".join(f"<td>{e(str(v))}</td>" for v in row) + "</tr>"
                       for row in value.itertuples(index=False))
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    if kind == "fig":
        data = base64.b64encode((folder / f"{value[0]}.png").read_bytes()).decode("ascii")
        return (f'<figure><img alt="{e(value[1])}" src="data:image/png;base64,{data}">'
                f"<figcaption>{e(value[1])}</figcaption></figure>")
    if kind == "ul":
        return "<ul>" + "".join(f"<li>{e(x)}</li>" for x in value) + "</ul>"
    if kind == "warn":
        return f'<p class="warn"><strong>Warning:</strong> {e(value)}</p>'
    return f"<{kind}>{e(value)}</{kind}>"


STYLE = ("body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.4}"
         "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;"
         "padding:.3em .6em;text-align:left}th{background:#f3f3f3}img{max-width:100%}"
         ".warn{background:#fff3cd;padding:.5em;border-left:4px solid #e0a800}"
         "figcaption{font-style:italic;color:#555}")


def render_html(blocks: list[Block], plots_folder: Path) -> str:
    """The blocks as one self-contained HTML page (PNG figures embedded)."""
    title = html.escape(next((v for k, v in blocks if k == "h1"), "Report"))
    body = "\n".join(_html_block(k, v, plots_folder) for k, v in blocks)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}'
            f"</title><style>{STYLE}</style></head><body>\n{body}\n</body></html>\n")
