"""Build the synthetic Lâm Đồng 2018 survey for rules/lam-dong-2018.yaml.

SYNTHETIC DATA. Nothing here was surveyed: the article on the 2018 assessment (Báo Lâm
Đồng, 05/2019) publishes the method's shape (32 + 12 units, 52 / 57 criteria, 500 points,
the tiers) but no unit scores that this example could reproduce. Each unit gets a level
``q`` in [0, 1] (a made-up figure, loosely following the 2017 example's order, with a few
units moving a lot, as the press reported), and every indicator is derived from ``q`` and
a small deterministic variation per unit and indicator. No randomness: running the script
again writes byte-identical files.

Writes agencies.yaml (the 44 units: the 31 of 2017 in one block of sở/ban/ngành/cơ quan,
plus Văn phòng Đoàn ĐBQH tỉnh as an assumed 32nd unit; the 12 huyện) and survey-2018.csv
(wide: agency_id, name, block, one column per indicator, and a ``<indicator>__minh_chung``
evidence column for each indicator that requires evidence).

Run from the repository root:  python examples/lam-dong-2018/make_data.py [--out DIR]
"""

from __future__ import annotations

import csv
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
RULES = ROOT / "rules" / "lam-dong-2018.yaml"
REGISTRY_2017 = ROOT / "examples" / "lam-dong" / "agencies.yaml"

# Level q of each unit (synthetic). Units without administrative procedures that carry a
# fee answer "không áp dụng" (N/A) for online payment: NO_FEE below.
LEVEL = {
    "so_tai_chinh": "0.95",
    "so_thong_tin_truyen_thong": "0.97",
    "van_phong_ubnd_tinh": "0.90",
    "so_giao_duc_dao_tao": "0.86",
    "so_cong_thuong": "0.84",
    "so_noi_vu": "0.70",
    "so_y_te": "0.80",
    "so_tai_nguyen_moi_truong": "0.66",
    "so_ngoai_vu": "0.62",
    "so_ke_hoach_dau_tu": "0.88",
    "so_van_hoa_the_thao_du_lich": "0.74",
    "thanh_tra_tinh": "0.58",
    "so_khoa_hoc_cong_nghe": "0.78",
    "so_giao_thong_van_tai": "0.76",
    "so_xay_dung": "0.69",
    "so_tu_phap": "0.81",
    "ban_quan_ly_cac_khu_cong_nghiep": "0.60",
    "so_nong_nghiep_ptnt": "0.72",
    "so_lao_dong_tbxh": "0.68",
    "ban_dan_toc": "0.50",
    "cuc_thue": "0.93",
    "bao_hiem_xa_hoi": "0.91",
    "kho_bac_nha_nuoc": "0.89",
    "chi_cuc_hai_quan": "0.79",
    "cuc_thong_ke": "0.75",
    "van_phong_hdnd_tinh": "0.64",
    "vien_kiem_sat_nhan_dan": "0.56",
    "toa_an_nhan_dan": "0.54",
    "dai_phat_thanh_truyen_hinh": "0.63",
    "vuon_quoc_gia_bidoup_nui_ba": "0.46",
    "ban_quan_ly_khu_du_lich_tuyen_lam": "0.48",
    "van_phong_doan_dbqh": "0.59",
    "ubnd_tp_da_lat": "0.94",
    "ubnd_tp_bao_loc": "0.87",
    "ubnd_huyen_duc_trong": "0.77",
    "ubnd_huyen_don_duong": "0.71",
    "ubnd_huyen_di_linh": "0.83",
    "ubnd_huyen_da_teh": "0.65",
    "ubnd_huyen_lac_duong": "0.61",
    "ubnd_huyen_da_huoai": "0.57",
    "ubnd_huyen_bao_lam": "0.73",
    "ubnd_huyen_cat_tien": "0.67",
    "ubnd_huyen_dam_rong": "0.52",
    "ubnd_huyen_lam_ha": "0.79",
}
NO_FEE = {
    "thanh_tra_tinh",
    "ban_dan_toc",
    "van_phong_hdnd_tinh",
    "vien_kiem_sat_nhan_dan",
    "toa_an_nhan_dan",
    "van_phong_doan_dbqh",
    "van_phong_ubnd_tinh",
}
NEW_UNIT = {
    "id": "van_phong_doan_dbqh",
    "name": "Văn phòng Đoàn Đại biểu Quốc hội tỉnh",
    "block": "so_ban_nganh",
    "aliases": ["Văn phòng Đoàn ĐBQH tỉnh"],
}
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
D = Decimal


def _stable(aid: str, salt: str, modulo: int) -> int:
    """A deterministic number in [0, modulo) per unit and salt (no hash seed involved)."""
    n = 0
    for ch in aid + "/" + salt:
        n = (n * 131 + ord(ch)) % 1_000_003
    return n % modulo


def _jitter(aid: str, salt: str) -> Decimal:
    """A variation in [-0.10, 0.10]."""
    return D(_stable(aid, salt, 21) - 10) / 100


def _share(aid: str, salt: str, q: Decimal, lo: str = "0", hi: str = "1") -> Decimal:
    return min(max(q + _jitter(aid, salt), D(lo)), D(hi))


def _count(share: Decimal, of: int) -> int:
    return int((max(share, D(0)) * of).to_integral_value(ROUND_HALF_UP))


def _yes(aid: str, salt: str, q: Decimal, threshold: str) -> bool:
    return q + _jitter(aid, salt) >= D(threshold)


def _pick(aid: str, salt: str, q: Decimal, cuts: list[tuple[str, str]], last: str) -> str:
    level = q + _jitter(aid, salt)
    for cut, value in cuts:
        if level >= D(cut):
            return value
    return last


def row_for(aid: str, block: str) -> dict[str, object]:
    """Every indicator of one unit, derived from its level."""
    q = min(D(LEVEL[aid]) + D("0.06"), D(1))  # the levels above, lifted a little
    s = lambda salt, lo="0", hi="1": _share(aid, salt, q, lo, hi)  # noqa: E731
    yes = lambda salt, t: _yes(aid, salt, q, t)  # noqa: E731
    huyen = block == "ubnd_huyen"
    staff = (140 if huyen else 35) + _stable(aid, "staff", 150 if huyen else 120)
    pcs = staff + _stable(aid, "pcs", 25)
    it_staff = 1 + _count(q, 3) - (1 if _stable(aid, "it", 4) == 0 else 0)
    r: dict[str, object] = {}
    r["staff_total"] = staff
    r["staff_with_pc"] = _count(s("pc", "0.6"), staff)
    r["pcs_total"] = pcs
    r["pcs_internet"] = _count(s("inet", "0.7"), pcs)
    r["pcs_antivirus"] = _count(s("av", "0.2"), pcs)
    r["pcs_licensed_os"] = _count(s("os", "0.3"), pcs)
    r["internet_bandwidth"] = 20 + 10 * _count(s("bw", "0.1"), 20) + _stable(aid, "bw2", 10)
    r["has_lan"] = yes("lan", "0.35")
    r["lan_segmented"] = bool(r["has_lan"]) and yes("vlan", "0.75")
    r["connected_wan"] = yes("wan", "0.45")
    r["wan_apps"] = _count(s("wanapps"), 5) if r["connected_wan"] else 0
    r["has_server_room"] = yes("srv", "0.55")
    r["server_room_standard"] = bool(r["has_server_room"]) and yes("srvstd", "0.88")
    r["hosted_at_provincial_dc"] = yes("dc", "0.7")
    r["has_firewall"] = yes("fw", "0.5")
    r["firewall_policy_updated"] = bool(r["has_firewall"]) and yes("fwpol", "0.7")
    r["backup_mode"] = _pick(
        aid, "bak", q, [("0.78", "tu_dong_dinh_ky"), ("0.5", "thu_cong")], "khong"
    )
    r["video_conference"] = _pick(
        aid, "vc", q, [("0.7", "ket_noi_tinh"), ("0.5", "noi_bo")], "khong"
    )
    r["incident_plan"] = yes("ir", "0.6")
    r["security_levels_approved"] = yes("lvl", "0.82")
    r["joined_response_network"] = yes("net", "0.55")
    r["it_staff"] = it_staff
    r["it_staff_degree"] = min(it_staff, _count(s("deg", "0.3"), it_staff))
    r["it_staff_security_cert"] = min(
        it_staff, _count(s("cert") - D("0.3"), 3) if q > D("0.6") else 0
    )
    r["staff_it_skills"] = _count(s("skill", "0.3"), staff)
    r["staff_trained_year"] = _count(s("train", "0.05", "0.9") * D("0.6"), staff)
    r["it_leader"] = _pick(
        aid, "lead", q, [("0.85", "thu_truong"), ("0.5", "cap_pho")], "chua_phan_cong"
    )
    r["it_staff_trained"] = _count(s("ittrain"), it_staff)
    r["it_allowance"] = yes("allow", "0.8")
    r["it_events"] = _count(s("events"), 4)
    docs_out = 800 + 25 * staff + _stable(aid, "dout", 400)
    docs_in = 2 * docs_out + _stable(aid, "din", 900)
    r["doc_system_scope"] = _pick(
        aid, "qlvb", q, [("0.62", "toan_bo"), ("0.4", "mot_phan")], "chua"
    )
    r["docs_out_total"] = docs_out
    r["docs_out_electronic"] = _count(s("eout", "0.2"), docs_out)
    r["docs_in_total"] = docs_in
    r["docs_in_electronic"] = _count(s("ein", "0.3"), docs_in)
    r["docs_signed"] = _count(s("sign", "0", "0.95") * D("0.8"), int(r["docs_out_electronic"]))
    r["connected_national_axis"] = yes("axis", "0.5")
    r["staff_with_email"] = _count(s("mailbox", "0.7"), staff)
    r["staff_using_email"] = _count(s("mailuse", "0.3"), int(r["staff_with_email"]))
    r["specialised_apps"] = _count(s("apps"), 5)
    r["sector_databases"] = _count(s("db") - D("0.2"), 4) if q > D("0.5") else 0
    r["connected_lgsp"] = yes("lgsp", "0.65")
    r["open_data_published"] = yes("open", "0.9")
    r["has_website"] = yes("web", "0.3")
    r["website_nd43"] = bool(r["has_website"]) and yes("nd43", "0.6")
    r["website_directive_posts"] = _count(s("posts"), 140) if r["has_website"] else 0
    issued = 10 + _stable(aid, "legal", 50)
    r["legal_docs_issued"] = issued
    r["legal_docs_published"] = _count(s("pub", "0.3"), issued) if r["has_website"] else 0
    r["has_qa_section"] = bool(r["has_website"]) and yes("qa", "0.5")
    r["qa_answered_on_time"] = bool(r["has_qa_section"]) and yes("qat", "0.7")
    r["website_visits"] = (
        1000 * _count(s("visits", "0.05"), 120) + 37 * _stable(aid, "v2", 900)
        if r["has_website"]
        else 0
    )
    procedures = (180 if huyen else 8) + _stable(aid, "tthc", 100 if huyen else 120)
    dossiers = 300 + 20 * procedures + _stable(aid, "hs", 3000)
    r["one_stop_shop"] = huyen or yes("1cua", "0.45")
    r["one_stop_all_procedures"] = bool(r["one_stop_shop"]) and yes("1cuaall", "0.75")
    r["dossiers_total"] = dossiers
    r["dossiers_on_time"] = _count(s("ontime", "0.8"), dossiers)
    r["dossiers_online"] = (
        _count((s("online") - D("0.45")) * D("0.9"), dossiers) if q > D("0.5") else 0
    )
    r["procedures_total"] = procedures
    l3 = _count(s("l3") * D("0.6"), procedures)
    r["procedures_level3"] = l3
    r["procedures_level4"] = (
        min(procedures - l3, _count((s("l4") - D("0.5")) * D("0.5"), procedures))
        if q > D("0.55")
        else 0
    )
    r["online_payment"] = "N/A" if aid in NO_FEE else yes("pay", "0.8")
    surveyed = 50 + _stable(aid, "ks", 250)
    r["surveyed_citizens"] = surveyed
    r["satisfied_citizens"] = _count(s("happy", "0.5"), surveyed)
    if huyen:
        c = COMMUNES[aid]
        r["communes_total"] = c
        r["communes_one_stop"] = _count(s("x1cua") - D("0.2"), c)
        r["communes_doc_system"] = _count(s("xqlvb", "0.2"), c)
        r["communes_email"] = _count(s("xmail", "0.3"), c)
        r["communes_website"] = _count(s("xweb") - D("0.1"), c)
        r["communes_it_staff"] = _count(s("xit") - D("0.3"), c)
    r["has_it_plan"] = yes("plan", "0.35")
    r["it_plan_on_time"] = bool(r["has_it_plan"]) and yes("planot", "0.7")
    r["rule_doc_system"] = yes("rqlvb", "0.45")
    r["rule_email"] = yes("rmail", "0.55")
    r["rule_website"] = yes("rweb", "0.65")
    r["has_security_rules"] = yes("rattt", "0.6")
    total_budget = 1000 * (3 + _stable(aid, "ngansach", 12)) * (4 if huyen else 1)
    it_budget = _count(s("budget", "0") * D("0.012"), total_budget)
    r["it_budget"] = it_budget
    r["total_budget"] = total_budget
    r["it_budget_disbursed"] = _count(s("disb", "0.5"), it_budget)
    r["hires_it_services"] = yes("thue", "0.75")
    r["it_reward_policy"] = yes("reward", "0.8")
    r["report_timeliness"] = _pick(
        aid, "bc", q, [("0.6", "dung_han"), ("0.4", "tre_han")], "khong_bao_cao"
    )
    r["maintenance_budget"] = yes("maint", "0.55")
    return r


EVIDENCE = {  # indicator → how its document reference is written (when the answer is yes)
    "incident_plan": "PA {n}/PA-{abbr} ngày 12/3/2018 về ứng cứu sự cố an toàn thông tin mạng",
    "security_levels_approved": (
        "QĐ {n}/QĐ-{abbr} ngày 20/6/2018 phê duyệt cấp độ an toàn hệ thống thông tin"
    ),
    "it_allowance": "QĐ {n}/QĐ-{abbr} ngày 05/02/2018 về chế độ hỗ trợ cán bộ chuyên trách CNTT",
    "has_it_plan": "KH {n}/KH-{abbr} ngày 25/01/2018 về ứng dụng CNTT năm 2018",
    "it_plan_on_time": "KH {n}/KH-{abbr} ngày 25/01/2018 (ban hành trước 31/01)",
    "rule_doc_system": "QĐ {n}/QĐ-{abbr} ban hành quy chế sử dụng phần mềm quản lý văn bản",
    "rule_email": "QĐ {n}/QĐ-{abbr} ban hành quy chế sử dụng thư điện tử công vụ",
    "rule_website": "QĐ {n}/QĐ-{abbr} ban hành quy chế quản lý trang thông tin điện tử",
    "has_security_rules": "QĐ {n}/QĐ-{abbr} ban hành quy chế bảo đảm an toàn thông tin mạng",
}


def _abbr(aid: str) -> str:
    return "".join(part[0] for part in aid.split("_")).upper()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out_dir = Path(args[args.index("--out") + 1]) if "--out" in args else HERE
    rules = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    indicators = list(rules["indicators"])
    required = [i for i, spec in rules["indicators"].items() if spec.get("evidence") == "required"]
    huyen_only = {
        i for i, spec in rules["indicators"].items() if spec.get("blocks") == ["ubnd_huyen"]
    }
    if set(required) != set(EVIDENCE):
        raise SystemExit(f"evidence texts {sorted(EVIDENCE)} differ from {sorted(required)}")

    old = yaml.safe_load(REGISTRY_2017.read_text(encoding="utf-8"))["agencies"]
    agencies = []
    for a in old:
        block = "ubnd_huyen" if a["block"] == "ubnd_huyen" else "so_ban_nganh"
        agencies.append({**a, "block": block})
    agencies.insert(31, NEW_UNIT)
    if set(LEVEL) != {a["id"] for a in agencies}:
        raise SystemExit("LEVEL and the agencies differ")
    counts = {
        b: sum(1 for a in agencies if a["block"] == b) for b in ("so_ban_nganh", "ubnd_huyen")
    }
    if counts != {"so_ban_nganh": 32, "ubnd_huyen": 12}:
        raise SystemExit(f"blocks {counts}, expected 32 + 12")

    lines = [
        "# Agency registry for the Lâm Đồng 2018 example (examples/lam-dong-2018/).",
        "#",
        "# SYNTHETIC EXAMPLE, generated by make_data.py from ../lam-dong/agencies.yaml: the 2018",
        "# criteria set ranks 32 sở/ban/ngành/cơ quan in one block and 12 UBND huyện/thành phố.",
        "# The 32 are ASSUMED to be the 31 units of 2017 plus Văn phòng Đoàn ĐBQH tỉnh (the",
        "# article gives the count, not the list). Ids are those of the 2017 example.",
        "# `synthetic: true`: the survey read with this registry is synthetic; reports say so.",
        "synthetic: true",
        "agencies:",
    ]
    for a in agencies:
        lines.append(f"  - id: {a['id']}")
        lines.append(f"    name: {a['name']}")
        lines.append(f"    block: {a['block']}")
        if a.get("aliases"):
            lines.append(f"    aliases: [{', '.join(a['aliases'])}]")
    (out_dir / "agencies.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    header = ["agency_id", "name", "block"]
    for ind in indicators:
        header.append(ind)
        if ind in required:
            header.append(f"{ind}__minh_chung")
    with (out_dir / "survey-2018.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        for i, a in enumerate(agencies, start=1):
            row = row_for(a["id"], a["block"])
            cells = [a["id"], a["name"], a["block"]]
            for ind in indicators:
                if ind in huyen_only and a["block"] != "ubnd_huyen":
                    value = ""
                else:
                    v = row[ind]
                    value = ("true" if v else "false") if isinstance(v, bool) else str(v)
                cells.append(value)
                if ind in required:
                    text = (
                        EVIDENCE[ind].format(n=10 + i, abbr=_abbr(a["id"]))
                        if row.get(ind) is True
                        else ""
                    )
                    cells.append(text)
            writer.writerow(cells)
    print(f"wrote {out_dir / 'agencies.yaml'} and {out_dir / 'survey-2018.csv'}")
    _summary(out_dir)
    return 0


def _summary(out_dir: Path) -> None:
    """Score the survey with udcntt, when it can be imported, and print the tiers."""
    sys.path.insert(0, str(ROOT / "src"))
    try:
        import udcntt
    except ImportError:
        print("udcntt not importable: not scored")
        return
    with (out_dir / "survey-2018.csv").open(encoding="utf-8", newline="") as fh:
        records = []
        for r in csv.DictReader(fh):
            values: dict[str, object] = {}
            for k, v in r.items():
                if k in ("agency_id", "name", "block") or "__" in k or v == "":
                    continue
                values[k] = udcntt.NA if v == "N/A" else v
            records.append(
                {"id": r["agency_id"], "name": r["name"], "block": r["block"], "values": values}
            )
    result = udcntt.evaluate(
        udcntt.load_rules(RULES), udcntt.Dataset.from_records(records, year=2018)
    )
    for block in ("so_ban_nganh", "ubnd_huyen"):
        rows = sorted((r for r in result.results if r.block == block), key=lambda r: r.rank)
        tiers: dict[str, int] = {}
        for r in rows:
            tiers[r.tier] = tiers.get(r.tier, 0) + 1
        print(
            block,
            tiers,
            [f"{r.agency_id} {r.total}" for r in rows[:3]],
            "…",
            f"{rows[-1].agency_id} {rows[-1].total}",
        )


if __name__ == "__main__":
    raise SystemExit(main())
