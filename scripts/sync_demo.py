"""Copy the demo's rule file and example data into the package (``udcntt/_demo``).

``udcntt demo`` must work from an installed wheel, where ``rules/`` and ``examples/`` are not
present, so the package carries copies. ``tests/test_demo.py`` fails when they differ from
the originals; run ``python scripts/sync_demo.py`` after editing them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "src" / "udcntt" / "_demo"
FILES = {
    "lam-dong-2017.yaml": ROOT / "rules" / "lam-dong-2017.yaml",
    "agencies.yaml": ROOT / "examples" / "lam-dong" / "agencies.yaml",
    "survey-2016.csv": ROOT / "examples" / "lam-dong" / "survey-2016.csv",
    "survey-2017.csv": ROOT / "examples" / "lam-dong" / "survey-2017.csv",
    # udcntt demo --example lam-dong-2025 (synthetic; see examples/lam-dong-2025/make_data.py)
    "commune-2025.yaml": ROOT / "rules" / "commune-2025.yaml",
    "lam-dong-2025-agencies.yaml": ROOT / "examples" / "lam-dong-2025" / "agencies.yaml",
    "lam-dong-2025-lineage.yaml": ROOT / "examples" / "lam-dong-2025" / "lineage.yaml",
    "lam-dong-2025-survey-2024.csv": ROOT / "examples" / "lam-dong-2025" / "survey-2024.csv",
    "lam-dong-2025-survey-2025.csv": ROOT / "examples" / "lam-dong-2025" / "survey-2025.csv",
}


def main() -> None:
    TARGET.mkdir(parents=True, exist_ok=True)
    (TARGET / "__init__.py").write_text(
        '"""Copies of the demo\'s rule file and example data."""\n', encoding="utf-8"
    )
    for name, source in FILES.items():
        shutil.copyfile(source, TARGET / name)
        print(f"{source.relative_to(ROOT)} -> {(TARGET / name).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
