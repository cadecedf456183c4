"""What the commands check about their files before doing any work.

An output may never be one of the command's inputs (``udcntt score rules.yaml survey.csv
-o survey.csv`` would overwrite the survey with the report), two outputs may not be the
same file, and every output's folder must exist and be writable — all checked before the
rule file is loaded, so a mistake costs nothing and destroys nothing.
"""

from __future__ import annotations

import argparse
import errno
import importlib.util
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from udcntt.errors import SourceLocation, UsageError, msg

__all__ = [
    "INPUT_OPTIONS",
    "check_files",
    "check_report_outputs",
    "check_writable",
    "inputs_of",
    "rule_files_of",
]

#: The options (argparse destinations) that name files a command reads.
INPUT_OPTIONS = (
    "rules",
    "data",
    "results",
    "registry",
    "layout",
    "previous",
    "previous_rules",
    "previous_layout",
)


def inputs_of(args: argparse.Namespace) -> list[tuple[str, str]]:
    """``(option, path)`` of every input file named on the command line."""
    out: list[tuple[str, str]] = []
    for name in INPUT_OPTIONS:
        value = getattr(args, name, None)
        if value is None:
            continue
        for path in value if isinstance(value, list) else [value]:
            out.append((name, str(path)))
    return out


def rule_files_of(rules: object) -> list[tuple[str, str]]:
    """``("rules", path)`` of every file a loaded rule set was read from (its ``extends`` chain)."""
    source = getattr(rules, "_source", None)
    return [("rules", f.path) for f in getattr(source, "files", ())]


def _same(a: Path, b: Path) -> bool:
    """Whether two paths name one file: equal once resolved, or the same inode."""
    try:
        if a.resolve() == b.resolve():
            return True
    except (OSError, RuntimeError):  # a symlink loop: compare what exists below
        pass
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def check_files(inputs: Iterable[tuple[str, str]], outputs: Sequence[str]) -> None:
    """Refuse an output that is an input or another output; check output folders exist.

    Raises:
        UsageError: ``E-USAGE`` when an output names an input or two outputs are one file;
            ``E-IO`` when an output's folder does not exist or is not writable, or the
            output is a folder.
    """
    from udcntt.report import check_output_folder

    given = [(name, Path(p)) for name, p in inputs]
    seen: list[Path] = []
    for out in outputs:
        target = Path(out)
        for name, path in given:
            if _same(target, path):
                option = (
                    name.upper()
                    if name in ("rules", "data", "results")
                    else "--" + name.replace("_", "-")
                )
                raise UsageError(
                    msg(
                        "the output '{path}' is the input {option}: it would be overwritten",
                        path=out,
                        option=option,
                    ),
                    code="E-USAGE",
                    hint=msg("choose another file name for -o"),
                )
        if any(_same(target, other) for other in seen):
            raise UsageError(
                msg("the output '{path}' is named twice", path=out),
                code="E-USAGE",
                hint=msg("give each -o a different file"),
            )
        seen.append(target)
        check_output_folder(target)
        check_writable(target)


def check_writable(target: Path) -> None:
    """Check that a file can be created in ``target``'s folder, by creating and removing one.

    Asking the operating system (``os.access``) is not enough: it says yes to the
    administrator on a read-only file system. The probe is what writing the output will do
    (a temporary file next to it, renamed into place).

    Raises:
        UsageError: ``E-IO`` when the folder is not writable.
    """
    folder = target.parent
    try:
        if not os.access(folder, os.W_OK):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        handle, probe = tempfile.mkstemp(prefix=".udcntt-", suffix=".probe", dir=folder)
        os.close(handle)
        os.unlink(probe)
    except OSError as exc:
        raise UsageError(
            msg(
                "cannot write '{path}': the folder '{folder}' is not writable ({reason})",
                path=str(target),
                folder=str(folder),
                reason=exc.strerror or exc,
            ),
            code="E-IO",
            location=SourceLocation(file=str(target)),
            hint=msg("choose a folder you can write to"),
        ) from exc


def check_report_outputs(outputs: Sequence[str]) -> None:
    """Each output's extension names a report format whose extra is installed.

    Raises:
        UsageError: ``E-USAGE`` for a name without extension, an unknown extension, or a
            format whose optional dependency is missing.
    """
    from udcntt.extend import discover_writers
    from udcntt.report import REPORT_FORMATS

    # Plugin writers count too (listed from metadata; a plugin is imported only to write).
    known = list(dict.fromkeys([*REPORT_FORMATS, *(i.name for i in discover_writers())]))
    for out in outputs:
        suffix = Path(out).suffix.lower()
        if suffix not in known:
            raise UsageError(
                msg("cannot tell the report format of '{path}'", path=out),
                code="E-USAGE",
                hint=msg("use one of: {formats}", formats=", ".join(known)),
            )
        module = REPORT_FORMATS.get(suffix)
        if module is not None and importlib.util.find_spec(module) is None:
            extra = _EXTRAS.get(module, module)
            raise UsageError(
                msg(
                    "writing '{path}' needs the optional package '{module}'",
                    path=out,
                    module=module,
                ),
                code="E-USAGE",
                hint=msg("install it with: pip install 'udcntt[{extra}]'", extra=extra),
            )


_EXTRAS = {"openpyxl": "excel", "docx": "docx", "jinja2": "html"}
