"""The public extension API: declare expression functions for rule files.

A plugin declares each function with :func:`function` and either registers it explicitly
(embedded use) with :func:`register_function`, or publishes it as an entry point of the
group ``udcntt.functions`` named as the function::

    # my_plugin/__init__.py
    from decimal import Decimal
    from udcntt.extend import function

    @function(args=("number", "number"), result="number", doc="a / b, 0 when b is 0.",
              examples=[("safe_ratio(3, 4)", "0.75")])
    def safe_ratio(a: Decimal, b: Decimal) -> Decimal:
        return a / b if b else Decimal(0)

    # pyproject.toml
    [project.entry-points."udcntt.functions"]
    safe_ratio = "my_plugin:safe_ratio"

Survey readers are declared with :func:`reader` (entry-point group ``udcntt.readers``),
report writers with :func:`writer` (``udcntt.writers``). Leaf rule types subclass
:class:`RuleType` (``udcntt.rule_types``), normalisation methods :class:`Normalisation`
(``udcntt.normalisations``) and group aggregations :class:`Aggregation`
(``udcntt.aggregations``); an instance is the declaration, registered with
:func:`register` or published as an entry point named as it is::

    class Interpolate(RuleType):
        def points(self, spec, values):          # values: Decimal / bool / str only
            ...
        def max_points(self, spec):
            return max(p.points for p in spec.table)

    interpolate = Interpolate(name="interpolate", schema=InterpolateSpec,
                              doc="Linear interpolation between points.",
                              expressions={"input": "number"}, monotone=("input",))

udcntt's own rule types, normalisations and aggregations are declared the same way (one
module each in :mod:`udcntt.kinds`) and go through the same registries. The contract at
the boundary:

* the checker knows the declared signature: unknown names, wrong arity and wrong argument
  types are located errors when the rule file is loaded, as for built-ins;
* the function receives only ``Decimal``, ``str`` (category values) and ``bool``;
* its result is checked: a declared number must be a finite ``Decimal`` within ±10^18, a
  declared yes/no a ``bool``; anything else, and any exception it raises, becomes an
  ``E-EVAL-EXTENSION`` error naming the function, its distribution, the criterion and the
  agency;
* it is never called while a rule file is loaded (no constant folding), and its module is
  imported only when a rule file calls it.

For rule types, normalisations and aggregations the same holds: the YAML fragment of a
rule type is validated by its schema with located errors at load; only its declared static
metadata (:meth:`RuleType.max_points`, :meth:`RuleType.check`) runs at load; its points,
scores and shares are checked when it runs (finite ``Decimal``; scores and shares within
[0, 1]); an exception becomes ``E-EVAL-EXTENSION`` naming it, the criterion and the agency.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from udcntt._kinds import (
    RULE_TYPES,
    CodeContext,
    CompileContext,
    CompiledRule,
    Picker,
    RangeContext,
    RuleType,
)
from udcntt._methods import AGGREGATIONS, NORMALISATIONS, Aggregation, Normalisation
from udcntt._writers import (
    WRITER_ENTRY_POINT_GROUP,
    WriterSpec,
    discover_writers,
    register_writer,
    unregister_writer,
    writer,
)
from udcntt.errors import ExtensionError, msg
from udcntt.expressions import (
    ENTRY_POINT_GROUP,
    ArgKind,
    ExprType,
    ExtensionInfo,
    FunctionSpec,
    discover,
    register_function,
    unregister_function,
)

__all__ = [
    "AGGREGATION_GROUP",
    "ENTRY_POINT_GROUP",
    "NORMALISATION_GROUP",
    "READER_GROUP",
    "RULE_TYPE_GROUP",
    "WRITER_ENTRY_POINT_GROUP",
    "Aggregation",
    "CodeContext",
    "CompileContext",
    "CompiledRule",
    "ExtensionError",
    "ExtensionInfo",
    "FunctionSpec",
    "Normalisation",
    "Picker",
    "RangeContext",
    "ReaderSpec",
    "RuleType",
    "WriterSpec",
    "discover",
    "discover_kinds",
    "discover_writers",
    "function",
    "reader",
    "register",
    "register_function",
    "register_writer",
    "registered",
    "unregister",
    "unregister_function",
    "unregister_writer",
    "writer",
]

_ARG_KINDS = {"number": ArgKind.NUMBER, "bool": ArgKind.BOOL, "category": ArgKind.CATEGORY}
_RESULTS = {"number": ExprType.NUMBER, "bool": ExprType.BOOL}


def function(
    *,
    args: Iterable[str],
    result: str = "number",
    doc: str,
    doc_vi: str | None = None,
    name: str | None = None,
    examples: Iterable[tuple[str, str]] = (),
    pure: bool = True,
    cost: int = 1,
    distribution: str | None = None,
    version: str | None = None,
) -> Callable[[Callable[..., Any]], FunctionSpec]:
    """Declare an expression function; the decorated callable becomes its implementation.

    The declaration is static metadata only: the function is not called.

    Args:
        args: The argument types, in order: ``"number"``, ``"bool"`` or ``"category"``.
        result: ``"number"`` or ``"bool"``.
        doc: One line in English.
        doc_vi: One line in Vietnamese (defaults to ``doc``).
        name: The name in rule files (defaults to the Python name).
        examples: ``(call, result)`` pairs, for the documentation.
        pure: Whether the result depends on the arguments only.
        cost: The bound on one call's work, in arithmetic operations (1 to 10,000).
        distribution: For explicit registration: the distribution to name in errors and
            receipts (entry points fill it from the installed distribution).
        version: That distribution's version.

    Returns:
        A decorator turning the implementation into a :class:`FunctionSpec`.

    Raises:
        ExtensionError: ``E-EXTENSION`` for an unknown argument or result type, or a cost
            out of range.
    """
    kinds = []
    for arg in args:
        if arg not in _ARG_KINDS:
            raise ExtensionError(
                msg("unknown argument type '{arg}': use number, bool or category", arg=arg)
            )
        kinds.append(_ARG_KINDS[arg])
    if result not in _RESULTS:
        raise ExtensionError(msg("unknown result type '{arg}': use number or bool", arg=result))
    if not 1 <= cost <= 10_000:
        raise ExtensionError(msg("cost must be from 1 to 10000, not {cost}", cost=cost))
    listed = tuple((str(call), str(value)) for call, value in examples)

    def declare(impl: Callable[..., Any]) -> FunctionSpec:
        fname = name or impl.__name__
        signature = f"{fname}({', '.join(arg.value for arg in kinds)})"
        return FunctionSpec(
            name=fname,
            signature=signature,
            doc=doc,
            doc_vi=doc_vi or doc,
            head=tuple(kinds),
            repeat=(),
            min_repeats=0,
            tail=(),
            result_type=_RESULTS[result],
            runtime=f"_u_x_{fname}",
            impl=impl,
            example=listed[0][0] if listed else "",
            example_result=listed[0][1] if listed else "",
            pure=pure,
            cost=cost,
            examples=listed,
            distribution=distribution or impl.__module__.partition(".")[0],
            version=version,
            module=impl.__module__,
        )

    return declare


#: The entry-point group of leaf rule types (named as the YAML key).
RULE_TYPE_GROUP = RULE_TYPES.group
#: The entry-point group of normalisation methods (named as the method).
NORMALISATION_GROUP = NORMALISATIONS.group
#: The entry-point group of group aggregations (named as the aggregation).
AGGREGATION_GROUP = AGGREGATIONS.group

_Kind = RuleType | Normalisation | Aggregation


def _catalogue_of(spec: object) -> Any:
    if isinstance(spec, RuleType):
        return RULE_TYPES
    if isinstance(spec, Normalisation):
        return NORMALISATIONS
    if isinstance(spec, Aggregation):
        return AGGREGATIONS
    raise ExtensionError(
        msg(
            "{kind} is not a declaration: use udcntt.extend.function, reader, writer, or an "
            "instance of RuleType, Normalisation or Aggregation",
            kind=type(spec).__name__,
        )
    )


def register(spec: _Kind) -> _Kind:
    """Register a rule type, normalisation method or aggregation (embedded use).

    Args:
        spec: An instance of a subclass of :class:`RuleType`, :class:`Normalisation` or
            :class:`Aggregation` (checked complete when it was made).

    Returns:
        The registered declaration.

    Raises:
        ExtensionError: ``E-EXTENSION`` when the name is taken (by a built-in or another
            plugin; both are named).
    """
    registered_spec: _Kind = _catalogue_of(spec).register(spec)
    return registered_spec


def unregister(spec: _Kind) -> None:
    """Remove a plugin's rule type, normalisation or aggregation; built-ins stay.

    Raises:
        ExtensionError: ``E-EXTENSION`` for a built-in or one not registered.
    """
    _catalogue_of(spec).unregister(spec.name)


def discover_kinds(*, refresh: bool = False) -> tuple[ExtensionInfo, ...]:
    """Every rule type, normalisation and aggregation: built-in, registered or installed.

    Entry points are listed from the installed distributions' metadata, not imported.

    Args:
        refresh: List the entry points again (after installing a plugin).
    """
    return (
        *RULE_TYPES.discover(refresh=refresh),
        *NORMALISATIONS.discover(refresh=refresh),
        *AGGREGATIONS.discover(refresh=refresh),
    )


@contextmanager
def registered(*specs: FunctionSpec | _Kind) -> Iterator[tuple[Any, ...]]:
    """Register extensions for the duration of a ``with`` block.

    For embedded use and tests: the extensions are removed on leaving the block, even when
    it raises, so no registration leaks into later work.

    Args:
        specs: Functions declared with :func:`function`, and instances of
            :class:`RuleType`, :class:`Normalisation` or :class:`Aggregation`.

    Yields:
        The registered declarations.

    Raises:
        ExtensionError: ``E-EXTENSION`` when a name is taken (nothing stays registered).
    """
    done: list[Any] = []
    try:
        for spec in specs:
            if isinstance(spec, FunctionSpec):
                done.append(register_function(spec))
            else:
                done.append(register(spec))
        yield tuple(done)
    finally:
        for spec in reversed(done):
            if isinstance(spec, FunctionSpec):
                unregister_function(spec.name)
            else:
                unregister(spec)


# --- survey readers ----------------------------------------------------------------------

#: The entry-point group of survey readers. Each entry point is named as the file suffix
#: it reads, without the dot (``xmlx = "my_plugin:read_xmlx"``).
READER_GROUP = "udcntt.readers"


@dataclass(frozen=True, slots=True)
class ReaderSpec:
    """A survey reader: the file suffixes it reads and how.

    A plugin's ``impl`` takes the file's bytes and returns rows: a sequence of rows, each
    a sequence of cells that are ``str`` (text as typed, read under the survey's locale),
    ``int`` or ``Decimal`` (machine numbers), ``bool`` or ``None`` (an empty cell). The
    first non-empty row is the header, as in a CSV file. udcntt checks the rows against
    the data limits and the refused characters and then validates every value exactly as
    it validates a CSV file; the plugin never builds typed values itself.

    Attributes:
        suffixes: The lowercase file suffixes read, with the dot (``(".xmlx",)``).
        impl: The reader.
        doc: One line in English.
        format: A declared format name (``"ministry-xml"``), for listings.
        distribution: The distribution to name in errors (entry points fill it).
        version: That distribution's version.
        module: The Python module of ``impl``.
        builtin: Whether it is one of udcntt's own readers (they receive the path, the
            layout, the encoding and the limits and return tables).
        entry_point: The entry point it was loaded from, if any.
    """

    suffixes: tuple[str, ...]
    impl: Callable[..., Any]
    doc: str
    format: str | None = None
    distribution: str | None = None
    version: str | None = None
    module: str = ""
    builtin: bool = False
    entry_point: str | None = None

    @property
    def name(self) -> str:
        """How listings name it: its suffixes (``.xmlx/.xml``)."""
        return "/".join(self.suffixes)


def reader(
    *,
    suffixes: Iterable[str],
    doc: str,
    format: str | None = None,
    distribution: str | None = None,
    version: str | None = None,
) -> Callable[[Callable[[bytes], Any]], ReaderSpec]:
    """Declare a survey reader; the decorated callable becomes its implementation.

    The declaration is static metadata only: the reader is called when a file with one of
    its suffixes is read. Register it with :func:`udcntt.data.register_reader`, or publish
    it as an entry point of :data:`READER_GROUP` named as its suffix without the dot.

    Args:
        suffixes: The file suffixes, with the dot (``".xmlx"``); matched case-insensitively.
        doc: One line in English.
        format: A declared format name, for listings.
        distribution: For explicit registration: the distribution to name in errors.
        version: That distribution's version.

    Returns:
        A decorator turning ``impl(data: bytes) -> rows`` into a :class:`ReaderSpec`.

    Raises:
        ExtensionError: ``E-EXTENSION`` for no suffix, or a suffix that is not a dot
            followed by 1 to 15 letters or digits.
    """
    listed = tuple(str(s).lower() for s in suffixes)
    if not listed:
        raise ExtensionError(msg("a survey reader declares at least one file suffix"))
    for suffix in listed:
        if not (suffix.startswith(".") and 2 <= len(suffix) <= 16 and suffix[1:].isalnum()):
            raise ExtensionError(msg("'{suffix}' is not a file suffix like '.xmlx'", suffix=suffix))

    def declare(impl: Callable[[bytes], Any]) -> ReaderSpec:
        return ReaderSpec(
            suffixes=listed,
            impl=impl,
            doc=doc,
            format=format,
            distribution=distribution or impl.__module__.partition(".")[0],
            version=version,
            module=impl.__module__,
        )

    return declare
