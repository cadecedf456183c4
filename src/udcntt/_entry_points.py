"""Entry points and registries of declarations, for every kind of extension.

The registries of expression functions, survey readers, report writers, rule types,
normalisations and aggregations list entry points without importing them and import one
only when it is needed. :func:`load_declared` is that import, with the same refusals for
each kind; :class:`Catalogue` is the registry itself (built-ins and plugins by one path,
collisions refused, broken plugins remembered), used by the kinds registered by name.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from importlib import metadata
from typing import Any, Generic, Protocol, TypeVar

from udcntt._version import __version__
from udcntt.errors import ExtensionError, msg

__all__ = ["Catalogue", "Declared", "ExtensionInfo", "load_declared", "owner_of"]

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
    not_declared: Callable[[str, str], str],
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


@dataclass(frozen=True, slots=True)
class ExtensionInfo:
    """One installed or registered extension, as ``--list-extensions`` shows it.

    Attributes:
        name: Its name in rule files (a function, rule type, normalisation or aggregation),
            or the file suffix it reads or writes.
        kind: What it extends: ``"function"``, ``"rule_type"``, ``"normalisation"``,
            ``"aggregation"``, ``"reader"`` or ``"writer"``.
        distribution: The distribution it comes from (``"udcntt (built-in)"`` for udcntt's
            own).
        version: That distribution's version.
        module: The Python module that defines it (the entry point's, before loading).
        status: ``"loaded"``, ``"available"`` (entry point not imported yet) or the problem.
    """

    name: str
    kind: str
    distribution: str
    version: str
    module: str
    status: str


class Declared(Protocol):
    """What a :class:`Catalogue` needs of a declaration."""

    @property
    def name(self) -> str: ...

    @property
    def builtin(self) -> bool: ...

    @property
    def distribution(self) -> str | None: ...

    @property
    def version(self) -> str | None: ...

    @property
    def module(self) -> str: ...

    @property
    def entry_point(self) -> str | None: ...


_D = TypeVar("_D", bound=Declared)


class Catalogue(Generic[_D]):
    """A registry of declarations by name: built-ins and plugins through one path.

    Built-ins are registered by udcntt itself (``builtin=True``); plugins by explicit
    :meth:`register` (embedded use) or through entry points of ``group`` named as the
    declaration, listed lazily the first time an unknown name is asked for (or on
    :meth:`discover`) and imported only when that name is used. A name is declared once:
    a plugin can never shadow a built-in or another plugin, and a broken entry point is
    remembered with its reason, so asking again gives the same located error.

    A kind with its own wording or bookkeeping (functions, report writers) subclasses it
    and overrides the hooks: :meth:`normal` (the key of a name), :meth:`valid`,
    :meth:`who`, :meth:`conflict`, :meth:`not_declared`, :meth:`unknown`, :meth:`added`
    and :meth:`removed`.

    Args:
        group: The entry-point group (``"udcntt.rule_types"``).
        kind: What the declarations are, as ``--list-extensions`` names them.
        declares: Whether an object is a declaration of this kind.
        label: What to call the kind in messages (``"rule type"``).
        builtins: The module that registers udcntt's own declarations when imported, if it
            sits in a higher layer: it is imported here by name, once, the first time the
            catalogue is used, so a plugin can never take a built-in's name first.
            ``None`` when the built-ins are registered where the catalogue is made.
    """

    def __init__(
        self, group: str, kind: str, declares: type[_D], label: str, builtins: str | None
    ) -> None:
        self.group = group
        self.kind = kind
        self.label = label
        self._declares = declares
        self._builtins = builtins
        self._loaded = False
        self._table: dict[str, _D] = {}
        self._pending: dict[str, metadata.EntryPoint] = {}
        self._broken: dict[str, str] = {}
        self._discovered = False

    def _ensure_builtins(self) -> None:
        if not self._loaded:
            self._loaded = True
            if self._builtins is not None:
                importlib.import_module(self._builtins)

    @property
    def table(self) -> dict[str, _D]:
        """The declarations registered so far, by key (the live dictionary)."""
        self._ensure_builtins()
        return self._table

    # -- hooks of a kind -------------------------------------------------------------
    def normal(self, name: str) -> str:
        """The key of ``name`` (a file suffix is lower case with its dot)."""
        return name

    def valid(self, key: str) -> bool:
        """Whether ``key`` could name a declaration (else no entry point is looked up)."""
        return key.isidentifier()

    def keys_of(self, spec: _D) -> tuple[str, ...]:
        """The keys ``spec`` is registered under (a reader has one per file suffix)."""
        return (spec.name,)

    def who(self, spec: _D) -> str:
        """How a conflict names a registered declaration."""
        if spec.builtin:
            return msg("the built-in {kind} '{name}'", kind=self.label, name=spec.name)
        return f"{spec.distribution or '?'} {spec.version or ''}".strip()

    def conflict(self, name: str, first: str, second: str) -> str:
        """The message of two declarations of one name."""
        return msg(
            "{kind} '{name}' is declared by both {first} and {second}",
            kind=self.label,
            name=name,
            first=first,
            second=second,
        )

    def not_declared(self, entry: str, plugin: str, name: str) -> str:
        """The message of an entry point that does not hold the declaration of ``name``."""
        return msg(
            "the entry point {entry} of {plugin} is not a {kind} declared as '{name}'",
            entry=entry,
            plugin=plugin,
            kind=self.label,
            name=name,
        )

    def unknown(self, name: str) -> str:
        """The message of unregistering a name that is not a plugin's."""
        return msg("'{name}' is not a registered {kind} extension", name=name, kind=self.label)

    def added(self, spec: _D) -> _D:
        """Called before ``spec`` is added (it may check or complete it)."""
        return spec

    def removed(self, spec: _D) -> None:
        """Called after ``spec`` is removed."""

    def __contains__(self, name: object) -> bool:
        self._ensure_builtins()
        return name in self._table

    def __iter__(self) -> Iterator[_D]:
        self._ensure_builtins()
        return iter(list(self._table.values()))

    def register(self, spec: _D) -> _D:
        """Add ``spec`` under its name.

        Raises:
            ExtensionError: ``E-EXTENSION`` when it is not a declaration of this kind or
                the name is taken (by a built-in or another plugin; both are named).
        """
        if not isinstance(spec, self._declares):
            raise ExtensionError(
                msg(
                    "a {kind} must be declared with udcntt.extend ({cls})",
                    kind=self.label,
                    cls=self._declares.__name__,
                )
            )
        if not spec.builtin:
            self._ensure_builtins()
        keys = self.keys_of(spec)
        for name in keys:
            if name in self._table:
                raise ExtensionError(
                    self.conflict(name, self.who(self._table[name]), self.who(spec))
                )
            pending = self._pending.get(name)
            if not spec.builtin and pending is not None and pending.value != spec.entry_point:
                raise ExtensionError(self.conflict(name, owner_of(pending), self.who(spec)))
        spec = self.added(spec)
        for name in keys:
            self._table[name] = spec
            self._pending.pop(name, None)
        return spec

    def unregister(self, name: str) -> None:
        """Remove a plugin's declaration (embedded use and tests); built-ins stay.

        Raises:
            ExtensionError: ``E-EXTENSION`` for a built-in or an unknown name.
        """
        self._ensure_builtins()
        spec = self._table.get(self.normal(name))
        if spec is None or spec.builtin:
            raise ExtensionError(self.unknown(name))
        for key in self.keys_of(spec):
            self._table.pop(key, None)
        self.removed(spec)

    def discover(self, *, refresh: bool = False) -> tuple[ExtensionInfo, ...]:
        """List the declarations installed through entry points, without importing them.

        Args:
            refresh: Forget what earlier discoveries found (declarations loaded from entry
                points included; explicitly registered ones stay) and list them again.

        Returns:
            Every declaration, built-in, registered or discovered, with origin and status.
        """
        self._ensure_builtins()
        if refresh:
            for spec in {id(s): s for s in self._table.values() if s.entry_point}.values():
                for key in self.keys_of(spec):
                    self._table.pop(key, None)
                self.removed(spec)
            self._pending.clear()
            self._broken.clear()
            self._discovered = False
        if not self._discovered:
            self._discovered = True
            seen: dict[str, str] = {}
            for ep in metadata.entry_points(group=self.group):
                owner = owner_of(ep)
                key = self.normal(ep.name)
                if key in self._table:
                    self._broken[key] = self.conflict(key, self.who(self._table[key]), owner)
                elif key in seen and seen[key] != owner:
                    self._broken[key] = self.conflict(key, seen[key], owner)
                    self._pending.pop(key, None)
                elif key not in self._broken:
                    self._pending[key] = ep
                seen.setdefault(key, owner)
        return self.infos()

    def infos(self) -> tuple[ExtensionInfo, ...]:
        """What :meth:`discover` found so far, sorted by name."""
        out = [
            ExtensionInfo(
                key,
                self.kind,
                "udcntt (built-in)" if s.builtin else s.distribution or "?",
                __version__ if s.builtin else s.version or "",
                s.module,
                "loaded",
            )
            for key, s in self._table.items()
        ]
        for name, ep in self._pending.items():
            dist = ep.dist
            out.append(
                ExtensionInfo(
                    name,
                    self.kind,
                    dist.name if dist else "?",
                    dist.version if dist else "",
                    ep.module,
                    "available",
                )
            )
        out.extend(ExtensionInfo(n, self.kind, "?", "", "?", p) for n, p in self._broken.items())
        return tuple(sorted(out, key=lambda i: (i.name, i.distribution)))

    def names(self) -> list[str]:
        """Every name declared or installed (built-ins first, then the rest sorted)."""
        self.discover()
        builtins = [n for n, s in self._table.items() if s.builtin]
        return builtins + sorted({*self._table, *self._pending} - set(builtins))

    def get(self, name: str) -> _D | None:
        """The declaration of ``name``, loading its plugin on first use; ``None`` if unknown.

        Raises:
            ExtensionError: ``E-EXTENSION`` when its plugin cannot be imported, does not
                declare ``name``, or collides with another declaration.
        """
        self._ensure_builtins()
        if not isinstance(name, str):
            return None
        key = self.normal(name)
        spec = self._table.get(key)
        if spec is not None:
            return spec
        if not self.valid(key):
            return None
        self.discover()
        if key in self._broken:
            raise ExtensionError(self._broken[key])
        ep = self._pending.pop(key, None)
        if ep is None:
            return None
        loaded = load_declared(
            ep,
            key,
            self._broken,
            lambda obj: isinstance(obj, self._declares) and key in self.keys_of(obj),
            lambda entry, plugin: self.not_declared(entry, plugin, key),
        )
        return self.register(loaded)
