"""Writing a replay: an offline HTML page (the animation's frames and player embedded), a GIF
(Pillow, always available) or an MP4 (ffmpeg, when installed); each written atomically."""

from __future__ import annotations

import contextlib
import html
import os
import re
from collections.abc import Callable
from pathlib import Path

import matplotlib
from matplotlib.animation import FFMpegWriter, FuncAnimation, PillowWriter, writers

from sim.replay.data import ReplayError

FORMATS = (".html", ".gif", ".mp4")
# The player's buttons as plain characters: matplotlib's page fetches an icon font from the
# internet, which an offline page must not.
BUTTONS = {
    "fa fa-minus": "−", "fa fa-fast-backward": "|◀◀", "fa fa-step-backward": "|◀",
    "fa fa-play fa-flip-horizontal": "◀", "fa fa-pause": "||", "fa fa-play": "▶",
    "fa fa-step-forward": "▶|", "fa fa-fast-forward": "▶▶|", "fa fa-plus": "+",
}
_ICON = re.compile(r'<i class="(fa [^"]*)"></i>')
_ICON_FONT = re.compile(r"<link[^>]*font-awesome[^>]*>", re.S)


def check_format(out: Path) -> str:
    """The output's format from its suffix; MP4 only when ffmpeg is installed."""
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise ReplayError(f"--out {out}: expected a file ending in .html, .gif or .mp4")
    if suffix == ".mp4" and not writers.is_available("ffmpeg"):
        raise ReplayError("--out .mp4 needs ffmpeg, which is not installed (Debian: apt-get "
                          "install ffmpeg); write a .gif or .html instead")
    if out.is_dir():
        raise ReplayError(f"--out {out} is a folder; give a file name")
    return suffix


def offline_player(jshtml: str) -> str:
    """matplotlib's JavaScript player without the icon font it would fetch."""
    page = _ICON_FONT.sub("", jshtml)
    return _ICON.sub(lambda m: html.escape(BUTTONS.get(m[1], "·")), page)


def html_page(anim: FuncAnimation, fps: int, title: str, note: str) -> str:
    """A self-contained page: heading, note and the animation's player (frames embedded)."""
    return _page(title, note, _player(anim, fps))


def _player(anim: FuncAnimation, fps: int) -> str:
    """The animation's JavaScript player with every frame embedded, working offline."""
    with matplotlib.rc_context({"animation.embed_limit": 500.0}):  # MB
        return offline_player(anim.to_jshtml(fps=fps, default_mode="once"))


def _page(title: str, note: str, player: str) -> str:
    """The HTML page around the player: title, heading and note."""
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{html.escape(title)}</title>\n<style>body {{font-family: sans-serif; "
            f"margin: 1em 2em;}} p {{max-width: 60em;}}</style>\n</head>\n<body>\n"
            f"<h1>{html.escape(title)}</h1>\n<p>{html.escape(note)}</p>\n{player}\n"
            f"</body>\n</html>\n")


def write_atomic(out: Path, write: Callable[[Path], object]) -> None:
    """Call ``write`` on a temporary sibling of ``out`` (same suffix), then rename it."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.stem}.tmp-{os.getpid()}{out.suffix}")
    try:
        write(tmp)
        os.replace(tmp, out)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def save(anim: FuncAnimation, out: Path, fps: int, title: str, note: str) -> None:
    """Write the animation to ``out`` in the format its suffix names."""
    suffix = check_format(out)
    if suffix == ".html":
        page = html_page(anim, fps, title, note)
        write_atomic(out, lambda p: p.write_text(page, encoding="utf-8"))
    elif suffix == ".gif":
        write_atomic(out, lambda p: anim.save(p, writer=PillowWriter(fps=fps)))
    else:
        write_atomic(out, lambda p: anim.save(p, writer=FFMpegWriter(fps=fps)))
