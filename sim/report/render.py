"""Rendering report blocks: Markdown (figures linked) and one self-contained HTML page
(figures embedded as base64 PNG or as interactive plotly figures with plotly.js inlined, so
the single file can be forwarded and opened offline)."""

from __future__ import annotations

import base64
import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from sim.report.document import Block
from sim.report.i18n import current, t


def _md_cells(vals: list) -> str:
    """One Markdown table row (``|`` in a cell escaped)."""
    return "| " + " | ".join(str(v).replace("|", "\\|") for v in vals) + " |"


def _md_table(df: pd.DataFrame) -> str:
    """A frame as a Markdown table."""
    lines = [_md_cells(list(df.columns)), _md_cells(["---"] * len(df.columns))]
    return "\n".join(lines + [_md_cells(list(row)) for row in df.itertuples(index=False)])


def _md_figure(value: tuple) -> str:
    stem, caption = value[0], value[1]
    return f"![{caption}](plots/{stem}.png)\n\n*{caption}*"


def _md_warning(text: str) -> str:
    return f"> **{t('Warning:')}** {text}"


_MARKDOWN: dict[str, Callable[[Any], str]] = {
    "h1": lambda v: f"# {v}", "h2": lambda v: f"## {v}", "p": lambda v: v,
    "warn": _md_warning, "ul": lambda v: "\n".join(f"- {x}" for x in v),
    "table": _md_table, "fig": _md_figure,
}


def _in_markdown(kind: str, value: Any) -> bool:
    """False for what report.md leaves out: notes, raw HTML, figures that are only live."""
    return kind not in ("note", "html") and not (kind == "fig" and value[0] is None)


def render_markdown(blocks: list[Block]) -> str:
    """The blocks as Markdown; figures link ``plots/<name>.png`` (figures that are only
    interactive, notes for the page and raw HTML are left out)."""
    parts = [_MARKDOWN[kind](value) for kind, value in blocks if _in_markdown(kind, value)]
    return "\n\n".join(parts) + "\n"


class _Figures:
    """Renders figure blocks: interactive (plotly.js inlined once, with the first) or PNG."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.count, self.script_included = folder, 0, False

    def __call__(self, value: tuple) -> str:
        """A ("fig", value) block: (stem, caption[, interactive figure or None])."""
        stem, caption, live = (*value, None)[:3]
        self.count += 1
        caption_html = f"<figcaption>{html.escape(caption)}</figcaption>"
        if live is not None:
            return f'<figure class="interactive">{self._div(live)}{caption_html}</figure>'
        return (f'<figure><img alt="{html.escape(caption)}" '
                f'src="data:image/png;base64,{self._png(stem)}">{caption_html}</figure>')

    def _div(self, live: Any) -> str:
        """The interactive figure's div (with plotly.js the first time)."""
        div = live.to_html(full_html=False, include_plotlyjs=not self.script_included,
                           div_id=f"figure-{self.count}",
                           config={"displaylogo": False, "responsive": True})
        self.script_included = True
        return div

    def _png(self, stem: str) -> str:
        """The figure's PNG file as base64 text."""
        return base64.b64encode((self.folder / f"{stem}.png").read_bytes()).decode("ascii")


def _html_table(df: pd.DataFrame) -> str:
    """A frame as an HTML table (cells escaped)."""
    e = html.escape
    head = "".join(f"<th>{e(str(c))}</th>" for c in df.columns)
    body = "".join("<tr>" + "".join(f"<td>{e(str(v))}</td>" for v in row) + "</tr>"
                   for row in df.itertuples(index=False))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _html_list(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{html.escape(x)}</li>" for x in items) + "</ul>"


def _html_warning(text: str) -> str:
    return f'<p class="warn"><strong>{html.escape(t("Warning:"))}</strong> {html.escape(text)}</p>'


_HTML: dict[str, Callable[[Any], str]] = {
    "table": _html_table, "ul": _html_list, "warn": _html_warning,
    "note": lambda v: f'<p class="note">{html.escape(v)}</p>', "html": str,
}


def _html_block(kind: str, value: Any, figures: _Figures) -> str:
    """One block as HTML: figures by ``figures``, headings and paragraphs as their tag."""
    if kind == "fig":
        return figures(value)
    render = _HTML.get(kind)
    return render(value) if render else f"<{kind}>{html.escape(value)}</{kind}>"


def _title(blocks: list[Block]) -> str:
    """The first heading, else "Report"."""
    return next((v for k, v in blocks if k == "h1"), "Report")


def _lang() -> str:
    """The page's language tag."""
    return "zh-CN" if current() == "zh" else "en"


STYLE = ("body{font-family:sans-serif;max-width:64em;margin:2em auto;line-height:1.4}"
         "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;"
         "padding:.3em .6em;text-align:left}th{background:#f3f3f3}img{max-width:100%}"
         ".warn{background:#fff3cd;padding:.5em;border-left:4px solid #e0a800}"
         ".note{color:#555;font-size:.9em}figure{margin:1em 0}"
         "figcaption{font-style:italic;color:#555}")


def render_html(blocks: list[Block], plots_folder: Path) -> str:
    """The blocks as one self-contained HTML page that works offline: PNG figures embedded,
    interactive figures with plotly.js inlined once (no request leaves the page)."""
    title = html.escape(_title(blocks))
    figures = _Figures(plots_folder)
    body = "\n".join(_html_block(k, v, figures) for k, v in blocks)
    return (f'<!DOCTYPE html>\n<html lang="{_lang()}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{title}</title><style>{STYLE}</style></head><body>\n{body}\n"
            "</body></html>\n")
