"""Loading a plugin's declaration from an entry point, for every kind of extension.

The registries of expression functions, survey readers and report writers list entry
points without importing them and import one only when it is needed; this is that import,
with the same refusals for each kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from importlib import metadata
from typing import Any, TypeVar

from udcntt.errors import ExtensionError, Message, msg

__all__ = ["load_declared", "owner_of"]

_Spec = TypeVar("_Spec")


def owner_of(ep: metadata.EntryPoint) -> str:
    """``"distribution version"`` of an entry point, or its target when it has none."""
    dist = ep.dist
    return f"{dist.name} {dist.version}" if dist is not None else ep.value


def load_declared(
    ep: metadata.EntryPoint,
    key: str,
    broken: dict[str, str],
    declares: Callable[[Any], bool],
    not_declared: Callable[[str, str], Message],
) -> Any:
    """Import ``ep`` and return its declaration with distribution, version and entry point.

    Args:
        ep: The entry point.
        key: The name or suffix it is registered under (the key of ``broken``).
        broken: Where the reason is kept when it cannot be used, so it is not imported again.
        declares: Whether the imported object is the declaration expected under ``key``.
        not_declared: The message when it is not, given the entry point's target and owner.

    Raises:
        ExtensionError: ``E-EXTENSION`` when the module cannot be imported or does not
            declare what the entry point's name promises.
    """
    owner = owner_of(ep)
    try:
        loaded = ep.load()
    except Exception as exc:  # a plugin that fails to import is reported, not raised
        broken[key] = msg(
            "the entry point {entry} of {plugin} cannot be imported: {error}",
            entry=ep.value,
            plugin=owner,
            error=f"{type(exc).__name__}: {exc}",
        )
        raise ExtensionError(broken[key]) from None
    if not declares(loaded):
        broken[key] = not_declared(ep.value, owner)
        raise ExtensionError(broken[key])
    dist = ep.dist
    return replace(
        loaded,
        distribution=dist.name if dist is not None else loaded.distribution,
        version=dist.version if dist is not None else loaded.version,
        entry_point=ep.value,
    )
