"""Every `sim` command shown in README.md, docs/experiments.md and scenarios/README.md runs.

Commands are taken from the ```bash blocks as a reader would copy them, made smaller (two
replications, six days) and run in a scratch folder whose `scenarios/` is the repository's.
Commands with placeholders (`my.yaml`, `cases.csv`, `HOST`, `$s`, optional `[...]`) are left
out; `sim select`, `sim staff` and the calibration commands are run by the tests of their own
documents (tests/docs/test_decisions_doc.py, tests/docs/test_calibration_doc.py).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCUMENTS = ["README.md", "docs/experiments.md", "scenarios/README.md"]
PLACEHOLDERS = ("my.yaml", "big.yaml", "cases.csv", "calibrated/", "HOST", "$s", "[")
ELSEWHERE = ("sim select", "sim staff", "sim calibrate", "sim backcast")
SIMULATING = ("sim run", "sim compare", "sim sweep", "sim shifts propose", "sim export-log")


def documented_commands() -> list[tuple[str, str]]:
    """(document, command) for every `sim ...` line of a bash block, continuations joined."""
    found = []
    for doc in DOCUMENTS:
        text = (REPO / doc).read_text(encoding="utf-8")
        for block in re.findall(r"```(?:bash|sh)\n(.*?)```", text, flags=re.S):
            for line in block.replace("\\\n", " ").split("\n"):
                command = " ".join(line.split(" #")[0].split())
                if command.startswith("sim ") and not any(p in command for p in PLACEHOLDERS):
                    found.append((doc, command))
    return [(d, c) for d, c in found if not c.startswith(ELSEWHERE)]


def smaller(command: str) -> str:
    """The same command with two replications and six simulated days."""
    command = re.sub(r"--reps \d+", "--reps 2", command)
    command = re.sub(r"--days \d+", "--days 6", command)
    if command.startswith(SIMULATING) and "--days" not in command:
        command += " --days 6"
    if command.startswith("sim shifts propose") and "--reps" not in command:
        command += " --reps 2"
    return command


COMMANDS = documented_commands()


def test_the_documents_show_commands() -> None:
    docs = {d for d, _ in COMMANDS}
    assert docs == set(DOCUMENTS), f"no runnable command found in {set(DOCUMENTS) - docs}"
    assert any(c.startswith("sim compare") for _, c in COMMANDS)


@pytest.mark.parametrize(("doc", "command"), COMMANDS, ids=[c[:60] for _, c in COMMANDS])
def test_documented_command_runs(doc: str, command: str, tmp_path: Path) -> None:
    (tmp_path / "scenarios").symlink_to(REPO / "scenarios")
    env = {**os.environ, "MPLBACKEND": "Agg", "SIM_CACHE_DIR": str(tmp_path / "cache")}
    # every command of a chain (`sim run ... && sim replay ...`) runs with this Python
    shell = re.sub(r"(^|&&\s*)sim ", rf"\g<1>{sys.executable} -m sim ", smaller(command))
    proc = subprocess.run(["bash", "-c", shell], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, f"{doc}: `{command}` failed:\n{proc.stderr[-2000:]}"
    assert "Traceback" not in proc.stderr
