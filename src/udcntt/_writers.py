"""The registry of report writers: built-ins and plugins, one path for both.

A writer turns an assessment into the bytes of one file format, chosen by the output
file's suffix (``.xlsx``). udcntt's own writers (``.json .csv .md .xlsx .docx .html``) are
registered by :mod:`udcntt.report` through :func:`register_writer`, exactly as a plugin's
are. Plugins come from explicit :func:`register_writer` calls (embedded use) and from entry
points of the group ``udcntt.writers``, named as the suffix without its dot (``pdf``) and
pointing at a :class:`WriterSpec` made with :func:`writer`. Entry points are listed lazily,
the first time an unknown suffix is asked for (or on :func:`discover_writers`), and a
plugin's module is imported only when a file of its suffix is written.

At the boundary (:func:`run_writer`) a plugin writer receives the assessment and the
language and must return ``bytes`` or an iterable of ``bytes``; anything else, and any
exception it raises, becomes an ``E-WRITER-EXTENSION`` error naming the plugin and the
output file. Collisions and broken entry points are ``E-EXTENSION`` errors.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from udcntt._entry_points import Catalogue, ExtensionInfo
from udcntt.errors import ExtensionError, msg

__all__ = [
    "WRITERS",
    "WRITER_ENTRY_POINT_GROUP",
    "WriterSpec",
    "discover_writers",
    "lookup_writer",
    "register_writer",
    "run_writer",
    "unregister_writer",
    "writer",
    "writer_suffixes",
]

#: The entry-point group udcntt reads report writers from.
WRITER_ENTRY_POINT_GROUP = "udcntt.writers"

WriterFunc = Callable[[Any, str], Any]


@dataclass(frozen=True, slots=True)
class WriterSpec:
    """One report writer: the suffix it writes and the callable that renders it.

    Attributes:
        suffix: The output file suffix, lower case with its dot (``".pdf"``).
        impl: ``impl(assessment, lang)`` returning ``bytes`` or an iterable of ``bytes``.
        doc: One line describing the format.
        binary: ``False`` for a text format: its bytes must then be valid UTF-8.
        builtin: Whether udcntt itself provides it.
        distribution: The distribution it comes from (named in errors).
        version: That distribution's version.
        module: The Python module that defines it.
        needs: For built-ins, the optional module the format needs (``None``: none).
        entry_point: The entry point it was loaded from, if any.
    """

    suffix: str
    impl: WriterFunc
    doc: str
    binary: bool = True
    builtin: bool = False
    distribution: str | None = None
    version: str | None = None
    module: str = ""
    needs: str | None = None
    entry_point: str | None = None

    @property
    def name(self) -> str:
        """The key it is registered under: its suffix."""
        return self.suffix


def _normal(suffix: str) -> str:
    text = suffix.strip().lower()
    return text if text.startswith(".") else f".{text}"


def writer(
    *,
    suffix: str,
    doc: str,
    binary: bool = True,
    distribution: str | None = None,
    version: str | None = None,
) -> Callable[[WriterFunc], WriterSpec]:
    """Declare a report writer; the decorated callable becomes its implementation.

    The declaration is static metadata only: the writer is not called.

    Args:
        suffix: The output file suffix it writes (``".pdf"``; the dot is optional).
        doc: One line describing the format.
        binary: ``False`` for a text format, whose bytes must be valid UTF-8.
        distribution: For explicit registration: the distribution to name in errors
            (entry points fill it from the installed distribution).
        version: That distribution's version.

    Returns:
        A decorator turning ``impl(assessment, lang)`` into a :class:`WriterSpec`.

    Raises:
        ExtensionError: ``E-EXTENSION`` when the suffix is not a dot and letters or digits.
    """
    normal = _normal(suffix)
    if not normal[1:].isalnum() or not normal[1:].isascii():
        raise ExtensionError(msg("'{suffix}' is not a valid file suffix", suffix=suffix))

    def declare(impl: WriterFunc) -> WriterSpec:
        module = getattr(impl, "__module__", "") or ""
        return WriterSpec(
            suffix=normal,
            impl=impl,
            doc=doc,
            binary=binary,
            distribution=distribution or module.partition(".")[0],
            version=version,
            module=module,
        )

    return declare


def _label(spec: WriterSpec) -> str:
    if spec.builtin:
        return f"the built-in {spec.suffix} writer"
    return f"{spec.suffix} writer of {spec.distribution or '?'} {spec.version or ''}".strip()


def _conflict(suffix: str, first: str, second: str) -> str:
    return msg(
        "report format '{suffix}' is declared by both {first} and {second}",
        suffix=suffix,
        first=first,
        second=second,
    )


class _Writers(Catalogue[WriterSpec]):
    """The report writers by file suffix (``.pdf``), with their own wording."""

    def normal(self, name: str) -> str:
        return _normal(name)

    def valid(self, key: str) -> bool:
        return key[1:].isalnum() and key[1:].isascii()

    def who(self, spec: WriterSpec) -> str:
        return _label(spec)

    def conflict(self, name: str, first: str, second: str) -> str:
        return _conflict(name, first, second)

    def not_declared(self, entry: str, plugin: str, name: str) -> str:
        return msg(
            "the entry point {entry} of {plugin} is not a writer declared for '{suffix}'",
            entry=entry,
            plugin=plugin,
            suffix=name,
        )

    def unknown(self, name: str) -> str:
        return msg("'{suffix}' is not a registered report writer", suffix=name)


#: The registry. udcntt's own writers are registered by :mod:`udcntt.report` when it is
#: imported; that layer sits above this module, so it is loaded by name on first use and a
#: plugin can never take a built-in suffix first.
WRITERS = _Writers(WRITER_ENTRY_POINT_GROUP, "writer", WriterSpec, "writer", "udcntt.report")


def register_writer(spec: WriterSpec) -> WriterSpec:
    """Add a report writer for ``spec.suffix`` (built-in or plugin).

    Returns:
        The registered spec.

    Raises:
        ExtensionError: ``E-EXTENSION`` when the suffix is taken (by a built-in or another
            plugin; both are named).
    """
    if not isinstance(spec, WriterSpec):
        raise ExtensionError(msg("a report writer must be declared with udcntt.extend.writer"))
    return WRITERS.register(spec)


def unregister_writer(suffix: str) -> None:
    """Remove a plugin writer (embedded use and tests); built-ins stay.

    Raises:
        ExtensionError: ``E-EXTENSION`` for a built-in or an unknown suffix.
    """
    WRITERS.unregister(suffix)


def discover_writers(*, refresh: bool = False) -> tuple[ExtensionInfo, ...]:
    """List the writers installed through entry points, without importing them.

    Runs once by itself, the first time a suffix is asked for that is not registered.

    Args:
        refresh: Forget what earlier discoveries found (writers loaded from entry points
            included; explicitly registered ones stay) and list the entry points again.

    Returns:
        Every writer, built-in, registered or discovered, with its origin and status.
    """
    return WRITERS.discover(refresh=refresh)


def writer_suffixes() -> list[str]:
    """Every suffix a writer is registered or installed for (built-ins first)."""
    return WRITERS.names()


def lookup_writer(suffix: str) -> WriterSpec | None:
    """The writer for ``suffix``, loading its plugin on first use; ``None`` if unknown.

    Raises:
        ExtensionError: ``E-EXTENSION`` when its plugin cannot be imported, does not
            declare a writer for that suffix, or collides with another declaration.
    """
    return WRITERS.get(suffix)


def _failure(spec: WriterSpec, target: object, problem: str) -> ExtensionError:
    return ExtensionError(
        msg(
            "the report writer {writer} failed writing '{path}': {problem}",
            writer=_label(spec),
            path=target,
            problem=problem,
        ),
        code="E-WRITER-EXTENSION",
        hint=msg("fix or uninstall the plugin; the previous file, if any, is unchanged"),
    )


def _kind(value: object) -> str:
    return "None" if value is None else type(value).__name__


def run_writer(spec: WriterSpec, assessment: Any, lang: str, target: object) -> Iterator[bytes]:
    """The chunks ``spec`` renders for ``assessment``, checked at the boundary.

    The chunks are produced lazily: write them inside
    :func:`udcntt.report.atomic_output`, so a failure half-way leaves no partial file.

    Raises:
        ExtensionError: ``E-WRITER-EXTENSION`` (from the iterator) when a plugin writer
            raises, returns something other than bytes or an iterable of bytes, or a
            text writer's bytes are not UTF-8; the message names the plugin and ``target``.
    """
    if spec.builtin:
        data = spec.impl(assessment, lang)
        yield from [data] if isinstance(data, bytes) else data
        return
    decoder = None if spec.binary else codecs.getincrementaldecoder("utf-8")()
    try:
        data = spec.impl(assessment, lang)
    except Exception as exc:
        raise _failure(spec, target, f"{type(exc).__name__}: {exc}") from exc
    if isinstance(data, bytes):
        chunks: Iterable[object] = [data]
    elif isinstance(data, str | bytearray) or not isinstance(data, Iterable):
        raise _failure(spec, target, msg("it returned {kind}, not bytes", kind=_kind(data)))
    else:
        chunks = data
    it = iter(chunks)
    while True:
        try:
            chunk = next(it)
        except StopIteration:
            break
        except Exception as exc:
            raise _failure(spec, target, f"{type(exc).__name__}: {exc}") from exc
        if not isinstance(chunk, bytes):
            raise _failure(spec, target, msg("it yielded {kind}, not bytes", kind=_kind(chunk)))
        if decoder is not None:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                raise _failure(spec, target, msg("its text is not UTF-8")) from None
        yield chunk
    if decoder is not None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise _failure(spec, target, msg("its text is not UTF-8")) from None
