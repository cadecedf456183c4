"""The agency registry (danh mục cơ quan, đơn vị): who is surveyed, under which name.

A registry lists every agency once: a stable id, the official name, the block it is ranked
in, former names and other spellings (``aliases``: agencies are renamed and merged), whether
it is ranked (``ranked: false`` or ``excluded: true`` — scored and reported, not ranked) and
its parent unit (huyện → xã). In YAML::

    agencies:
      - id: so_tttt
        name: Sở Thông tin và Truyền thông
        block: so_nganh
        aliases: [Sở Bưu chính, Viễn thông, STTTT]
      - id: bchqs
        name: Bộ Chỉ huy Quân sự tỉnh
        block: co_quan_khac
        ranked: false

As CSV, the columns are ``id, name, block, aliases, ranked, excluded, parent`` (Vietnamese
headers ``mã``, ``tên``, ``khối``, ``tên khác``, ``xếp hạng``, ``không xếp hạng``,
``đơn vị cha`` work too); several aliases in one cell are separated by ``;`` or ``|``.

Survey rows are matched to the registry by id, official name or alias, ignoring case and
spacing; a name that matches only after folding tone-mark placement (``Hòa``/``Hoà``),
Unicode form or no-break spaces is matched and flagged. Look-alike letters (``Ð`` for
``Đ``, Cyrillic among Latin letters) and control or bidirectional characters are refused
(``E-DATA-CHAR``), in the registry and in survey rows.

A registry is *complete* by default: a survey row it does not know is an error, and so is a
ranked agency without a row, so that no mistyped name slips through. A province that only
needs to link last year's names to this year's writes a *partial* registry
(``complete: false``, or ``read_registry(path, complete=False)`` for CSV): it lists the
renamed and merged units; rows it does not know are read as without a registry (their own
id, name and block), and its units without a row are not reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from udcntt.data._chars import char_diag, first_unsafe, lookalike, lookalike_diag
from udcntt.data._limits import DEFAULT_LIMITS, Limits, read_bytes
from udcntt.data._readers import load_json_document, load_yaml_document, read_delimited
from udcntt.data._table import Table, fatal
from udcntt.data._text import clean_text, match_key, plain_key
from udcntt.errors import DataError, Diagnostic, SourceLocation, did_you_mean, msg
from udcntt.model import DEFAULT_FALSE, DEFAULT_TRUE

__all__ = ["AgencyMatch", "Registry", "RegistryAgency", "read_registry"]

_AGENCY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
_TRUE = frozenset(match_key(s) for s in (*DEFAULT_TRUE, "true"))
_FALSE = frozenset(match_key(s) for s in (*DEFAULT_FALSE, "false"))
_FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id", "mã", "mã đơn vị", "ma_don_vi", "mã cơ quan"),
    "name": ("name", "tên", "tên đơn vị", "ten_don_vi", "tên cơ quan", "official name"),
    "block": ("block", "khối", "khoi"),
    "aliases": ("aliases", "alias", "tên khác", "tên cũ", "bí danh"),
    "ranked": ("ranked", "xếp hạng", "xep_hang"),
    "excluded": ("excluded", "không xếp hạng", "khong_xep_hang", "loại trừ"),
    "parent": ("parent", "đơn vị cha", "don_vi_cha", "cấp trên", "trực thuộc"),
}
_FIELD_KEYS = {match_key(alias): name for name, aliases in _FIELDS.items() for alias in aliases}


@dataclass(frozen=True, slots=True)
class RegistryAgency:
    """One agency of the registry."""

    id: str
    name: str
    block: str
    aliases: tuple[str, ...] = ()
    ranked: bool = True
    parent: str | None = None
    location: SourceLocation | None = None


@dataclass(frozen=True, slots=True)
class AgencyMatch:
    """How a survey's text matched a registry agency.

    ``how`` is ``id``, ``name`` or ``alias``; ``lookalike`` is true when the texts differ
    by look-alike characters only (reported as ``W-DATA-LOOKALIKE``, a warning).
    """

    agency: RegistryAgency
    how: str
    lookalike: bool
    matched: str


class Registry:
    """The agencies a survey is expected to cover, with their names across years.

    Raises:
        DataError: on construction, for duplicate ids, a name shared by two agencies,
            names that differ only by look-alike characters, or an unknown parent.
    """

    __slots__ = ("_by_fold", "_by_id", "_by_name", "agencies", "complete", "source", "synthetic")

    def __init__(
        self,
        agencies: Iterable[RegistryAgency],
        *,
        source: str | None = None,
        complete: bool = True,
        synthetic: bool = False,
    ) -> None:
        self.agencies: tuple[RegistryAgency, ...] = tuple(agencies)
        self.source = source
        self.complete = complete
        #: The surveys read with this registry are synthetic (an example): reports say so.
        self.synthetic = synthetic
        self._by_id: dict[str, RegistryAgency] = {}
        self._by_name: dict[str, tuple[RegistryAgency, str, str]] = {}
        self._by_fold: dict[str, tuple[RegistryAgency, str, str]] = {}
        diags: list[Diagnostic] = []
        for agency in self.agencies:
            diags.extend(self._index(agency))
        for agency in self.agencies:
            if agency.parent is not None and agency.parent not in self._by_id:
                diags.append(
                    _diag(
                        "E-DATA-REGISTRY",
                        msg("parent '{parent}' is not in the registry", parent=agency.parent),
                        agency,
                        did_you_mean(agency.parent, self._by_id),
                    )
                )
            elif agency.parent == agency.id:
                diags.append(_diag("E-DATA-REGISTRY", msg("an agency is its own parent"), agency))
        if diags:
            raise DataError.from_diagnostics(diags)

    def _index(self, agency: RegistryAgency) -> list[Diagnostic]:
        diags: list[Diagnostic] = []
        if agency.id in self._by_id:
            first = self._by_id[agency.id]
            diags.append(
                _diag(
                    "E-DATA-AGENCY-DUPLICATE",
                    msg(
                        "id '{id}' is used twice (first at {first})",
                        id=agency.id,
                        first=first.location,
                    )
                    if first.location
                    else msg("id '{id}' is used twice", id=agency.id),
                    agency,
                )
            )
            return diags
        self._by_id[agency.id] = agency
        texts = [(agency.name, "name"), *((alias, "alias") for alias in agency.aliases)]
        texts.append((agency.id, "id"))
        for text, how in texts:
            bad = first_unsafe(text)
            if bad is not None:
                diags.append(
                    replace(
                        char_diag(text, bad, agency.location),
                        agency=agency.id if agency.id != text else None,
                    )
                )
                continue
            found = lookalike(text)
            if found is not None:
                diags.append(lookalike_diag(text, found, agency.location))
                continue
            plain, fold = plain_key(text), match_key(text)
            if how != "id":
                other = self._by_name.get(plain)
                if other is not None and other[0].id != agency.id:
                    diags.append(
                        _diag(
                            "E-DATA-REGISTRY",
                            msg(
                                "'{text}' names both '{agency}' and '{other}'",
                                text=text,
                                agency=other[0].id,
                                other=agency.id,
                            ),
                            agency,
                            msg("a name or alias may belong to one agency only"),
                        )
                    )
                    continue
                self._by_name.setdefault(plain, (agency, how, text))
            seen = self._by_fold.get(fold)
            if seen is not None and seen[0].id != agency.id:
                diags.append(
                    _diag(
                        "E-DATA-AGENCY-LOOKALIKE",
                        msg(
                            "'{text}' ({agency}) and '{other}' ({other_agency}) differ only by look-alike characters",
                            text=text,
                            agency=agency.id,
                            other=seen[2],
                            other_agency=seen[0].id,
                        ),
                        agency,
                        msg("two agencies need names that read differently"),
                    )
                )
                continue
            self._by_fold.setdefault(fold, (agency, how, text))
        return diags

    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, Any]],
        *,
        source: str | None = None,
        complete: bool = True,
    ) -> Registry:
        """Build a registry from plain mappings (``id``, ``name``, ``block``, …).

        Raises:
            DataError: for malformed records, as :func:`read_registry` does.
        """
        agencies, diags = [], []
        for index, record in enumerate(records):
            loc = SourceLocation(file=source, row=index + 1, path=f"agencies[{index}]")
            agency, problems = _agency(dict(record), loc)
            diags.extend(problems)
            if agency is not None:
                agencies.append(agency)
        if diags:
            raise DataError.from_diagnostics(diags)
        return cls(agencies, source=source, complete=complete)

    def __len__(self) -> int:
        return len(self.agencies)

    def __iter__(self) -> Iterator[RegistryAgency]:
        return iter(self.agencies)

    def __contains__(self, agency_id: object) -> bool:
        return agency_id in self._by_id

    def get(self, agency_id: str) -> RegistryAgency | None:
        """The agency with this id, or ``None``."""
        return self._by_id.get(agency_id)

    def match(self, text: str) -> AgencyMatch | None:
        """The agency whose id, name or alias is ``text`` (see the module docstring)."""
        exact = self._by_id.get(text.strip())
        if exact is not None:
            return AgencyMatch(exact, "id", False, exact.id)
        hit = self._by_name.get(plain_key(text))
        if hit is not None:
            return AgencyMatch(hit[0], hit[1], False, hit[2])
        folded = self._by_fold.get(match_key(text))
        if folded is not None:
            lookalike = plain_key(folded[2]) != plain_key(text)
            return AgencyMatch(folded[0], folded[1], lookalike, folded[2])
        return None

    def suggest(self, text: str) -> str | None:
        """A did-you-mean hint among ids and names."""
        return did_you_mean(text, [*self._by_id, *(a.name for a in self.agencies)])


def _diag(code: str, message: str, agency: RegistryAgency, hint: str | None = None) -> Diagnostic:
    return Diagnostic(
        code=code, message=message, location=agency.location, agency=agency.id, hint=hint
    )


def _flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if value is None:
        return None
    key = match_key(str(value))
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValueError(msg("'{value}' is not yes or no", value=value))


def _agency(
    record: dict[str, Any], loc: SourceLocation
) -> tuple[RegistryAgency | None, list[Diagnostic]]:
    problems: list[Diagnostic] = []

    def bad(message: str, hint: str | None = None) -> None:
        problems.append(
            Diagnostic(code="E-DATA-REGISTRY", message=message, location=loc, hint=hint)
        )

    fields: dict[str, Any] = {}
    for key, value in record.items():
        name = _FIELD_KEYS.get(match_key(str(key)))
        if name is None:
            bad(msg("unknown field '{key}'", key=key), did_you_mean(str(key), _FIELDS))
        else:
            fields[name] = value
    raw_texts = [fields.get(k) for k in ("id", "name", "parent")]
    aliases_raw = fields.get("aliases")
    raw_texts.extend(aliases_raw if isinstance(aliases_raw, list) else [aliases_raw])
    for raw in raw_texts:  # before clean_text folds Ð into Đ
        found = lookalike(raw) if isinstance(raw, str) else None
        if found is not None and isinstance(raw, str):
            problems.append(lookalike_diag(raw, found, loc))
    text = {k: clean_text(str(v)) for k, v in fields.items() if isinstance(v, str | int)}
    agency_id, name, block = text.get("id", ""), text.get("name", ""), text.get("block", "")
    if not _AGENCY_ID.match(agency_id):
        bad(
            msg(
                "id {id} is missing or not a short code (letters, digits, _ . -)",
                id=repr(agency_id),
            )
        )
    if not name:
        bad(msg("an agency needs a 'name'"))
    if not block:
        bad(msg("an agency needs a 'block'"))
    raw_aliases = fields.get("aliases") or ()
    if isinstance(raw_aliases, str):
        raw_aliases = re.split(r"[;|]", raw_aliases)
    if not isinstance(raw_aliases, list | tuple):
        bad(msg("'aliases' is a list of names"))
        raw_aliases = ()
    aliases = tuple(a for a in (clean_text(str(x)) for x in raw_aliases) if a)
    try:
        ranked = _flag(fields.get("ranked"))
        excluded = _flag(fields.get("excluded"))
    except ValueError as exc:
        bad(exc.args[0] if exc.args else str(exc), msg("write yes/no, Có/Không or true/false"))
        ranked = excluded = None
    if ranked is not None and excluded is not None and ranked == excluded:
        bad(msg("'ranked' and 'excluded' contradict each other"))
    is_ranked = ranked if ranked is not None else not excluded
    parent = text.get("parent") or None
    if problems:
        return None, problems
    return RegistryAgency(agency_id, name, block, aliases, is_ranked, parent, loc), []


def _from_table(table: Table, complete: bool) -> Registry:
    if not table.rows:
        raise fatal(
            "E-DATA-REGISTRY", msg("the registry is empty"), SourceLocation(file=table.file)
        )
    header, *rows = table.rows
    names = {i: str(cell.value) for i, cell in header.cells.items()}
    agencies, diags = [], []
    for row in rows:
        record = {names.get(i, f"column {i + 1}"): c.value for i, c in row.cells.items()}
        agency, problems = _agency(record, row.location)
        diags.extend(problems)
        if agency is not None:
            agencies.append(agency)
    if diags:
        raise DataError.from_diagnostics(diags)
    return Registry(agencies, source=table.file, complete=complete)


def read_registry(
    path: str | Path, *, limits: Limits | None = None, complete: bool | None = None
) -> Registry:
    """Read an agency registry from YAML (``.yaml``/``.yml``), JSON or CSV.

    Args:
        path: the registry file.
        limits: safety limits, as for survey files.
        complete: whether the registry lists every agency; overrides the file's
            ``complete:`` key (YAML/JSON). A partial registry (``False``) lists only some
            agencies, typically those renamed or merged since last year: survey rows it does
            not know are read as without a registry (their own id, name and block), and its
            agencies without a row are not reported missing.

    Raises:
        DataError: ``E-DATA-REGISTRY`` for malformed entries (all of them are listed),
            ``E-DATA-AGENCY-DUPLICATE`` for an id used twice, file-level errors as for
            survey files.
    """
    path = Path(path)
    limits = limits or DEFAULT_LIMITS
    data = read_bytes(path, limits)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        table = read_delimited(path, data, encoding=None, delimiter=None, limits=limits)
        return _from_table(table, complete is not False)
    if suffix not in (".yaml", ".yml", ".json"):
        raise fatal(
            "E-DATA-FORMAT",
            msg("unknown registry format '{suffix}'", suffix=suffix),
            SourceLocation(file=str(path)),
            msg("use .yaml, .json or .csv"),
        )
    if suffix == ".json":
        doc, locate = load_json_document(path, data, limits=limits)
    else:
        doc, locate, _machine = load_yaml_document(path, data)
    records = doc.get("agencies") if isinstance(doc, dict) else doc
    if not isinstance(records, list):
        raise fatal(
            "E-DATA-REGISTRY",
            msg("a registry is a list of agencies, or a mapping with the list under 'agencies'"),
            locate(()),
        )
    keys = {"agencies", "title", "description", "year", "complete", "synthetic"}
    if isinstance(doc, dict) and set(doc) - keys:
        extra = sorted(set(doc) - keys)
        raise fatal(
            "E-DATA-REGISTRY", msg("unknown key '{key}'", key=extra[0]), locate((extra[0],))
        )
    agencies, diags = [], []
    for index, record in enumerate(records):
        root: tuple[str | int, ...] = ("agencies", index) if isinstance(doc, dict) else (index,)
        loc = locate(root)
        if not isinstance(record, dict):
            diags.append(
                Diagnostic(
                    code="E-DATA-REGISTRY", message=msg("an agency is a mapping"), location=loc
                )
            )
            continue
        dups = getattr(record, "duplicates", ())
        if dups:
            diags.append(
                Diagnostic(
                    code="E-DATA-REGISTRY",
                    message=msg("key '{key}' twice", key=dups[0]),
                    location=loc,
                )
            )
            continue
        agency, problems = _agency(
            {
                k: v if v is None or isinstance(v, str | bool | list) else _plain(v)
                for k, v in record.items()
            },
            loc,
        )
        diags.extend(problems)
        if agency is not None:
            agencies.append(agency)
    if diags:
        raise DataError.from_diagnostics(diags)
    declared = doc.get("complete", True) if isinstance(doc, dict) else True
    if complete is None:
        try:
            flag = _flag(declared) if isinstance(declared, str | bool) else None
        except ValueError:
            flag = None
        if flag is None:
            raise fatal(
                "E-DATA-REGISTRY",
                msg("'complete' is true or false"),
                locate(("complete",)),
            )
        complete = flag
    said = doc.get("synthetic", False) if isinstance(doc, dict) else False
    try:
        synthetic = _flag(said) if isinstance(said, str | bool) else None
    except ValueError:
        synthetic = None
    if synthetic is None:
        raise fatal("E-DATA-REGISTRY", msg("'synthetic' is true or false"), locate(("synthetic",)))
    return Registry(agencies, source=str(path), complete=complete, synthetic=synthetic)


def _plain(value: Any) -> Any:
    return value if isinstance(value, str | bool) else str(value)
