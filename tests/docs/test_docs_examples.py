"""Every code block of the documentation is executed, loaded or checked.

Each page under ``docs/`` is one test. Its fenced code blocks are handled in order, in a
temporary working folder holding copies of the repository's ``rules/`` and ``examples/``
and a link to its ``tests/``, as a reader working in the repository's root sees them:

* ``yaml`` blocks — ``--8<-- "path"`` lines are replaced by the file (as the docs build
  does). A block whose ``title`` is a plain file name (``title="my-rules.yaml"``) is first
  written to that file. Then:

  - with ``<!-- docs-test: part-of=PATH -->`` before it, the block is an excerpt of the
    repository file PATH: its YAML must be contained in the file's (mappings by key, list
    items matched to an item of the file's list), or, if it is not a mapping, its lines
    must be lines of the file;
  - a block with a top-level ``udcntt:`` key is a rule file: it must pass
    :func:`udcntt.check_rules` (embedded tests included); ``error=CODE`` expects that
    error instead; ``dir=PATH`` loads it as if it were in the repository folder PATH
    (for relative ``extends``);
  - a block with a top-level ``agencies:`` key is an agency registry (read with
    :func:`udcntt.read_registry`); a block whose keys are survey-layout keys is a layout
    (read with :func:`udcntt.read_layout`); any other block must be valid YAML.

* ``python`` blocks are executed, in one namespace per page; ``pycon`` blocks are run as
  doctests (ellipsis and whitespace-insensitive) in the same namespace.
* ``console`` blocks: ``$ udcntt ...`` lines are commands; the lines after a command are
  its expected output, each of which (``...`` excepted) must appear in what the command
  printed (whitespace collapsed). ``bash`` blocks: every line is a command. Commands are
  split on ``&&``; ``udcntt`` commands run through the CLI entry point (``udcntt.cli.main``,
  what ``python -m udcntt`` calls) in a separate Python process, started once for all
  pages so that the suite stays fast, each command in its page's folder; the exit code
  must be 0, or the one given by ``<!-- docs-test: exit=N -->``. A few other commands are
  shown to the reader but deliberately not run here (installing, running the test suite,
  building the docs, the benchmark): see ``NOT_RUN``.
* ``json`` blocks must parse.
* ``<!-- docs-test: skip=REASON -->`` skips one block (kept rare; the reason is required).
"""

from __future__ import annotations

import contextlib
import doctest
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
#: Copied into the working folder (so that paths print as a reader sees them) and linked.
COPIED = ("rules", "examples")
LINKED = ("tests",)

#: Command prefixes shown in the docs but not run by this test, with the reason.
NOT_RUN: dict[str, str] = {
    "pip ": "installs packages",
    "python -m pytest": "runs the test suite itself",
    "python docs/gen_reference.py": "tests/docs/test_docs_generated.py runs the generator",
    "python benchmarks/": "takes a minute; its figures are in the performance page",
    "mkdocs ": "builds the docs; CI runs it",
    "cd ": "the test already works in the right folder",
    "git ": "needs a repository",
}

#: Commands that read only files packaged with udcntt, shown on several pages (the home
#: page in both languages): run once per test session, their output checked on every page.
RUN_ONCE = {("demo",)}
_ONCE: dict[tuple[str, ...], tuple[int, str]] = {}

_FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})\s*(?P<lang>[\w+-]*)(?P<rest>.*)$")
_DIRECTIVE = re.compile(r"^\s*<!--\s*docs-test:(?P<body>.*?)-->\s*$")
_SNIPPET = re.compile(r"^(?P<indent>\s*)--8<--\s+\"(?P<path>[^\"]+)\"\s*$")
_TITLE = re.compile(r'title="(?P<title>[^"]*)"')


@dataclass
class Block:
    """One fenced code block of a page."""

    page: Path
    line: int
    lang: str
    title: str | None
    code: str
    directives: dict[str, str] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def _directives(body: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in shlex.split(body):
        key, _, value = part.partition("=")
        out[key] = value
    return out


def _include_snippets(code: str) -> str:
    lines = []
    for line in code.splitlines():
        match = _SNIPPET.match(line)
        if match:
            text = (ROOT / match["path"]).read_text(encoding="utf-8")
            lines.extend(match["indent"] + t if t else t for t in text.splitlines())
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


def extract(page: Path) -> list[Block]:
    """The fenced code blocks of ``page``, dedented, with snippets included."""
    lines = page.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    pending: dict[str, str] = {}
    i = 0
    while i < len(lines):
        directive = _DIRECTIVE.match(lines[i])
        if directive:
            pending = _directives(directive["body"])
            i += 1
            continue
        match = _FENCE.match(lines[i])
        if not match:
            if lines[i].strip():
                pending = {}
            i += 1
            continue
        indent, fence = match["indent"], match["fence"]
        title = _TITLE.search(match["rest"])
        start = i + 1
        body: list[str] = []
        i += 1
        while i < len(lines) and not (
            lines[i].strip().startswith(fence) and lines[i].strip().strip(fence[0]) == ""
        ):
            body.append(
                lines[i][len(indent) :] if lines[i].startswith(indent) else lines[i].lstrip()
            )
            i += 1
        i += 1
        blocks.append(
            Block(
                page=page,
                line=start,
                lang=match["lang"].lower(),
                title=title["title"] if title else None,
                code=_include_snippets("\n".join(body)),
                directives=pending,
            )
        )
        pending = {}
    return blocks


CHECKED = {"yaml", "python", "pycon", "console", "bash", "json"}


def _pages() -> list[Path]:
    pages = []
    for page in sorted(DOCS.rglob("*.md")):
        if "snippets" in page.relative_to(DOCS).parts:
            continue
        if any(b.lang in CHECKED for b in extract(page)):
            pages.append(page)
    return pages


PAGES = _pages()


# --------------------------------------------------------------------------------------
# The CLI, in a separate process
# --------------------------------------------------------------------------------------

_WORKER = r"""
import contextlib, io, json, os, sys
from udcntt.cli import main
reply = sys.stdout
for line in sys.stdin:
    request = json.loads(line)
    os.chdir(request["cwd"])
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(request["argv"])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    reply.write(json.dumps({"code": code, "out": out.getvalue(), "err": err.getvalue()}) + "\n")
    reply.flush()
"""


class Cli:
    """``udcntt`` commands run by ``udcntt.cli.main`` in one child process."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[str] | None = None

    def run(self, argv: list[str], cwd: Path) -> tuple[int, str]:
        if self.process is None:
            env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
            self.process = subprocess.Popen(
                [sys.executable, "-c", _WORKER],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                env=env,
            )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps({"argv": argv, "cwd": str(cwd)}) + "\n")
        self.process.stdin.flush()
        reply = self.process.stdout.readline()
        assert reply, "the udcntt worker process died"
        answer = json.loads(reply)
        return int(answer["code"]), answer["out"] + answer["err"]

    def close(self) -> None:
        if self.process is not None:
            assert self.process.stdin is not None and self.process.stdout is not None
            self.process.stdin.close()
            self.process.wait(timeout=30)
            self.process.stdout.close()


# --------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------


def _contained(part: Any, whole: Any) -> bool:
    """Whether YAML value ``part`` is contained in ``whole``."""
    if isinstance(part, dict):
        return isinstance(whole, dict) and all(
            k in whole and _contained(v, whole[k]) for k, v in part.items()
        )
    if isinstance(part, list):
        return isinstance(whole, list) and all(any(_contained(p, w) for w in whole) for p in part)
    if isinstance(part, str) and isinstance(whole, str):
        return " ".join(part.split()) == " ".join(whole.split())
    return bool(part == whole)


def _norm(line: str) -> str:
    return " ".join(line.split())


def _commands(block: Block) -> Iterator[tuple[str, list[str]]]:
    """(command, expected output lines) of a console or bash block."""
    lines = block.code.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if block.lang == "console":
            if not line.startswith("$ "):
                continue
            line = line[2:]
        elif not line.strip() or line.lstrip().startswith("#"):
            continue
        while line.rstrip().endswith("\\") and i < len(lines):
            line = line.rstrip()[:-1] + " " + lines[i].lstrip().removeprefix("$ ")
            i += 1
        expected: list[str] = []
        if block.lang == "console":
            while i < len(lines) and not lines[i].startswith("$ "):
                expected.append(lines[i])
                i += 1
        yield line.strip(), expected


def _run_shell(block: Block, cli: Cli, cwd: Path) -> None:
    want = int(block.directives.get("exit", "0"))
    for command, expected in _commands(block):
        for part in (p.strip() for p in command.split("&&")):
            if not part.startswith("udcntt ") and part != "udcntt":
                if not any(part.startswith(prefix) for prefix in NOT_RUN):
                    pytest.fail(
                        f"{block.where}: do not know how to run {part!r}; add it to NOT_RUN or use udcntt"
                    )
                continue
            argv = shlex.split(part)[1:]
            if tuple(argv) in RUN_ONCE and tuple(argv) in _ONCE:
                code, output = _ONCE[tuple(argv)]
            else:
                code, output = cli.run(argv, cwd)
                if tuple(argv) in RUN_ONCE:
                    _ONCE[tuple(argv)] = code, output
            assert code == want, f"{block.where}: `{part}` exited {code}, expected {want}\n{output}"
            printed = {_norm(line) for line in output.splitlines()}
            for line in expected:
                if line.strip() and line.strip() != "...":
                    assert _norm(line) in printed, (
                        f"{block.where}: `{part}` did not print the line\n  {line}\nIt printed:\n{output}"
                    )


def _layout_keys() -> set[str]:
    from udcntt.model._survey import SurveyLayout

    return set(SurveyLayout.model_fields)


def _check_yaml(block: Block, cwd: Path) -> None:
    import udcntt

    text = block.code
    if block.title and re.fullmatch(r"[\w-]+\.(yaml|yml)", block.title):
        (cwd / block.title).write_text(text, encoding="utf-8")
    part_of = block.directives.get("part-of")
    if part_of:
        whole_text = (ROOT / part_of).read_text(encoding="utf-8")
        try:
            part = yaml.safe_load(text)
        except yaml.YAMLError:  # an excerpt of an invalid file: compare lines
            part = None
        if isinstance(part, dict) and len(text.strip().splitlines()) > 1:
            assert _contained(part, yaml.safe_load(whole_text)), (
                f"{block.where}: this excerpt is not part of {part_of}"
            )
            return
        # One line (an invalid fixture's offending line) or not a mapping: compare lines.
        lines = {line.rstrip() for line in whole_text.splitlines()}
        for line in text.splitlines():
            assert line.rstrip() in lines, (
                f"{block.where}: this excerpt is not part of {part_of}: {line!r}"
            )
        return
    data = yaml.safe_load(text)
    if isinstance(data, dict) and "udcntt" in data:
        folder = ROOT / block.directives["dir"] if "dir" in block.directives else cwd
        path = folder / (
            block.title if block.title and "/" not in block.title else "docs-example.yaml"
        )
        report = udcntt.check_rules(path, text=text)
        codes = [d.code for d in report.diagnostics if d.severity.value == "error"]
        if "error" in block.directives:
            assert block.directives["error"] in codes, (
                f"{block.where}: expected {block.directives['error']}, got {codes}"
            )
        else:
            assert report.ok, f"{block.where}: rule file does not check:\n" + "\n".join(
                d.format() for d in report.diagnostics
            )
        return
    if isinstance(data, dict) and "agencies" in data:
        path = cwd / (block.title or "docs-registry.yaml")
        path.write_text(text, encoding="utf-8")
        udcntt.read_registry(path)
        return
    if isinstance(data, dict) and data and (set(data) <= _layout_keys() or set(data) == {"survey"}):
        path = cwd / (block.title or "docs-layout.yaml")
        path.write_text(text, encoding="utf-8")
        udcntt.read_layout(path)
        return
    assert data is not None, f"{block.where}: empty YAML block"


def _run_python(block: Block, namespace: dict[str, Any]) -> None:
    # dont_inherit: the block runs as a reader's script does, without this module's
    # ``from __future__ import annotations`` (which would leave a pydantic model's
    # annotations as strings that cannot be resolved outside a real module).
    code = compile(block.code, f"{block.where}", "exec", dont_inherit=True)
    exec(code, namespace)


def _run_pycon(block: Block, namespace: dict[str, Any]) -> None:
    parser = doctest.DocTestParser()
    test = parser.get_doctest(block.code, namespace, block.where, str(block.page), block.line)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    output: list[str] = []
    runner.run(test, out=output.append, clear_globs=False)
    assert not runner.failures, "".join(output)


@pytest.fixture(scope="module")
def cli() -> Iterator[Cli]:
    """One CLI process for all pages (each command runs in its page's folder)."""
    worker = Cli()
    yield worker
    worker.close()


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(DOCS).as_posix() for p in PAGES])
def test_page_examples(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    """The page's code blocks run, load or check, in order."""
    for name in COPIED:
        shutil.copytree(ROOT / name, tmp_path / name)
    for name in LINKED:
        (tmp_path / name).symlink_to(ROOT / name, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {"__name__": "__docs__"}
    try:
        for block in extract(page):
            if "skip" in block.directives:
                assert block.directives["skip"], f"{block.where}: a skip needs a reason"
                continue
            if block.lang == "yaml":
                _check_yaml(block, tmp_path)
            elif block.lang == "python":
                _run_python(block, namespace)
            elif block.lang == "pycon":
                _run_pycon(block, namespace)
            elif block.lang in ("console", "bash"):
                _run_shell(block, cli, tmp_path)
            elif block.lang == "json":
                json.loads(block.code)
    finally:
        with contextlib.suppress(Exception):
            namespace.clear()


def test_skips_are_rare() -> None:
    """Skipped blocks stay exceptions: at most one in twenty checked blocks."""
    blocks = [b for p in PAGES for b in extract(p) if b.lang in CHECKED]
    skipped = [b.where for b in blocks if "skip" in b.directives]
    assert len(skipped) * 20 <= len(blocks), f"too many skipped blocks: {skipped}"


def test_every_page_is_in_the_nav() -> None:
    """No page is left out of the navigation (English pages follow their Vietnamese twin)."""
    config = yaml.safe_load(
        (ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("!!python", "#")
    )
    listed: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, str):
            listed.add(node)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)

    walk(config["nav"])
    for page in DOCS.rglob("*.md"):
        rel = page.relative_to(DOCS).as_posix()
        if rel.startswith("snippets/"):
            continue
        base = re.sub(r"\.en\.md$", ".md", rel)
        assert base in listed, f"docs/{rel} is not in the nav of mkdocs.yml"
