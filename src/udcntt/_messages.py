"""The Vietnamese catalogue of diagnostic messages.

Diagnostics are written in English with :func:`udcntt.errors.msg`; this module maps each
English template to its Vietnamese rendering with the same ``{fields}``. A test extracts
every ``msg("…")`` template from the source and checks that it has an entry here with the
same fields, so a new message cannot ship untranslated.

Names of indicators, criteria, agencies and values are quoted as the files wrote them and
are never translated.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["VI", "translate"]

#: English template → Vietnamese template.
VI: dict[str, str] = {
    "did you mean '{name}'?": "có phải ý bạn là '{name}'?",
}


def translate(template: str, args: Mapping[str, str], lang: str) -> str | None:
    """``template`` rendered in ``lang`` with ``args``, or ``None`` without a translation."""
    if lang != "vi":
        return None
    target = VI.get(template)
    return None if target is None else target.format(**args)
