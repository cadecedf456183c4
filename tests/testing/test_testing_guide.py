"""The guide "Property-test your rule file": its pytest commands run in a province's folder.

tests/docs runs the page's udcntt commands, Python and YAML blocks like every page; the
`python -m pytest ...` lines it deliberately leaves out are run here, in a folder laid out as
the guide describes (the repository's rules/ copied, tests/ linked, the page's files written).
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "guides" / "property-testing.md"
FENCE = re.compile(
    r"^```(?P<lang>\w*)(?P<rest>[^\n]*)\n(?P<body>.*?)^```\s*$", re.MULTILINE | re.DOTALL
)
TITLE = re.compile(r'title="(?P<title>[^"]+)"')


def blocks() -> list[tuple[str, str | None, str]]:
    text = GUIDE.read_text(encoding="utf-8")
    out = []
    for m in FENCE.finditer(text):
        title = TITLE.search(m["rest"])
        out.append((m["lang"], title["title"] if title else None, m["body"]))
    return out


def test_vietnamese_first_then_english() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    english = GUIDE.with_name("property-testing.en.md").read_text(encoding="utf-8")
    assert text.startswith("# Kiểm thử thuộc tính tệp quy tắc")
    assert "## 1. Một lệnh" in text and "## English" not in text  # English: its own page
    assert english.startswith("# Property-test a rule file") and "## 1. One command" in english
    for code in (
        "E-PROP-TIERS",
        "E-PROP-BOUNDS",
        "E-PROP-EVAL",
        "E-PROP-MONOTONE",
        "E-PROP-PERMUTATION",
        "E-PROP-DETERMINISM",
        "E-PROP-NA",
        "E-PROP-EXTENDS",
        "W-PROP-SKIPPED",
    ):
        assert code in text and code in english, code


def test_the_pytest_commands_of_the_guide_run(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    (tmp_path / "tests").symlink_to(ROOT / "tests", target_is_directory=True)
    commands = []
    for lang, title, body in blocks():
        if lang == "yaml" and title and "/" in title:
            (tmp_path / title).write_text(body, encoding="utf-8")
        if lang in ("bash", "console"):
            for raw in body.splitlines():
                line = raw.removeprefix("$ ").strip()
                if line.startswith("python -m pytest"):
                    commands.append(line)
    assert commands, "the guide shows how to run pytest"
    for command in commands:
        argv = [sys.executable, *shlex.split(command)[1:], "-p", "no:cacheprovider", "-v"]
        result = subprocess.run(
            argv, cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "small.test.yaml::huyện chưa triển khai gì PASSED" in result.stdout
