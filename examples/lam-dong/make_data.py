"""Build the synthetic Lâm Đồng surveys of 2016 and 2017 for rules/lam-dong-2017.yaml.

SYNTHETIC DATA. The founding article (Báo Lâm Đồng, 27/03/2018) publishes no scores: only
the tiers of 2017, the rank changes against 2016 and a few province-wide figures. This
script derives two surveys that reproduce exactly what it publishes:

1. It fixes the 2017 order of every block and the 2016 order implied by the published
   rank changes (rank change = rank 2016 − rank 2017, ranks within the block), and gives
   every agency a target total for each year: targets are well apart (no ties) and away
   from the tier thresholds (Tốt ≥ 80 %, Khá ≥ 65 % of the block's maximum).
2. It fixes the "structural" indicators whose sums are the article's province figures
   (IT staff and their qualification, one-stop shop, procedures and online services,
   communes), hand-written in the tables below.
3. It fills the remaining indicators so that the agency's total under the rule file comes
   within a few thousandths of its target: infrastructure high for everyone (the article
   says all three blocks scored high on it), a website for everyone, then the discrete
   criteria (bands, lookup, per-item) at the level the target implies, then continuous
   ratios, the share of documents sent electronically taking up the last remainder at a
   fine grain.
4. It scores both surveys with an exact mirror of the rule file, checks orders, tiers, rank
   changes and province figures, and, when the udcntt package can be imported, scores them
   again with udcntt itself. Then it writes survey-2016.csv and survey-2017.csv.

Run from the repository root:  python examples/lam-dong/make_data.py [--out DIR]
(``--out`` writes the two CSV files elsewhere, e.g. to compare them with the shipped ones).
The output is deterministic (no randomness): the same script gives byte-identical files.
"""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
RULES = ROOT / "rules" / "lam-dong-2017.yaml"

D = Decimal
BLOCK_MAX = {"so_ban_nganh": D(100), "co_quan_khac": D(80), "ubnd_huyen": D(110)}
TOT, KHA = D("0.80"), D("0.65")

# --------------------------------------------------------------------------------------
# 1. Orders and targets.
# Each block lists agency ids in their 2017 order with (target 2017, rank 2016, target 2016).
# The 2016 ranks follow from the published rank changes; an agency the article does not
# mention keeps its rank, except Đức Trọng (see README: the published huyện changes add up
# to +1, so one unmentioned huyện must have fallen one place).
# --------------------------------------------------------------------------------------

SO = [  # 2017 rank: id, target 2017, rank 2016, target 2016
    ("so_tai_chinh", "90.40", 1, "81.20"),
    ("so_thong_tin_truyen_thong", "88.10", 2, "78.50"),
    ("van_phong_ubnd_tinh", "85.70", 3, "75.90"),
    ("so_giao_duc_dao_tao", "82.60", 4, "73.40"),
    ("so_cong_thuong", "79.20", 9, "67.00"),  # +4
    ("so_noi_vu", "78.30", 6, "70.00"),
    ("so_y_te", "77.40", 7, "69.00"),
    ("so_tai_nguyen_moi_truong", "76.50", 8, "68.00"),
    ("so_ngoai_vu", "75.60", 5, "71.00"),  # -4
    ("so_ke_hoach_dau_tu", "74.70", 11, "65.00"),  # +1
    ("so_van_hoa_the_thao_du_lich", "73.80", 12, "64.00"),  # +1
    ("thanh_tra_tinh", "72.90", 13, "63.00"),  # +1
    ("so_khoa_hoc_cong_nghe", "72.00", 10, "66.00"),  # -3
    ("so_giao_thong_van_tai", "71.10", 16, "60.00"),  # +2
    ("so_xay_dung", "70.20", 14, "62.00"),  # -1
    ("so_tu_phap", "69.30", 15, "61.00"),  # -1
    ("ban_quan_ly_cac_khu_cong_nghiep", "68.40", 18, "58.00"),  # +1
    ("so_nong_nghiep_ptnt", "67.50", 17, "59.00"),  # -1
    ("so_lao_dong_tbxh", "66.60", 19, "57.00"),
    ("ban_dan_toc", "61.50", 20, "50.30"),
]

CQK = [  # same order in both years: the article gives no rank change for this block
    ("cuc_thue", "67.60", 1, "58.10"),
    ("bao_hiem_xa_hoi", "61.80", 2, "53.20"),
    ("kho_bac_nha_nuoc", "59.30", 3, "50.60"),
    ("chi_cuc_hai_quan", "56.70", 4, "48.00"),
    ("cuc_thong_ke", "54.20", 5, "45.90"),
    ("van_phong_hdnd_tinh", "50.10", 6, "42.30"),
    ("vien_kiem_sat_nhan_dan", "47.40", 7, "39.80"),
    ("toa_an_nhan_dan", "44.60", 8, "37.10"),
    ("dai_phat_thanh_truyen_hinh", "41.90", 9, "34.60"),
    ("vuon_quoc_gia_bidoup_nui_ba", "38.50", 10, "31.40"),
    ("ban_quan_ly_khu_du_lich_tuyen_lam", "35.20", 11, "27.70"),
]

HUYEN = [
    ("ubnd_tp_da_lat", "96.30", 1, "86.20"),
    ("ubnd_tp_bao_loc", "86.40", 3, "76.00"),  # +1
    ("ubnd_huyen_duc_trong", "84.90", 2, "77.50"),  # -1 (not in the article; see README)
    ("ubnd_huyen_don_duong", "83.30", 4, "74.40"),
    ("ubnd_huyen_di_linh", "81.60", 10, "64.30"),  # +5
    ("ubnd_huyen_da_teh", "80.00", 7, "69.60"),  # +1
    ("ubnd_huyen_lac_duong", "78.50", 8, "67.80"),  # +1
    ("ubnd_huyen_da_huoai", "76.90", 9, "66.00"),  # +1
    ("ubnd_huyen_bao_lam", "75.20", 12, "58.50"),  # +3
    ("ubnd_huyen_cat_tien", "73.60", 5, "72.90"),  # -5
    ("ubnd_huyen_dam_rong", "69.40", 11, "61.20"),
    ("ubnd_huyen_lam_ha", "66.80", 6, "71.10"),  # -6
]

BLOCKS = {"so_ban_nganh": SO, "co_quan_khac": CQK, "ubnd_huyen": HUYEN}

# --------------------------------------------------------------------------------------
# 2. Structural indicators.
# --------------------------------------------------------------------------------------

# Total staff (CBCCVC) per agency, both years.
STAFF = {
    "so_tai_chinh": 78,
    "so_thong_tin_truyen_thong": 52,
    "van_phong_ubnd_tinh": 95,
    "so_giao_duc_dao_tao": 88,
    "so_cong_thuong": 84,
    "so_noi_vu": 92,
    "so_y_te": 110,
    "so_tai_nguyen_moi_truong": 126,
    "so_ngoai_vu": 31,
    "so_ke_hoach_dau_tu": 67,
    "so_van_hoa_the_thao_du_lich": 74,
    "thanh_tra_tinh": 42,
    "so_khoa_hoc_cong_nghe": 58,
    "so_giao_thong_van_tai": 81,
    "so_xay_dung": 63,
    "so_tu_phap": 49,
    "ban_quan_ly_cac_khu_cong_nghiep": 36,
    "so_nong_nghiep_ptnt": 143,
    "so_lao_dong_tbxh": 71,
    "ban_dan_toc": 29,
    "cuc_thue": 215,
    "bao_hiem_xa_hoi": 132,
    "kho_bac_nha_nuoc": 96,
    "chi_cuc_hai_quan": 38,
    "cuc_thong_ke": 64,
    "van_phong_hdnd_tinh": 33,
    "vien_kiem_sat_nhan_dan": 57,
    "toa_an_nhan_dan": 61,
    "dai_phat_thanh_truyen_hinh": 118,
    "vuon_quoc_gia_bidoup_nui_ba": 87,
    "ban_quan_ly_khu_du_lich_tuyen_lam": 45,
    "ubnd_tp_da_lat": 246,
    "ubnd_tp_bao_loc": 198,
    "ubnd_huyen_duc_trong": 187,
    "ubnd_huyen_don_duong": 154,
    "ubnd_huyen_di_linh": 176,
    "ubnd_huyen_da_teh": 139,
    "ubnd_huyen_lac_duong": 121,
    "ubnd_huyen_da_huoai": 133,
    "ubnd_huyen_bao_lam": 158,
    "ubnd_huyen_cat_tien": 137,
    "ubnd_huyen_dam_rong": 128,
    "ubnd_huyen_lam_ha": 169,
}

# IT staff (cán bộ chuyên trách CNTT): (total, college or higher). 2017 sums: 129 / 120.
IT_STAFF_2017 = {
    "so_tai_chinh": (4, 4),
    "so_thong_tin_truyen_thong": (8, 8),
    "van_phong_ubnd_tinh": (5, 5),
    "so_giao_duc_dao_tao": (4, 4),
    "so_cong_thuong": (3, 3),
    "so_noi_vu": (3, 3),
    "so_y_te": (4, 4),
    "so_tai_nguyen_moi_truong": (4, 4),
    "so_ngoai_vu": (2, 2),
    "so_ke_hoach_dau_tu": (3, 3),
    "so_van_hoa_the_thao_du_lich": (3, 3),
    "thanh_tra_tinh": (2, 2),
    "so_khoa_hoc_cong_nghe": (3, 3),
    "so_giao_thong_van_tai": (3, 3),
    "so_xay_dung": (2, 2),
    "so_tu_phap": (2, 2),
    "ban_quan_ly_cac_khu_cong_nghiep": (2, 1),
    "so_nong_nghiep_ptnt": (3, 3),
    "so_lao_dong_tbxh": (2, 2),
    "ban_dan_toc": (1, 0),
    "cuc_thue": (7, 7),
    "bao_hiem_xa_hoi": (5, 5),
    "kho_bac_nha_nuoc": (4, 4),
    "chi_cuc_hai_quan": (3, 3),
    "cuc_thong_ke": (3, 3),
    "van_phong_hdnd_tinh": (1, 1),
    "vien_kiem_sat_nhan_dan": (2, 2),
    "toa_an_nhan_dan": (2, 2),
    "dai_phat_thanh_truyen_hinh": (3, 2),
    "vuon_quoc_gia_bidoup_nui_ba": (1, 0),
    "ban_quan_ly_khu_du_lich_tuyen_lam": (1, 0),
    "ubnd_tp_da_lat": (5, 5),
    "ubnd_tp_bao_loc": (4, 4),
    "ubnd_huyen_duc_trong": (3, 3),
    "ubnd_huyen_don_duong": (3, 3),
    "ubnd_huyen_di_linh": (3, 3),
    "ubnd_huyen_da_teh": (3, 2),
    "ubnd_huyen_lac_duong": (2, 2),
    "ubnd_huyen_da_huoai": (2, 2),
    "ubnd_huyen_bao_lam": (3, 2),
    "ubnd_huyen_cat_tien": (2, 2),
    "ubnd_huyen_dam_rong": (2, 1),
    "ubnd_huyen_lam_ha": (2, 1),
}
# 2016: the same, except that the huyện still had more IT staff (the article: the number
# fell in 2017 because the huyện culture-and-information offices cut IT posts).
IT_STAFF_2016 = dict(IT_STAFF_2017)
IT_STAFF_2016.update(
    {
        "ubnd_tp_da_lat": (6, 6),
        "ubnd_huyen_duc_trong": (4, 3),
        "ubnd_huyen_di_linh": (4, 3),
        "ubnd_huyen_lac_duong": (3, 2),
        "ubnd_huyen_da_huoai": (3, 2),
        "ubnd_huyen_cat_tien": (3, 3),
        "ubnd_huyen_dam_rong": (3, 1),
        "ubnd_huyen_lam_ha": (3, 2),
    }
)

# Procedures on the one-stop system 2017: (total, level 3, level 4); sums 1537 / 507 / 119.
# The two sở without the one-stop shop in 2017 (18/20) are Thanh tra tỉnh and Ban Dân tộc.
PROCEDURES_2017 = {
    "so_tai_chinh": (45, 30, 10),
    "so_thong_tin_truyen_thong": (40, 25, 12),
    "van_phong_ubnd_tinh": (10, 6, 2),
    "so_giao_duc_dao_tao": (70, 35, 10),
    "so_cong_thuong": (95, 45, 14),
    "so_noi_vu": (85, 28, 5),
    "so_y_te": (120, 30, 6),
    "so_tai_nguyen_moi_truong": (95, 24, 4),
    "so_ngoai_vu": (10, 4, 0),
    "so_ke_hoach_dau_tu": (95, 40, 8),
    "so_van_hoa_the_thao_du_lich": (100, 30, 5),
    "thanh_tra_tinh": (6, 0, 0),
    "so_khoa_hoc_cong_nghe": (50, 15, 3),
    "so_giao_thong_van_tai": (100, 35, 10),
    "so_xay_dung": (60, 18, 4),
    "so_tu_phap": (110, 30, 6),
    "ban_quan_ly_cac_khu_cong_nghiep": (35, 10, 2),
    "so_nong_nghiep_ptnt": (90, 20, 3),
    "so_lao_dong_tbxh": (70, 14, 2),
    "ban_dan_toc": (4, 0, 0),
    "ubnd_tp_da_lat": (30, 12, 4),
    "ubnd_tp_bao_loc": (25, 9, 2),
    "ubnd_huyen_duc_trong": (22, 7, 1),
    "ubnd_huyen_don_duong": (20, 5, 1),
    "ubnd_huyen_di_linh": (22, 6, 1),
    "ubnd_huyen_da_teh": (18, 5, 1),
    "ubnd_huyen_lac_duong": (16, 4, 1),
    "ubnd_huyen_da_huoai": (18, 5, 1),
    "ubnd_huyen_bao_lam": (20, 5, 1),
    "ubnd_huyen_cat_tien": (18, 4, 0),
    "ubnd_huyen_dam_rong": (18, 3, 0),
    "ubnd_huyen_lam_ha": (20, 3, 0),
}
NO_ONE_STOP_2017 = {"thanh_tra_tinh", "ban_dan_toc"}
NO_ONE_STOP_2016 = {"thanh_tra_tinh", "ban_dan_toc", "so_lao_dong_tbxh", "so_nong_nghiep_ptnt"}
# 2016 online services: level 3 + level 4 = 626 − 375 = 251 (the article: "tăng 375").
LEVEL34_2016 = 251

# Communes (xã, phường, thị trấn) per huyện and those with the one-stop shop: 147 / 49 in 2017.
COMMUNES = {
    "ubnd_tp_da_lat": 16,
    "ubnd_tp_bao_loc": 11,
    "ubnd_huyen_duc_trong": 15,
    "ubnd_huyen_don_duong": 10,
    "ubnd_huyen_di_linh": 19,
    "ubnd_huyen_da_teh": 10,
    "ubnd_huyen_lac_duong": 6,
    "ubnd_huyen_da_huoai": 10,
    "ubnd_huyen_bao_lam": 14,
    "ubnd_huyen_cat_tien": 12,
    "ubnd_huyen_dam_rong": 8,
    "ubnd_huyen_lam_ha": 16,
}
COMMUNES_ONE_STOP_2017 = {
    "ubnd_tp_da_lat": 16,
    "ubnd_tp_bao_loc": 11,
    "ubnd_huyen_duc_trong": 5,
    "ubnd_huyen_don_duong": 3,
    "ubnd_huyen_di_linh": 3,
    "ubnd_huyen_da_teh": 2,
    "ubnd_huyen_lac_duong": 2,
    "ubnd_huyen_da_huoai": 2,
    "ubnd_huyen_bao_lam": 2,
    "ubnd_huyen_cat_tien": 1,
    "ubnd_huyen_dam_rong": 1,
    "ubnd_huyen_lam_ha": 1,
}
COMMUNES_ONE_STOP_2016 = {
    "ubnd_tp_da_lat": 12,
    "ubnd_tp_bao_loc": 8,
    "ubnd_huyen_duc_trong": 3,
    "ubnd_huyen_don_duong": 2,
    "ubnd_huyen_di_linh": 1,
    "ubnd_huyen_da_teh": 1,
    "ubnd_huyen_lac_duong": 1,
    "ubnd_huyen_da_huoai": 1,
    "ubnd_huyen_bao_lam": 0,
    "ubnd_huyen_cat_tien": 2,
    "ubnd_huyen_dam_rong": 0,
    "ubnd_huyen_lam_ha": 2,
}

# The province figures the article states, checked against the 2017 survey.
PROVINCE_2017 = {
    "it_staff": 129,
    "it_staff_college": 120,
    "one_stop_so": (18, 20),
    "one_stop_huyen": (12, 12),
    "communes": (49, 147),
    "procedures_total": 1537,
    "procedures_level3": 507,
    "procedures_level4": 119,
}

COLUMNS = [
    "staff_total",
    "staff_with_pc",
    "has_lan",
    "has_broadband",
    "has_firewall",
    "has_backup",
    "antivirus_pcs",
    "it_staff",
    "it_staff_college",
    "staff_trained",
    "doc_system_use",
    "docs_sent_total",
    "docs_sent_electronic",
    "docs_signed",
    "staff_using_email",
    "specialised_apps",
    "has_website",
    "website_directive_posts",
    "one_stop_shop",
    "procedures_total",
    "procedures_level3",
    "procedures_level4",
    "communes_total",
    "communes_one_stop",
]
SERVICE_COLUMNS = {"one_stop_shop", "procedures_total", "procedures_level3", "procedures_level4"}
COMMUNE_COLUMNS = {"communes_total", "communes_one_stop"}


def _procedures_2016() -> dict[str, tuple[int, int, int]]:
    """2016 online services: fewer, summing to level 3 + level 4 = 251 (deterministic)."""
    out: dict[str, tuple[int, int, int]] = {}
    for aid, (total, l3, l4) in PROCEDURES_2017.items():
        if aid in NO_ONE_STOP_2016:
            out[aid] = (total, 0, 0)
        else:
            out[aid] = (total, (l3 * 2) // 5, l4 // 4)
    short = LEVEL34_2016 - sum(l3 + l4 for _, l3, l4 in out.values())
    # Spread the remainder over the agencies with most level-3 services, one each, in a
    # fixed order (largest 2017 level 3 first, then id).
    order = sorted(
        (a for a in out if a not in NO_ONE_STOP_2016), key=lambda a: (-PROCEDURES_2017[a][1], a)
    )
    i = 0
    while short > 0:
        aid = order[i % len(order)]
        total, l3, l4 = out[aid]
        if l3 + l4 < total:
            out[aid] = (total, l3 + 1, l4)
            short -= 1
        i += 1
    return out


# --------------------------------------------------------------------------------------
# 3. Mirror of rules/lam-dong-2017.yaml (exact decimals) and the filling of free criteria.
# --------------------------------------------------------------------------------------


def _capped(a: Decimal, b: Decimal) -> Decimal:
    if b == 0:
        return D(0)
    return min(max(a / b, D(0)), D(1))


def _bands(x: Decimal, steps: list[tuple[int, int]]) -> Decimal:
    for bound, pts in steps:
        if x >= bound:
            return D(pts)
    return D(0)


POSTS_STEPS = [(48, 6), (24, 4), (12, 2)]
LEVEL4_STEPS = [(10, 6), (5, 4), (1, 2)]


def score(row: dict[str, object], block: str) -> dict[str, Decimal]:
    """Points per criterion and the total, exactly as the rule file gives them."""
    v = {
        k: (D(x) if isinstance(x, int | Decimal) and not isinstance(x, bool) else x)
        for k, x in row.items()
    }
    p: dict[str, Decimal] = {}
    p["may_tinh"] = _capped(v["staff_with_pc"], v["staff_total"]) * 8
    p["ket_noi_mang"] = D(2 * bool(v["has_lan"]) + 2 * bool(v["has_broadband"]))
    p["an_toan_thong_tin"] = (
        D(3 * bool(v["has_firewall"]) + 3 * bool(v["has_backup"]))
        + _capped(v["antivirus_pcs"], v["staff_with_pc"]) * 2
    )
    p["can_bo_chuyen_trach"] = _bands(v["it_staff"], [(2, 5), (1, 3)])
    p["trinh_do_chuyen_trach"] = (
        (v["it_staff_college"] / v["it_staff"] * 5) if v["it_staff"] else D(0)
    )
    p["dao_tao_cbcc"] = _capped(v["staff_trained"], v["staff_total"]) * 5
    p["quan_ly_van_ban"] = {"toan_bo": D(8), "mot_phan": D(4)}.get(v["doc_system_use"], D(0))
    p["van_ban_dien_tu"] = _capped(v["docs_sent_electronic"], v["docs_sent_total"]) * 10
    p["chu_ky_so"] = _capped(v["docs_signed"], v["docs_sent_total"]) * 7
    p["thu_dien_tu"] = _capped(v["staff_using_email"], v["staff_total"]) * 5
    p["phan_mem_chuyen_nganh"] = min(v["specialised_apps"] * 1, D(5))
    p["co_trang_ttdt"] = D(4 * bool(v["has_website"]))
    p["thong_tin_chi_dao_dieu_hanh"] = _bands(v["website_directive_posts"], POSTS_STEPS)
    if block != "co_quan_khac":
        p["mot_cua_dien_tu"] = D(6 * bool(v["one_stop_shop"]))
        p["dvc_muc_do_3_4"] = (
            _capped(v["procedures_level3"] + v["procedures_level4"], v["procedures_total"]) * 8
        )
        p["dvc_muc_do_4"] = _bands(v["procedures_level4"], LEVEL4_STEPS)
    if block == "ubnd_huyen":
        p["mot_cua_cap_xa"] = _capped(v["communes_one_stop"], v["communes_total"]) * 10
    total = sum(p.values(), D(0)).quantize(D("0.01"), ROUND_HALF_UP)
    p["total"] = total
    p["share"] = (total / BLOCK_MAX[block]).quantize(D("0.0001"), ROUND_HALF_UP)
    return p


def _stable(aid: str, salt: str, modulo: int) -> int:
    """A small deterministic variation per agency (no randomness, no hash seed)."""
    n = 0
    for ch in aid + "/" + salt:
        n = (n * 131 + ord(ch)) % 1_000_003
    return n % modulo


@dataclass
class Built:
    aid: str
    block: str
    year: int
    target: Decimal
    row: dict[str, object] = field(default_factory=dict)


def build(aid: str, block: str, year: int, target: Decimal) -> Built:
    """Indicator values giving ``target`` points (within a few thousandths)."""
    staff = STAFF[aid]
    it_total, it_college = (IT_STAFF_2017 if year == 2017 else IT_STAFF_2016)[aid]
    row: dict[str, object] = {
        "staff_total": staff,
        "it_staff": it_total,
        "it_staff_college": it_college,
    }
    if block != "co_quan_khac":
        procs = PROCEDURES_2017 if year == 2017 else _procedures_2016()
        total, l3, l4 = procs[aid]
        no_shop = NO_ONE_STOP_2017 if year == 2017 else NO_ONE_STOP_2016
        row.update(
            {
                "one_stop_shop": aid not in no_shop,
                "procedures_total": total,
                "procedures_level3": l3,
                "procedures_level4": l4,
            }
        )
    if block == "ubnd_huyen":
        ones = COMMUNES_ONE_STOP_2017 if year == 2017 else COMMUNES_ONE_STOP_2016
        row.update({"communes_total": COMMUNES[aid], "communes_one_stop": ones[aid]})

    # Points fixed by the structural indicators.
    fixed = _bands(D(it_total), [(2, 5), (1, 3)]) + (
        D(it_college) / D(it_total) * 5 if it_total else D(0)
    )
    if block != "co_quan_khac":
        fixed += D(6 * bool(row["one_stop_shop"]))
        fixed += (
            _capped(
                D(row["procedures_level3"]) + D(row["procedures_level4"]),
                D(row["procedures_total"]),
            )
            * 8
        )
        fixed += _bands(D(row["procedures_level4"]), LEVEL4_STEPS)
    if block == "ubnd_huyen":
        fixed += _capped(D(row["communes_one_stop"]), D(row["communes_total"])) * 10
    # Infrastructure first. The article: "hạ tầng kỹ thuật ... cả 3 khối đều đạt điểm số
    # cao", with firewalls and backup everywhere; in 2017 every unit has LAN, broadband,
    # firewall and backup, and 85-100 % of staff have a computer. 2016 was a little lower.
    block_max = BLOCK_MAX[block]
    grade = min(max((target / block_max - D("0.40")) / D("0.55"), D(0)), D(1))
    staff_d = D(staff)

    def count_for(share: Decimal, of: int) -> int:
        return int((share * of).to_integral_value(ROUND_FLOOR))

    if year == 2017:
        row.update(
            {"has_lan": True, "has_broadband": True, "has_firewall": True, "has_backup": True}
        )
        pc = count_for(D("0.85") + D("0.15") * grade, staff)
        antivirus = count_for(D("0.80") + D("0.20") * grade, pc)
    else:
        row.update(
            {
                "has_lan": True,
                "has_broadband": True,
                "has_firewall": True,
                "has_backup": grade >= D("0.35"),
            }
        )
        pc = count_for(D("0.84") + D("0.14") * grade, staff)
        antivirus = count_for(D("0.75") + D("0.25") * grade, pc)
    infra = (
        D(4)
        + D(3 * bool(row["has_firewall"]) + 3 * bool(row["has_backup"]))
        + D(pc) / staff_d * 8
        + D(antivirus) / pc * 2
    )
    # Every unit has a website (the article: "Các đơn vị đều có trang thông tin điện tử").
    row["has_website"] = True
    free = target - fixed - infra - 4
    level = free / 46  # what is left: 19 points of discrete criteria, 27 of ratios
    if not D("0.1") <= level <= D("0.98"):
        raise SystemExit(f"{aid} {year}: target {target} needs {level:.3f} of the free points")

    # Discrete criteria, as (name, options as points): start near the level, then adjust
    # so that the continuous criteria (27 points) are left with a share in [0.15, 0.95].
    discrete = {
        "quan_ly_van_ban": [0, 4, 8],
        "phan_mem_chuyen_nganh": [0, 1, 2, 3, 4, 5],
        "thong_tin_chi_dao_dieu_hanh": [0, 2, 4, 6],
    }
    choice = {}
    for name, options in discrete.items():
        goal = level * options[-1]
        choice[name] = min(options, key=lambda o: (abs(D(o) - goal), o))
    cont_max = D(27)

    def rest() -> Decimal:
        return free - sum((D(c) for c in choice.values()), D(0))

    order = list(discrete)
    guard = 0
    while rest() / cont_max > D("0.95") and guard < 50:
        for name in order:  # raise the first option that can go up
            options = discrete[name]
            i = options.index(choice[name])
            if i + 1 < len(options):
                choice[name] = options[i + 1]
                break
        guard += 1
    while rest() / cont_max < D("0.15") and guard < 100:
        for name in reversed(order):
            options = discrete[name]
            i = options.index(choice[name])
            if i > 0:
                choice[name] = options[i - 1]
                break
        guard += 1
    remaining = rest()
    s = remaining / cont_max
    if not D(0) < s < 1:
        raise SystemExit(f"{aid} {year}: continuous share {s} out of range")

    # Realise the discrete choices as indicator values.
    row["doc_system_use"] = {0: "chua", 4: "mot_phan", 8: "toan_bo"}[choice["quan_ly_van_ban"]]
    apps = choice["phan_mem_chuyen_nganh"]
    row["specialised_apps"] = apps + (_stable(aid, "apps", 3) if apps == 5 else 0)
    posts_pts = choice["thong_tin_chi_dao_dieu_hanh"]
    row["website_directive_posts"] = {0: 4, 2: 12, 4: 24, 6: 48}[posts_pts] + _stable(
        aid, str(year), 10
    )

    # Continuous criteria. Digital signatures grew a lot in 2017 (the article).
    sign_factor = D("0.85") if year == 2017 else D("0.50")
    n_docs = 1500 + 40 * staff + 100 * _stable(aid, "docs", 10)

    def realise(u: Decimal) -> tuple[int, int, int, Decimal]:
        """Counts at share ``u`` and the points they give (electronic documents excluded)."""
        signed = count_for(min(u * sign_factor, D("0.98")), n_docs)
        trained = count_for(u, staff)
        email = count_for(min(u + D("0.03"), D(1)), staff)
        got = D(signed) / n_docs * 7 + D(trained) / staff_d * 5 + D(email) / staff_d * 5
        return signed, trained, email, got

    # Bisection on a common share u so that the electronic-documents criterion (10
    # points) is left with about u as well; it then takes up the exact remainder.
    lo, hi = D(0), D(1)
    for _ in range(40):
        mid = (lo + hi) / 2
        if realise(mid)[3] + mid * 10 > remaining:
            hi = mid
        else:
            lo = mid
    signed, trained, email, got = realise(lo)
    need = remaining - got  # for the electronic-documents criterion (10 points)
    electronic = int((need / 10 * n_docs).to_integral_value(ROUND_HALF_UP))
    if not signed <= electronic <= n_docs:
        raise SystemExit(
            f"{aid} {year}: electronic documents {electronic} out of [{signed}, {n_docs}]"
        )
    row.update(
        {
            "staff_with_pc": pc,
            "antivirus_pcs": antivirus,
            "staff_trained": trained,
            "docs_sent_total": n_docs,
            "docs_sent_electronic": electronic,
            "docs_signed": signed,
            "staff_using_email": email,
        }
    )
    return Built(aid, block, year, target, row)


# --------------------------------------------------------------------------------------
# 4. Checks and output.
# --------------------------------------------------------------------------------------


def _ranks(scores: dict[str, Decimal]) -> dict[str, int]:
    ordered = sorted(scores.values(), reverse=True)
    return {a: ordered.index(s) + 1 for a, s in scores.items()}


def _tier(share: Decimal) -> str:
    return "tot" if share >= TOT else "kha" if share >= KHA else "trung_binh"


def load_registry() -> dict[str, dict[str, object]]:
    """The agencies (id → name, block) from agencies.yaml, without needing udcntt."""
    data = yaml.safe_load((HERE / "agencies.yaml").read_text(encoding="utf-8"))
    return {a["id"]: a for a in data["agencies"]}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out_dir = Path(args[args.index("--out") + 1]) if "--out" in args else HERE
    registry = load_registry()
    built: dict[int, dict[str, Built]] = {2016: {}, 2017: {}}
    for block, rows in BLOCKS.items():
        for aid, t17, _, t16 in rows:
            if registry[aid]["block"] != block:
                raise SystemExit(f"{aid}: block {block} differs from agencies.yaml")
            built[2017][aid] = build(aid, block, 2017, D(t17))
            built[2016][aid] = build(aid, block, 2016, D(t16))
    if len(built[2017]) != len(registry):
        raise SystemExit("agencies.yaml and the tables list different agencies")

    # Mirror scoring: totals within 0.01 of the targets, orders, tiers and rank changes.
    for block, rows in BLOCKS.items():
        totals = {
            y: {aid: score(built[y][aid].row, block)["total"] for aid, *_ in rows} for y in built
        }
        for y in built:
            for aid in totals[y]:
                if abs(totals[y][aid] - built[y][aid].target) > D("0.01"):
                    raise SystemExit(
                        f"{aid} {y}: total {totals[y][aid]} misses {built[y][aid].target}"
                    )
        r17, r16 = _ranks(totals[2017]), _ranks(totals[2016])
        for i, (aid, _, prev_rank, _) in enumerate(rows, start=1):
            if r17[aid] != i or r16[aid] != prev_rank:
                raise SystemExit(f"{aid}: ranks {r16[aid]} → {r17[aid]}, wanted {prev_rank} → {i}")
        if len(set(totals[2017].values())) != len(rows) or len(set(totals[2016].values())) != len(
            rows
        ):
            raise SystemExit(f"{block}: tied totals")
        counts: dict[str, int] = {}
        for aid in totals[2017]:
            t = _tier((totals[2017][aid] / BLOCK_MAX[block]).quantize(D("0.0001"), ROUND_HALF_UP))
            counts[t] = counts.get(t, 0) + 1
        print(f"{block}: tiers 2017 {counts}")

    # Province figures.
    rows17 = [b.row | {"block": b.block} for b in built[2017].values()]
    figures = {
        "it_staff": sum(r["it_staff"] for r in rows17),
        "it_staff_college": sum(r["it_staff_college"] for r in rows17),
        "one_stop_so": (
            sum(1 for r in rows17 if r["block"] == "so_ban_nganh" and r["one_stop_shop"]),
            sum(1 for r in rows17 if r["block"] == "so_ban_nganh"),
        ),
        "one_stop_huyen": (
            sum(1 for r in rows17 if r["block"] == "ubnd_huyen" and r["one_stop_shop"]),
            sum(1 for r in rows17 if r["block"] == "ubnd_huyen"),
        ),
        "communes": (
            sum(r.get("communes_one_stop", 0) for r in rows17),
            sum(r.get("communes_total", 0) for r in rows17),
        ),
        "procedures_total": sum(r.get("procedures_total", 0) for r in rows17),
        "procedures_level3": sum(r.get("procedures_level3", 0) for r in rows17),
        "procedures_level4": sum(r.get("procedures_level4", 0) for r in rows17),
    }
    if figures != PROVINCE_2017:
        raise SystemExit(f"province figures {figures} differ from {PROVINCE_2017}")
    rows16 = [b.row for b in built[2016].values()]
    l34_16 = sum(r.get("procedures_level3", 0) + r.get("procedures_level4", 0) for r in rows16)
    if figures["procedures_level3"] + figures["procedures_level4"] - l34_16 != 375:
        raise SystemExit("level 3 + 4 growth is not 375")
    print("province figures 2017:", figures)

    for year in (2016, 2017):
        path = out_dir / f"survey-{year}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(["agency_id", "name", "block", *COLUMNS])
            for aid, agency in registry.items():
                b = built[year][aid]
                cells = []
                for col in COLUMNS:
                    if (col in SERVICE_COLUMNS and b.block == "co_quan_khac") or (
                        col in COMMUNE_COLUMNS and b.block != "ubnd_huyen"
                    ):
                        cells.append("")
                        continue
                    value = b.row[col]
                    cells.append(
                        ("true" if value else "false") if isinstance(value, bool) else str(value)
                    )
                writer.writerow([aid, agency["name"], b.block, *cells])
        print(f"wrote {path}")

    _verify_with_udcntt(out_dir)
    return 0


def _verify_with_udcntt(out_dir: Path) -> None:
    """Score the written files with udcntt itself, when it can be imported."""
    sys.path.insert(0, str(ROOT / "src"))
    try:
        import udcntt
    except ImportError:
        print("udcntt not importable: checked with the mirror only")
        return

    def dataset(year: int) -> object:
        with (out_dir / f"survey-{year}.csv").open(encoding="utf-8", newline="") as fh:
            records = [
                {
                    "id": r["agency_id"],
                    "name": r["name"],
                    "block": r["block"],
                    "values": {
                        k: v
                        for k, v in r.items()
                        if k not in ("agency_id", "name", "block") and v != ""
                    },
                }
                for r in csv.DictReader(fh)
            ]
        return udcntt.Dataset.from_records(records, year=year)

    rules = udcntt.load_rules(RULES)
    prev = udcntt.evaluate(rules, dataset(2016))
    now = udcntt.evaluate(rules, dataset(2017), previous=prev)
    for rows in BLOCKS.values():
        for i, (aid, _, prev_rank, _) in enumerate(rows, start=1):
            res = now.by_id(aid)
            if res.rank != i or res.rank_change != prev_rank - i:
                raise SystemExit(f"udcntt: {aid} rank {res.rank} change {res.rank_change}")
            if res.tier != _tier(res.share):
                raise SystemExit(f"udcntt: {aid} tier {res.tier}")
    print("udcntt agrees: ranks, rank changes and tiers as designed")


if __name__ == "__main__":
    raise SystemExit(main())
