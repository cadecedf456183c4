"""Helpers shared by the survey-data tests: a small rule set and a file writer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"

RULES: dict[str, Any] = {
    "id": "demo",
    "title": "Bộ chỉ số thử nghiệm",
    "blocks": {
        "so_nganh": {"label": "Khối sở, ban, ngành"},
        "huyen": {"label": "Khối UBND huyện"},
    },
    "indicators": {
        "staff_total": {"label": "Tổng số cán bộ", "type": "count", "unit": "người"},
        "staff_pc": {
            "label": "Số cán bộ có máy tính",
            "type": "count",
            "aliases": ["CB có máy tính"],
        },
        "pc_ratio": {"label": "Tỷ lệ máy tính", "type": "ratio"},
        "bandwidth": {
            "label": "Băng thông",
            "type": "number",
            "unit": "Mbps",
            "range": ["0", "10000"],
        },
        "portal": {"label": "Có cổng thông tin", "type": "bool", "evidence": "required"},
        "leader": {
            "label": "Lãnh đạo phụ trách",
            "type": "category",
            "categories": {"chu_tich": "Chủ tịch", "pho_chu_tich": "Phó Chủ tịch"},
        },
        "plan_date": {
            "label": "Ngày ban hành kế hoạch",
            "type": "date",
            "not_applicable": True,
        },
        "online_services": {
            "label": "Dịch vụ công trực tuyến",
            "type": "count",
            "blocks": ["huyen"],
            "not_applicable": True,
        },
    },
    "relations": ["staff_pc <= staff_total"],
    "criteria": [{"id": "c1", "label": "Hạ tầng", "max": "10", "points": "10 * pc_ratio"}],
    "tiers": {"levels": [{"id": "tot", "label": "Tốt", "min": "0"}]},
}


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` and return the path."""
    path.write_bytes(text.encode(encoding))
    return path
