"""The ``udcntt`` command line (``python -m udcntt`` works too)."""

from udcntt.cli._main import (
    EXIT_INTERNAL,
    EXIT_NOTHING_SCORED,
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    build_parser,
    main,
)

__all__ = [
    "EXIT_INTERNAL",
    "EXIT_NOTHING_SCORED",
    "EXIT_OK",
    "EXIT_PROBLEMS",
    "EXIT_USAGE",
    "build_parser",
    "main",
]
