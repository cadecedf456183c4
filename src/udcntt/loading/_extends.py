"""Resolving ``extends``: a rule file adapts a base rule file.

Merge rules (documented in the rule-file reference):

* ``blocks``, ``indicators`` and ``derived`` merge by id; an entry in the extending file
  replaces the base entry with the same id.
* ``criteria`` in the extending file replaces the whole tree; usually it is left out and
  the tree is adapted with ``modify`` (patch fields of criteria by id), ``remove`` (drop
  criteria by id) and ``add`` (append criteria under a ``parent`` id, or at the top).
* ``tests`` are inherited unless the extending file declares its own (``tests: []`` drops
  them).
* Any other key replaces the base value.

Locations survive the merge: every container remembers the file and path it came from, so
a diagnostic about an inherited criterion points into the base file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from udcntt.errors import RuleFileError, SourceLocation, msg
from udcntt.loading._yaml import YamlDocument, parse_yaml, path_text

__all__ = ["MAX_EXTENDS_DEPTH", "Merged", "RuleSource", "resolve"]

#: How many files an ``extends`` chain may hold.
MAX_EXTENDS_DEPTH = 8

_PATCH_KEYS = ("modify", "remove", "add")
_BY_ID_MAPS = ("blocks", "indicators", "derived")

_Path = tuple[str | int, ...]


@dataclass(frozen=True)
class SourceFile:
    """One file of a rule set, with its SHA-256 (for receipts)."""

    path: str
    sha256: str


@dataclass
class RuleSource:
    """Where each part of a loaded rule set came from."""

    files: list[SourceFile] = field(default_factory=list)
    marks: dict[_Path, SourceLocation] = field(default_factory=dict)

    def locate(self, path: _Path) -> SourceLocation | None:
        """Location of ``path`` or of its nearest located ancestor."""
        probe = tuple(path)
        while True:
            loc = self.marks.get(probe)
            if loc is not None:
                return loc
            if not probe:
                return None
            probe = probe[:-1]


@dataclass
class Merged:
    """Merged plain data plus the origin of every container (for locations)."""

    data: dict[str, Any]
    origin: dict[int, tuple[YamlDocument, _Path]]
    key_origin: dict[int, dict[Any, tuple[YamlDocument, _Path]]]
    keep: list[Any]


def _register(merged: Merged, doc: YamlDocument, value: Any, path: _Path) -> None:
    stack = [(value, path)]
    while stack:
        node, p = stack.pop()
        if isinstance(node, dict):
            merged.origin[id(node)] = (doc, p)
            merged.keep.append(node)
            stack.extend((v, (*p, k)) for k, v in node.items())
        elif isinstance(node, list):
            merged.origin[id(node)] = (doc, p)
            merged.keep.append(node)
            stack.extend((v, (*p, i)) for i, v in enumerate(node))


def _err(
    code: str, message: str, doc: YamlDocument, path: _Path, hint: str | None = None
) -> RuleFileError:
    return RuleFileError(message, code=code, location=doc.locate(path), hint=hint)


def _find_criterion(nodes: list[Any], cid: str) -> tuple[list[Any], int] | None:
    stack: list[list[Any]] = [nodes]
    while stack:
        current = stack.pop()
        for i, node in enumerate(current):
            if isinstance(node, dict):
                if node.get("id") == cid:
                    return current, i
                children = node.get("children")
                if isinstance(children, list):
                    stack.append(children)
    return None


def _apply_patches(merged: Merged, doc: YamlDocument, child: dict[str, Any]) -> None:
    criteria = merged.data.get("criteria")
    if not isinstance(criteria, list):
        criteria = []
        merged.data["criteria"] = criteria
    modify = child.get("modify") or {}
    if not isinstance(modify, dict):
        raise _err(
            "E-OVERRIDE", msg("'modify' maps criterion ids to fields to change"), doc, ("modify",)
        )
    for cid, patch in modify.items():
        found = _find_criterion(criteria, cid)
        if found is None:
            raise _err(
                "E-OVERRIDE",
                msg(
                    "'modify' names criterion '{cid}' which the base rule set does not have",
                    cid=cid,
                ),
                doc,
                ("modify", cid),
            )
        if not isinstance(patch, dict):
            raise _err(
                "E-OVERRIDE",
                msg("'modify.{cid}' must map fields to new values", cid=cid),
                doc,
                ("modify", cid),
            )
        container, index = found
        old = container[index]
        new = dict(old)
        new.update(patch)
        origins = {k: merged.origin[id(old)] for k in old}
        for k in patch:
            origins[k] = (doc, ("modify", cid))
        key_origin = {}
        for k, (odoc, opath) in origins.items():
            key_origin[k] = (odoc, (*opath, k))
        merged.key_origin[id(new)] = key_origin
        merged.origin[id(new)] = merged.origin[id(old)]
        merged.keep.append(new)
        container[index] = new
    remove = child.get("remove") or []
    if not isinstance(remove, list):
        raise _err("E-OVERRIDE", msg("'remove' is a list of criterion ids"), doc, ("remove",))
    for i, cid in enumerate(remove):
        found = _find_criterion(criteria, cid)
        if found is None:
            raise _err(
                "E-OVERRIDE",
                msg(
                    "'remove' names criterion '{cid}' which the base rule set does not have",
                    cid=cid,
                ),
                doc,
                ("remove", i),
            )
        container, index = found
        del container[index]
    add = child.get("add") or []
    if not isinstance(add, list):
        raise _err(
            "E-OVERRIDE",
            msg("'add' is a list of criteria, each with an optional 'parent'"),
            doc,
            ("add",),
        )
    for i, entry in enumerate(add):
        if not isinstance(entry, dict):
            raise _err("E-OVERRIDE", msg("each 'add' entry is a criterion"), doc, ("add", i))
        item = dict(entry)
        parent = item.pop("parent", None)
        merged.origin[id(item)] = (doc, ("add", i))
        merged.keep.append(item)
        if parent is None:
            criteria.append(item)
            continue
        found = _find_criterion(criteria, parent)
        if found is None:
            raise _err(
                "E-OVERRIDE",
                msg(
                    "'add' names parent '{parent}' which the base rule set does not have",
                    parent=parent,
                ),
                doc,
                ("add", i, "parent"),
            )
        container, index = found
        group = container[index]
        children = group.get("children")
        if not isinstance(children, list):
            raise _err(
                "E-OVERRIDE",
                msg("'{parent}' is not a group", parent=parent),
                doc,
                ("add", i, "parent"),
            )
        children.append(item)


def _merge(base: Merged, doc: YamlDocument) -> Merged:
    child = doc.data
    data = base.data
    for key, value in child.items():
        if key in _PATCH_KEYS or key == "extends":
            continue
        if key in _BY_ID_MAPS and isinstance(value, dict) and isinstance(data.get(key), dict):
            combined = dict(data[key])
            combined.update(value)
            origins = {
                k: (base.origin[id(data[key])][0], (*base.origin[id(data[key])][1], k))
                for k in data[key]
            }
            for k in value:
                origins[k] = (doc, (key, k))
            base.key_origin[id(combined)] = origins
            base.origin[id(combined)] = (doc, (key,))
            base.keep.append(combined)
            data[key] = combined
        else:
            data[key] = value
    if isinstance(child.get("extends"), str):
        data["extends"] = child["extends"]
    _apply_patches(base, doc, child)
    return base


def _marks_from(merged: Merged) -> dict[_Path, SourceLocation]:
    marks: dict[_Path, SourceLocation] = {}
    stack: list[tuple[Any, _Path]] = [(merged.data, ())]
    while stack:
        node, path = stack.pop()
        if not isinstance(node, dict | list):
            continue
        origin = merged.origin.get(id(node))
        key_origin = merged.key_origin.get(id(node), {})
        if origin is not None:
            odoc, opath = origin
            loc = odoc.marks.get(opath)
            if loc is not None:
                marks[path] = _with_path(loc, path)
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for k, v in items:
            child_path = (*path, k)
            src = key_origin.get(k)
            if src is None and origin is not None:
                src = (origin[0], (*origin[1], k))
            if src is not None:
                loc = src[0].marks.get(src[1])
                if loc is not None and not isinstance(v, dict | list):
                    marks[child_path] = _with_path(loc, child_path)
                elif loc is not None:
                    marks.setdefault(child_path, _with_path(loc, child_path))
            stack.append((v, child_path))
    return marks


def _with_path(loc: SourceLocation, path: _Path) -> SourceLocation:
    return SourceLocation(file=loc.file, line=loc.line, column=loc.column, path=path_text(path))


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _load_chain(
    path: Path, chain: list[Path], source: RuleSource, raw: bytes | None = None
) -> Merged:
    display = _display(path)
    if raw is None:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise RuleFileError(
                msg("cannot read rule file: {reason}", reason=exc.strerror or exc),
                code="E-IO",
                location=SourceLocation(file=display),
            ) from exc
    source.files.append(SourceFile(path=display, sha256=hashlib.sha256(raw).hexdigest()))
    doc = parse_yaml(raw, file=display)
    if not isinstance(doc.data, dict):
        raise RuleFileError(
            msg("a rule file is a mapping of keys (id, title, indicators, criteria, ...)"),
            code="E-SCHEMA-TYPE",
            location=doc.locate(()),
        )
    base_ref = doc.data.get("extends")
    if base_ref is None:
        merged = Merged(data=dict(doc.data), origin={}, key_origin={}, keep=[])
        _register(merged, doc, merged.data, ())
        merged.origin[id(merged.data)] = (doc, ())
        for key in _PATCH_KEYS:
            if key in doc.data:
                raise _err(
                    "E-OVERRIDE",
                    msg("'{key}' only makes sense with 'extends'", key=key),
                    doc,
                    (key,),
                    msg("name the base rule file with 'extends: path/to/base.yaml'"),
                )
        return merged
    if not isinstance(base_ref, str):
        raise _err("E-EXTENDS", msg("'extends' is the path of a base rule file"), doc, ("extends",))
    base_path = (path.parent / base_ref).resolve()
    if base_path in chain or base_path == path.resolve():
        cycle = " → ".join(_display(p) for p in [*chain, path.resolve(), base_path])
        raise _err(
            "E-EXTENDS-CYCLE",
            msg("rule files extend each other in a cycle: {cycle}", cycle=cycle),
            doc,
            ("extends",),
        )
    if len(chain) >= MAX_EXTENDS_DEPTH:
        raise _err(
            "E-EXTENDS",
            msg("'extends' chain longer than {limit} files", limit=MAX_EXTENDS_DEPTH),
            doc,
            ("extends",),
        )
    if not base_path.is_file():
        raise _err(
            "E-EXTENDS",
            msg(
                "base rule file '{base}' not found (looked for {path})",
                base=base_ref,
                path=_display(base_path),
            ),
            doc,
            ("extends",),
            msg("paths in 'extends' are relative to the extending file"),
        )
    base = _load_chain(base_path, [*chain, path.resolve()], source)
    # The extending file's own containers get their origins before the merge.
    _register(base, doc, doc.data, ())
    return _merge(base, doc)


def resolve(path: Path, raw: bytes | None = None) -> tuple[dict[str, Any], RuleSource]:
    """Read ``path`` and every file it extends; return the merged data and its sources.

    Raises:
        RuleFileError: unreadable files, YAML problems, missing bases, cycles, bad patches.
    """
    source = RuleSource()
    merged = _load_chain(path, [], source, raw)
    source.marks = _marks_from(merged)
    return merged.data, source
