"""Build the synthetic merged Lâm Đồng 2025 example for rules/commune-2025.yaml.

SYNTHETIC DATA, NOT AN OFFICIAL LIST OR RESULT. The facts it follows are public: on
01/07/2025 the provinces Lâm Đồng, Đắk Nông and Bình Thuận became the new Lâm Đồng
(Nghị quyết 202/2025/QH15), the district level ended, communes were merged; on 01/03/2025
each province's Sở Thông tin và Truyền thông joined its Sở Khoa học và Công nghệ and other
departments were merged. Everything else is made up: the list of departments and agencies
(a usual one), the communes (named after the former districts, numbered, not their real
names), which former communes form which new one, the shares of the splits, every survey
value, and the 2024 baseline itself (scored with the 2025 rule file, which no province
used in 2024). No randomness: values come from a hash of the unit and indicator, so running
the script again writes byte-identical files.

Writes, next to this script:

* ``lineage.yaml`` — the units of 2024 (departments, agencies and communes of the three
  former provinces) and the dated events to 2025, each with a legal basis;
* ``agencies.yaml`` — the registry of 2025 (departments, other agencies, 121 communes,
  wards and the special zone, two agencies and the special zone surveyed but not ranked);
* ``survey-2024.csv`` and ``survey-2025.csv`` — the synthetic surveys (vi-VN: ``;`` and a
  decimal comma).

Run from the repository root:  python examples/lam-dong-2025/make_data.py
"""

from __future__ import annotations

import csv
import hashlib
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
RULES = ROOT / "rules" / "commune-2025.yaml"
PROVINCES = {
    "ld": (
        "Lâm Đồng",
        [
            "Đà Lạt",
            "Bảo Lộc",
            "Lạc Dương",
            "Đơn Dương",
            "Đức Trọng",
            "Lâm Hà",
            "Đam Rông",
            "Di Linh",
            "Bảo Lâm",
            "Đạ Huoai",
            "Đạ Tẻh",
            "Cát Tiên",
        ],
    ),
    "dn": (
        "Đắk Nông",
        [
            "Gia Nghĩa",
            "Cư Jút",
            "Đắk Mil",
            "Krông Nô",
            "Đắk Song",
            "Đắk R'lấp",
            "Đắk Glong",
            "Tuy Đức",
        ],
    ),
    "bt": (
        "Bình Thuận",
        [
            "Phan Thiết",
            "La Gi",
            "Tuy Phong",
            "Bắc Bình",
            "Hàm Thuận Bắc",
            "Hàm Thuận Nam",
            "Tánh Linh",
            "Đức Linh",
            "Hàm Tân",
        ],
    ),
}
# Departments of 2024 in each former province (id suffix, name); the 2025 events below
# turn them into the departments of the new province.
DEPARTMENTS_2024 = [
    ("van_phong_ubnd", "Văn phòng UBND tỉnh"),
    ("so_noi_vu", "Sở Nội vụ"),
    ("so_tu_phap", "Sở Tư pháp"),
    ("so_tai_chinh", "Sở Tài chính"),
    ("so_ke_hoach_dau_tu", "Sở Kế hoạch và Đầu tư"),
    ("so_cong_thuong", "Sở Công Thương"),
    ("so_nong_nghiep_ptnt", "Sở Nông nghiệp và Phát triển nông thôn"),
    ("so_tai_nguyen_moi_truong", "Sở Tài nguyên và Môi trường"),
    ("so_xay_dung", "Sở Xây dựng"),
    ("so_giao_thong_van_tai", "Sở Giao thông vận tải"),
    ("so_khoa_hoc_cong_nghe", "Sở Khoa học và Công nghệ"),
    ("so_thong_tin_truyen_thong", "Sở Thông tin và Truyền thông"),
    ("so_giao_duc_dao_tao", "Sở Giáo dục và Đào tạo"),
    ("so_y_te", "Sở Y tế"),
    ("so_lao_dong_tbxh", "Sở Lao động - Thương binh và Xã hội"),
    ("so_van_hoa_the_thao_du_lich", "Sở Văn hóa, Thể thao và Du lịch"),
    ("thanh_tra_tinh", "Thanh tra tỉnh"),
    ("ban_dan_toc", "Ban Dân tộc"),
]
DEPARTMENTS_2025 = [
    ("van_phong_ubnd", "Văn phòng UBND tỉnh"),
    ("so_noi_vu", "Sở Nội vụ"),
    ("so_tu_phap", "Sở Tư pháp"),
    ("so_tai_chinh", "Sở Tài chính"),
    ("so_cong_thuong", "Sở Công Thương"),
    ("so_nong_nghiep_moi_truong", "Sở Nông nghiệp và Môi trường"),
    ("so_xay_dung", "Sở Xây dựng"),
    ("so_khoa_hoc_cong_nghe", "Sở Khoa học và Công nghệ"),
    ("so_giao_duc_dao_tao", "Sở Giáo dục và Đào tạo"),
    ("so_y_te", "Sở Y tế"),
    ("so_van_hoa_the_thao_du_lich", "Sở Văn hóa, Thể thao và Du lịch"),
    ("thanh_tra_tinh", "Thanh tra tỉnh"),
    ("so_dan_toc_ton_giao", "Sở Dân tộc và Tôn giáo"),
]
# Other agencies: (id, name, ranked)
AGENCIES = [
    ("bao_hiem_xa_hoi", "Bảo hiểm xã hội tỉnh", True),
    ("thue_tinh", "Thuế tỉnh", True),
    ("kho_bac", "Kho bạc Nhà nước khu vực", True),
    ("thong_ke", "Thống kê tỉnh", True),
    ("cong_an_tinh", "Công an tỉnh", False),
    ("bo_chi_huy_quan_su", "Bộ Chỉ huy Quân sự tỉnh", False),
]
NEW_PER_DISTRICT = 4  # new communes per former district (synthetic)
OLD_PER_NEW = 3  # former communes merged into one new commune (synthetic)

MARCH = "2025-03-01"
JULY = "2025-07-01"
BASIS_MARCH = "Nghị quyết của HĐND tỉnh về tổ chức các cơ quan chuyên môn (01/3/2025; ví dụ)"
BASIS_PROVINCE = "Nghị quyết 202/2025/QH15 về sắp xếp đơn vị hành chính cấp tỉnh"
BASIS_COMMUNE = (
    "Nghị quyết của UBTVQH về sắp xếp đơn vị hành chính cấp xã của tỉnh Lâm Đồng (16/6/2025; ví dụ)"
)


def _h(*parts: str) -> Decimal:
    """A deterministic number in [0, 1) from the parts."""
    digest = hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()
    return Decimal(int(digest[:8], 16)) / Decimal(16**8)


def _round(value: Decimal, places: str = "0.0001") -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _communes() -> tuple[list[dict[str, object]], list[dict[str, object]], list[dict[str, object]]]:
    """Former communes (2024), new communes (2025), and the events between them.

    In each former district, twelve former communes become four new ones: the first eleven
    merge three, three, two and three into the new communes 1 to 4 (in a province's first
    district, one former commune is only renamed into new commune 1 and five merge into
    commune 2), and the twelfth is split between the new communes 3 and 4, half each
    (synthetic shares).
    """
    old: list[dict[str, object]] = []
    new: list[dict[str, object]] = []
    merges: list[dict[str, object]] = []
    splits: list[dict[str, object]] = []
    for p, (_province, districts) in PROVINCES.items():
        for d_index, district in enumerate(districts):
            slug = f"{p}{d_index + 1:02d}"
            olds = [f"{p}_xa_{slug}_{k + 1:02d}" for k in range(NEW_PER_DISTRICT * OLD_PER_NEW)]
            for k, uid in enumerate(olds):
                old.append(
                    {"id": uid, "name": f"Xã {district} {chr(65 + k)} (cũ)", "block": "xa_phuong"}
                )
            groups = [olds[0:3], olds[3:6], olds[6:8], olds[8:11]]
            if d_index == 0:  # the first district's new commune 1 is a former one renamed
                groups = [olds[0:1], olds[1:6], olds[6:8], olds[8:11]]
            for n, members in enumerate(groups):
                kind = "Phường" if n == 0 and d_index < 2 else "Xã"
                uid = f"xa_{slug}_{n + 1}"
                name = f"{kind} {district} {n + 1}"
                new.append({"id": uid, "name": name, "block": "xa_phuong"})
                merges.append(
                    {
                        "date": JULY,
                        "kind": "merge" if len(members) > 1 else "rename",
                        "from": members if len(members) > 1 else members[0],
                        "to": {"id": uid, "name": name},
                        "basis": BASIS_COMMUNE,
                    }
                )
            splits.append(
                {
                    "date": JULY,
                    "kind": "split",
                    "from": olds[11],
                    "to": [
                        {"id": f"xa_{slug}_3", "share": "0.5"},
                        {"id": f"xa_{slug}_4", "share": "0.5"},
                    ],
                    "basis": BASIS_COMMUNE,
                }
            )
    return old, new, [*merges, *splits]


def build() -> dict[str, object]:
    """The lineage document (the units of 2024 and the events of 2025)."""
    units: list[dict[str, object]] = []
    events: list[dict[str, object]] = []
    for p, (province, _) in PROVINCES.items():
        for suffix, name in DEPARTMENTS_2024:
            units.append(
                {"id": f"{p}_{suffix}", "name": f"{name} {province}", "block": "so_ban_nganh"}
            )
        for uid, name, ranked in AGENCIES:
            unit: dict[str, object] = {
                "id": f"{p}_{uid}",
                "name": f"{name} {province}",
                "block": "co_quan_khac",
            }
            if not ranked:
                unit["ranked"] = False
            units.append(unit)
    old_communes, _new, commune_events = _communes()
    units.extend(old_communes)
    for p, (province, _) in PROVINCES.items():
        events.append(
            {
                "date": MARCH,
                "kind": "absorb",
                "from": f"{p}_so_thong_tin_truyen_thong",
                "into": f"{p}_so_khoa_hoc_cong_nghe",
                "basis": BASIS_MARCH,
            }
        )
        events.append(
            {
                "date": MARCH,
                "kind": "absorb",
                "from": f"{p}_so_ke_hoach_dau_tu",
                "into": f"{p}_so_tai_chinh",
                "basis": BASIS_MARCH,
            }
        )
        events.append(
            {
                "date": MARCH,
                "kind": "absorb",
                "from": f"{p}_so_giao_thong_van_tai",
                "into": f"{p}_so_xay_dung",
                "basis": BASIS_MARCH,
            }
        )
        events.append(
            {
                "date": MARCH,
                "kind": "merge",
                "from": [f"{p}_so_nong_nghiep_ptnt", f"{p}_so_tai_nguyen_moi_truong"],
                "to": {
                    "id": f"{p}_so_nong_nghiep_moi_truong",
                    "name": f"Sở Nông nghiệp và Môi trường {province}",
                },
                "basis": BASIS_MARCH,
            }
        )
        events.append(
            {
                "date": MARCH,
                "kind": "split",
                "from": f"{p}_so_lao_dong_tbxh",
                "to": [
                    {"id": f"{p}_so_noi_vu", "share": "0.5"},
                    {"id": f"{p}_so_y_te", "share": "0.3"},
                    {"id": f"{p}_so_giao_duc_dao_tao", "share": "0.2"},
                ],
                "basis": BASIS_MARCH,
            }
        )
        events.append(
            {
                "date": MARCH,
                "kind": "rename",
                "from": f"{p}_ban_dan_toc",
                "to": {
                    "id": f"{p}_so_dan_toc_ton_giao",
                    "name": f"Sở Dân tộc và Tôn giáo {province}",
                },
                "basis": BASIS_MARCH,
            }
        )
    for suffix, name in DEPARTMENTS_2025:
        events.append(
            {
                "date": JULY,
                "kind": "merge",
                "from": [f"{p}_{suffix}" for p in PROVINCES],
                "to": {
                    "id": suffix,
                    "name": f"{name} tỉnh Lâm Đồng" if name.startswith("Sở") else name,
                },
                "basis": BASIS_PROVINCE,
            }
        )
    for uid, name, _ranked in AGENCIES:
        events.append(
            {
                "date": JULY,
                "kind": "merge",
                "from": [f"{p}_{uid}" for p in PROVINCES],
                "to": {"id": uid, "name": name},
                "basis": BASIS_PROVINCE,
            }
        )
    # Merges first: the splits then give the new communes 3 and 4 half a former commune each.
    events.extend(commune_events)
    events.append(
        {
            "date": JULY,
            "kind": "create",
            "to": {
                "id": "dac_khu_phu_quy",
                "name": "Đặc khu Phú Quý",
                "block": "xa_phuong",
                "ranked": False,
            },
            "basis": BASIS_COMMUNE,
        }
    )
    return {
        "title": "Tỉnh Lâm Đồng (mới): đơn vị năm 2024 của ba tỉnh và các sự kiện năm 2025 — GIẢ LẬP",
        "description": "SYNTHETIC EXAMPLE, NOT AN OFFICIAL LIST (examples/lam-dong-2025/make_data.py).",
        "synthetic": True,
        "units": units,
        "events": events,
        "baseline": {"total": "mean", "levels": {1: "mean"}},
    }


def _indicators() -> dict[str, dict[str, object]]:
    rules = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    return dict(rules["indicators"])


def _level(uid: str, year: int) -> Decimal:
    """A unit's synthetic level in [0.35, 0.95]."""
    return Decimal("0.35") + Decimal("0.6") * _h("level", uid, str(year))


def _value(uid: str, ind: str, spec: dict[str, object], q: Decimal) -> str:
    jitter = (_h(uid, ind) - Decimal("0.5")) * Decimal("0.3")
    x = min(Decimal(1), max(Decimal(0), q + jitter))
    kind = spec["type"]
    if kind == "ratio":
        return str(_round(x, "0.01")).replace(".", ",")
    if kind == "bool":
        return "Có" if x >= Decimal("0.45") else "Không"
    # counts: scaled to the indicator's bands
    scale = {
        "hop_bcd": 6,
        "tuyen_truyen": 36,
        "wifi_cong_cong": 8,
        "to_cong_nghe_so": 30,
        "dao_tao_nguoi_dan": 800,
        "doanh_nghiep_so": 5,
    }[ind]
    return str(int(_round(x * scale, "1")))


def _applies(spec: dict[str, object], block: str) -> bool:
    blocks = spec.get("blocks")
    return blocks is None or block in blocks  # type: ignore[operator]


def _write_survey(path: Path, rows: list[dict[str, object]], year: int) -> None:
    indicators = _indicators()
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\n")
        w.writerow(["agency_id", "name", "block", *indicators])
        for row in rows:
            uid, block = str(row["id"]), str(row["block"])
            q = _level(uid, year)
            cells = [
                _value(uid, ind, spec, q) if _applies(spec, block) else ""
                for ind, spec in indicators.items()
            ]
            w.writerow([uid, row["name"], block, *cells])


def main() -> None:
    lineage = build()
    header = (
        "# SYNTHETIC EXAMPLE, NOT AN OFFICIAL LIST: written by make_data.py (see its docstring).\n"
    )
    (HERE / "lineage.yaml").write_text(
        header + yaml.safe_dump(lineage, allow_unicode=True, sort_keys=False, width=100),
        encoding="utf-8",
    )
    units_2024 = lineage["units"]  # type: ignore[index]
    agencies: list[dict[str, object]] = []
    for suffix, name in DEPARTMENTS_2025:
        agencies.append(
            {
                "id": suffix,
                "name": f"{name} tỉnh Lâm Đồng" if name.startswith("Sở") else name,
                "block": "so_ban_nganh",
            }
        )
    for uid, name, ranked in AGENCIES:
        agency: dict[str, object] = {"id": uid, "name": name, "block": "co_quan_khac"}
        if not ranked:
            agency["ranked"] = False
        agencies.append(agency)
    _old, new_communes, _events = _communes()
    agencies.extend(new_communes)
    agencies.append(
        {"id": "dac_khu_phu_quy", "name": "Đặc khu Phú Quý", "block": "xa_phuong", "ranked": False}
    )
    registry = {
        "title": "Danh mục đơn vị tỉnh Lâm Đồng (mới), 2025 — GIẢ LẬP",
        "description": "SYNTHETIC EXAMPLE, NOT AN OFFICIAL LIST (examples/lam-dong-2025/make_data.py).",
        "year": "2025",
        "synthetic": True,
        "agencies": agencies,
    }
    (HERE / "agencies.yaml").write_text(
        header + yaml.safe_dump(registry, allow_unicode=True, sort_keys=False, width=100),
        encoding="utf-8",
    )
    _write_survey(HERE / "survey-2024.csv", units_2024, 2024)  # type: ignore[arg-type]
    _write_survey(HERE / "survey-2025.csv", agencies, 2025)
    print(f"{len(units_2024)} units in 2024, {len(agencies)} in 2025")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
