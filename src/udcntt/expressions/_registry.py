"""The registry of expression functions: built-ins and extensions, one path for both.

:data:`FUNCTIONS` is a live, read-only view of the table, sorted by name. The parser,
checker, compiler and reference interpreter consult it; the built-in functions of
:mod:`udcntt.expressions._functions` are registered through :func:`register_function`
exactly as an extension is. An extension's run-time helper (``_u_x_<name>``) is a
validating wrapper placed in :data:`~udcntt.expressions.RUNTIME`, so generated code calls it
directly, with no per-call look-up.

Extensions come from two places: explicit :func:`register_function` calls (embedded use)
and entry points of the group ``udcntt.functions`` (one entry point per function, named as
the function, pointing at a :class:`FunctionSpec`). Entry points are listed lazily, the
first time a name is not found (or on :func:`discover`), and a plugin's module is imported
only when a rule file calls its function; plugin code is never called at load.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import replace
from decimal import Decimal
from functools import partial
from importlib import metadata
from types import MappingProxyType
from typing import Any

from udcntt._entry_points import Catalogue, ExtensionInfo
from udcntt.errors import ExtensionError, msg
from udcntt.expressions import _runtime as rt
from udcntt.expressions._functions import BUILTIN_SPECS, ArgKind, FunctionSpec
from udcntt.expressions._types import ExprType, RuleArithmeticError
from udcntt.model import MAX_NUMBER

__all__ = [
    "ENTRY_POINT_GROUP",
    "FUNCTIONS",
    "ExtensionInfo",
    "check_requirement",
    "discover",
    "extension_record",
    "lookup_function",
    "register_function",
    "unregister_function",
]

#: The entry-point group udcntt reads expression functions from.
ENTRY_POINT_GROUP = "udcntt.functions"
#: Largest magnitude an extension may return: the bound of every number of the language.
MAX_RESULT = MAX_NUMBER

#: What an extension may receive (a rule reading a not-applicable value is not evaluated,
#: so the N/A marker never reaches one) and declare.
_VALUE_TYPES = (Decimal, str, bool)
_EXTENSION_KINDS = (ArgKind.NUMBER, ArgKind.BOOL, ArgKind.CATEGORY)


def _label(spec: FunctionSpec) -> str:
    return f"{spec.name}() of {spec.distribution or 'built-in'} {spec.version or ''}".strip()


def _rejection(spec: FunctionSpec, stage: str, result: Any, *args: Any) -> RuleArithmeticError:
    """Why a call of an extension is refused (worked out only when a check fails).

    ``stage`` is ``"args"`` (an argument of another type), ``"raised"`` (``result`` is the
    exception) or ``"result"`` (the result fails its declared type or bounds).
    """
    if stage == "args":
        bad = next(a for a in args if type(a) not in _VALUE_TYPES)
        detail = msg("received a {type} argument", type=type(bad).__name__)
    elif stage == "raised":
        detail = msg("raised {error}: {text}", error=type(result).__name__, text=result)
    elif spec.result_type is ExprType.BOOL:
        detail = msg("returned a {type} where a yes/no is declared", type=type(result).__name__)
    elif type(result) is not Decimal:
        detail = msg("returned a {type} where a number is declared", type=type(result).__name__)
    elif not result.is_finite():
        detail = msg("returned {value}, not a finite number", value=result)
    else:
        detail = msg("returned a number beyond ±10^18: {value}", value=result)
    return RuleArithmeticError(
        "E-EVAL-EXTENSION",
        msg("extension function {function}: {detail}", function=_label(spec), detail=detail),
    )


#: The boundary of one extension, as source. Only the arity varies (parameters ``a0, a1,
#: …``, or ``*args`` for a repeating signature): the text holds nothing taken from a plugin.
_WRAPPER = """\
def wrapper({params}):
    if {arg_checks}:
        raise reject("args", None, {params})
    try:
        result = impl({params})
    except Exception as exc:
        raise reject("raised", exc, {params}) from exc
    if {result_check}:
        raise reject("result", result, {params})
    return result
"""
_NUMBER_CHECK = "type(result) is not Decimal or not result.is_finite() or not low <= result <= high"


def _wrap(spec: FunctionSpec) -> Callable[..., Any]:
    """The boundary of one extension: checks what goes in and what comes out.

    Generated code calls the returned function directly, so a call costs the extension's
    own work plus a few type and bound checks. A failed check, or an exception of the
    extension, raises ``E-EVAL-EXTENSION`` naming the function and its distribution.
    """
    if spec.repeat:
        params, checks = "*args", "any(type(a) not in types for a in args)"
    else:
        count = len(spec.head) + len(spec.tail)
        params = ", ".join(f"a{i}" for i in range(count))
        checks = " or ".join(f"type(a{i}) not in types" for i in range(count)) or "False"
    number = spec.result_type is ExprType.NUMBER
    namespace: dict[str, Any] = {
        "impl": spec.impl,
        "types": frozenset(_VALUE_TYPES),
        "Decimal": Decimal,
        "low": -MAX_RESULT,
        "high": MAX_RESULT,
        "reject": partial(_rejection, spec),
    }
    source = _WRAPPER.format(
        params=params,
        arg_checks=checks,
        result_check=_NUMBER_CHECK if number else "type(result) is not bool",
    )
    exec(compile(source, f"<udcntt extension {spec.name}>", "exec"), namespace)
    wrapper: Callable[..., Any] = namespace["wrapper"]
    wrapper.__name__ = spec.runtime
    return wrapper


def _conflict(name: str, first: str, second: str) -> str:
    return msg(
        "function '{name}' is declared by both {first} and {second}",
        name=name,
        first=first,
        second=second,
    )


class _Functions(Catalogue[FunctionSpec]):
    """The expression functions by name, kept sorted, each extension with its boundary."""

    def valid(self, key: str) -> bool:
        return key.isidentifier() and not key.startswith("_")

    def who(self, spec: FunctionSpec) -> str:
        return _label(spec)

    def conflict(self, name: str, first: str, second: str) -> str:
        return _conflict(name, first, second)

    def not_declared(self, entry: str, plugin: str, name: str) -> str:
        return msg(
            "the entry point {entry} of {plugin} is not a function declared as '{name}'",
            entry=entry,
            plugin=plugin,
            name=name,
        )

    def unknown(self, name: str) -> str:
        return msg("'{name}' is not a registered extension", name=name)

    def added(self, spec: FunctionSpec) -> FunctionSpec:
        if not self.valid(spec.name):
            raise ExtensionError(msg("'{name}' is not a valid function name", name=spec.name))
        if spec.builtin:
            return spec
        bad = [k for k in spec.arg_types if k not in _EXTENSION_KINDS]
        if bad or spec.result_type not in (ExprType.NUMBER, ExprType.BOOL):
            raise ExtensionError(
                msg(
                    "extension {function} may take number, yes/no and category arguments and "
                    "return a number or a yes/no",
                    function=_label(spec),
                )
            )
        spec = replace(spec, runtime=f"_u_x_{spec.name}")
        rt.RUNTIME[spec.runtime] = _wrap(spec)
        return spec

    def removed(self, spec: FunctionSpec) -> None:
        rt.RUNTIME.pop(spec.runtime, None)

    def register(self, spec: FunctionSpec) -> FunctionSpec:
        done = super().register(spec)
        table = self.table
        items = sorted(table.items())
        table.clear()  # in place: FUNCTIONS is a live view of this dictionary
        table.update(items)
        return done


_CATALOGUE = _Functions(ENTRY_POINT_GROUP, "function", FunctionSpec, "function", None)
#: Every function rule expressions may call, by name (sorted; built-ins and extensions).
FUNCTIONS: Mapping[str, FunctionSpec] = MappingProxyType(_CATALOGUE.table)


def register_function(spec: FunctionSpec) -> FunctionSpec:
    """Add a function to the expression language (built-in or extension).

    Args:
        spec: The declaration (see :func:`udcntt.extend.function`). An extension's
            ``runtime`` name is ``_u_x_<name>``; its wrapper is added to ``RUNTIME``.

    Returns:
        The registered spec.

    Raises:
        ExtensionError: ``E-EXTENSION`` when the name is taken (by a built-in or another
            extension; both are named) or the declaration is malformed.
    """
    return _CATALOGUE.register(spec)


def unregister_function(name: str) -> None:
    """Remove an extension function (embedded use and tests); built-ins stay.

    Raises:
        ExtensionError: ``E-EXTENSION`` for a built-in or an unknown name.
    """
    _CATALOGUE.unregister(name)


def discover(*, refresh: bool = False) -> tuple[ExtensionInfo, ...]:
    """List the extension functions installed through entry points, without importing them.

    Runs once by itself, the first time a rule file calls a name that is not registered.

    Args:
        refresh: Forget what earlier discoveries found (functions loaded from entry points
            included; explicitly registered ones stay) and list the entry points again.

    Returns:
        Every extension, registered or discovered, with its origin and status.
    """
    return _CATALOGUE.discover(refresh=refresh)


def lookup_function(name: str) -> FunctionSpec | None:
    """The function called ``name``, loading its plugin on first use; ``None`` if unknown.

    Raises:
        ExtensionError: ``E-EXTENSION`` when its plugin cannot be imported, does not
            declare a function of that name, or collides with another declaration.
    """
    return _CATALOGUE.get(name)


def check_requirement(distribution: str, specifier: str) -> tuple[str, str] | None:
    """Whether an installed distribution satisfies ``specifier`` (``">=1.2"``).

    Returns:
        ``None`` when it does, else ``(message, hint)``.
    """
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        wanted = SpecifierSet(specifier)
    except InvalidSpecifier:
        return (
            msg("'{spec}' is not a version requirement", spec=specifier),
            msg('write a requirement such as ">=1.2" or ">=1.2,<2"'),
        )
    try:
        version = metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return (
            msg("the plugin {dist} is not installed", dist=distribution),
            msg("install it: pip install '{dist}{spec}'", dist=distribution, spec=specifier),
        )
    if not wanted.contains(version, prereleases=True):
        return (
            msg(
                "the plugin {dist} {version} is installed; the rule file requires {spec}",
                dist=distribution,
                version=version,
                spec=specifier,
            ),
            msg(
                "install a matching version: pip install '{dist}{spec}'",
                dist=distribution,
                spec=specifier,
            ),
        )
    return None


def extension_record(name: str) -> dict[str, str] | None:
    """The receipt entry of an extension function: origin and registration hash.

    Returns:
        ``None`` for a built-in or an unknown name.
    """
    spec = FUNCTIONS.get(name)
    if spec is None or spec.builtin:
        return None
    declaration = {
        "name": spec.name,
        "arguments": [k.value for k in spec.head + spec.repeat + spec.tail],
        "repeat": [k.value for k in spec.repeat],
        "result": spec.result_type.value,
        "pure": spec.pure,
        "cost": spec.cost,
        "doc": spec.doc,
        "examples": [list(e) for e in spec.examples],
        "distribution": spec.distribution,
        "version": spec.version,
        "module": spec.module,
    }
    text = json.dumps(declaration, sort_keys=True, ensure_ascii=False)
    return {
        "function": spec.name,
        "distribution": spec.distribution or "",
        "version": spec.version or "",
        "registration_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
    }


for _builtin in BUILTIN_SPECS:
    register_function(_builtin)
