"""A folder on ``sys.path`` holding installed plugin distributions, for the extension tests.

``importlib.metadata`` finds the ``*.dist-info`` folders written here, so entry points are
discovered as for a plugin installed with pip.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


class Site:
    """Installs fake distributions with entry points of one group into ``root``."""

    def __init__(self, root: Path, group: str, refresh: Callable[..., Any]) -> None:
        self.root = root
        self.group = group
        self.refresh = refresh
        self.modules: list[str] = []

    def install(
        self, dist: str, version: str, entries: dict[str, str], code: dict[str, str]
    ) -> None:
        info = self.root / f"{dist.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n", encoding="utf-8"
        )
        lines = "".join(f"{k} = {v}\n" for k, v in entries.items())
        (info / "entry_points.txt").write_text(f"[{self.group}]\n{lines}", encoding="utf-8")
        for module, text in code.items():
            (self.root / f"{module}.py").write_text(text, encoding="utf-8")
            self.modules.append(module)
        importlib.invalidate_caches()
        self.refresh(refresh=True)  # a plugin installed into a running process


@contextmanager
def plugin_site(tmp_path: Path, group: str, refresh: Callable[..., Any]) -> Iterator[Site]:
    """A :class:`Site` on ``sys.path`` for the duration; its modules are forgotten after."""
    root = tmp_path / "site"
    root.mkdir()
    sys.path.insert(0, str(root))
    made = Site(root, group, refresh)
    refresh(refresh=True)
    try:
        yield made
    finally:
        sys.path.remove(str(root))
        for module in made.modules:
            sys.modules.pop(module, None)
        importlib.invalidate_caches()
        refresh(refresh=True)
