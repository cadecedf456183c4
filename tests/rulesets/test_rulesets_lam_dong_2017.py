"""The founding case: the 2017 example data reproduce what Báo Lâm Đồng (27/03/2018) published.

The article publishes no scores: the tiers of 2017 per block (named units and counts), the
rank changes against 2016, and province figures. Scoring examples/lam-dong/survey-2017.csv
with rules/lam-dong-2017.yaml, 2016 as the previous year, must give exactly those.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

import udcntt

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"  # the project's shared folder; optional

BLOCKS = ("so_ban_nganh", "co_quan_khac", "ubnd_huyen")

#: Units the article does not mention that cannot keep their rank: in the huyện block the
#: published changes add up to +1 (+5 +3 +1 +1 +1 +1 −6 −5), so an unmentioned huyện must
#: have fallen one place. Đức Trọng is the one that can (Đà Lạt is first in both years);
#: reading the article's list of Khá huyện as the 2017 order gives exactly this.
UNPUBLISHED_CHANGES = {"ubnd_huyen_duc_trong": -1}

#: The province figures the article states (what the data must add up to).
IT_STAFF, IT_STAFF_COLLEGE = 129, 120
PROCEDURES, LEVEL_3, LEVEL_4 = 1537, 507, 119


def _block_results(assessment: udcntt.Assessment, block: str) -> list[Any]:
    return sorted((r for r in assessment.results if r.block == block), key=lambda r: r.rank)


def test_the_article_copy_equals_the_seed(article_2017: dict[str, Any]) -> None:
    """examples/lam-dong/article-2017.yaml is the seed's transcription, unchanged."""
    seed = SHARED / "seed" / "lam-dong-2017-published.yaml"
    if not seed.is_file():
        pytest.skip("the shared seed folder is not beside the repository")
    assert article_2017 == yaml.safe_load(seed.read_text(encoding="utf-8"))


def test_43_units_in_three_blocks(
    lam_dong_2017_assessment: udcntt.Assessment, article_2017: dict[str, Any]
) -> None:
    """20 sở/ban/ngành, 11 cơ quan khác, 12 UBND huyện, as in the article."""
    for block in BLOCKS:
        assert (
            len(_block_results(lam_dong_2017_assessment, block))
            == article_2017["blocks"][block]["size"]
        )


@pytest.mark.parametrize("block", BLOCKS)
def test_named_tiers_reproduce(
    block: str,
    lam_dong_2017_assessment: udcntt.Assessment,
    article_2017: dict[str, Any],
    agency_id_of: Any,
) -> None:
    """Every unit the article names in a tier gets that tier."""
    published = article_2017["blocks"][block]["tiers"]
    for tier in ("tot", "kha", "trung_binh"):
        for name in published.get(tier, []):
            result = lam_dong_2017_assessment.by_id(agency_id_of(name))
            assert result.block == block
            assert result.tier == tier, f"{name}: {result.tier} (share {result.share})"


@pytest.mark.parametrize("block", BLOCKS)
def test_tier_counts_reproduce(
    block: str, lam_dong_2017_assessment: udcntt.Assessment, article_2017: dict[str, Any]
) -> None:
    """The number of units per tier in each block is the article's."""
    published = article_2017["blocks"][block]["tiers"]
    expected = {
        tier: len(published[tier]) if tier in published else published[f"{tier}_count"]
        for tier in ("tot", "kha", "trung_binh")
    }
    counts = dict.fromkeys(expected, 0)
    for r in _block_results(lam_dong_2017_assessment, block):
        counts[r.tier] += 1
    assert counts == expected


def _published_changes(article: dict[str, Any]) -> list[tuple[str, str, int]]:
    return [
        (block, name, int(change))
        for block, facts in article["blocks"].items()
        for name, change in (facts.get("rank_changes") or {}).items()
    ]


def test_every_published_rank_change_reproduces(
    lam_dong_2017_assessment: udcntt.Assessment, article_2017: dict[str, Any], agency_id_of: Any
) -> None:
    """Each "tăng/giảm N bậc" of the article: previous rank − current rank, within the block."""
    changes = _published_changes(article_2017)
    assert len(changes) == 19  # 11 sở/ban/ngành + 8 huyện
    wrong = []
    for block, name, change in changes:
        result = lam_dong_2017_assessment.by_id(agency_id_of(name))
        assert result.block == block
        if result.rank_change != change or result.previous_rank - result.rank != change:
            wrong.append((name, change, result.previous_rank, result.rank, result.rank_change))
    assert not wrong


def test_units_not_mentioned_keep_their_rank(
    lam_dong_2017_assessment: udcntt.Assessment, article_2017: dict[str, Any], agency_id_of: Any
) -> None:
    """A unit the article gives no rank change keeps its rank, but for the documented one."""
    mentioned = {agency_id_of(name) for _, name, _ in _published_changes(article_2017)}
    others = {
        r.agency_id: r.rank_change
        for r in lam_dong_2017_assessment.results
        if r.agency_id not in mentioned and r.rank_change != 0
    }
    assert others == UNPUBLISHED_CHANGES


def test_the_one_unpublished_change_is_forced(article_2017: dict[str, Any]) -> None:
    """Rank changes of a block add up to 0; the published huyện changes add up to +1."""
    sums = {
        block: sum(int(c) for c in (facts.get("rank_changes") or {}).values())
        for block, facts in article_2017["blocks"].items()
    }
    assert sums == {"so_ban_nganh": 0, "co_quan_khac": 0, "ubnd_huyen": 1}
    assert sum(UNPUBLISHED_CHANGES.values()) == -sums["ubnd_huyen"]


@pytest.mark.parametrize("year", ["current", "previous"])
def test_no_ties_in_either_year(lam_dong_2017_assessment: udcntt.Assessment, year: str) -> None:
    """The example avoids ties, so every rank change is unambiguous."""
    for block in BLOCKS:
        results = _block_results(lam_dong_2017_assessment, block)
        ranks = [r.rank if year == "current" else r.previous_rank for r in results]
        assert sorted(ranks) == list(range(1, len(results) + 1))


def test_every_unit_has_a_previous_rank(lam_dong_2017_assessment: udcntt.Assessment) -> None:
    """All 43 units are matched to 2016 (same ids, no block moves)."""
    comparison = lam_dong_2017_assessment.comparison
    assert comparison is not None
    assert not comparison.new_agencies
    assert not comparison.dropped_agencies
    assert comparison.same_rules


def test_tiers_are_on_the_share_of_each_blocks_maximum(
    lam_dong_2017_assessment: udcntt.Assessment,
) -> None:
    """Maxima 100 / 80 / 110: cơ quan khác have no group 5, huyện add group 6."""
    maxima = {r.block: r.max for r in lam_dong_2017_assessment.results}
    assert maxima == {"so_ban_nganh": 100, "co_quan_khac": 80, "ubnd_huyen": 110}
    for r in lam_dong_2017_assessment.results:
        assert r.share == (r.total / r.max).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def _sum(assessment: udcntt.Assessment, indicator: str, block: str | None = None) -> int:
    return int(
        sum(
            (
                r.inputs[indicator]
                for r in assessment.results
                if indicator in r.inputs and block in (None, r.block)
            ),
            Decimal(0),
        )
    )


def _yes(assessment: udcntt.Assessment, indicator: str, block: str) -> tuple[int, int]:
    rows = [r for r in assessment.results if r.block == block]
    return sum(1 for r in rows if r.inputs[indicator] is True), len(rows)


def test_province_figures_are_aggregates_of_the_data(
    lam_dong_2017_assessment: udcntt.Assessment,
) -> None:
    """129 IT staff, 120 college+, one-stop 18/20 and 12/12, 49/147 xã, 1537 / 507 / 119."""
    a = lam_dong_2017_assessment
    assert _sum(a, "it_staff") == IT_STAFF
    assert _sum(a, "it_staff_college") == IT_STAFF_COLLEGE
    assert _yes(a, "one_stop_shop", "so_ban_nganh") == (18, 20)
    assert _yes(a, "one_stop_shop", "ubnd_huyen") == (12, 12)
    assert (_sum(a, "communes_one_stop"), _sum(a, "communes_total")) == (49, 147)
    assert _sum(a, "procedures_total") == PROCEDURES
    assert _sum(a, "procedures_level3") == LEVEL_3
    assert _sum(a, "procedures_level4") == LEVEL_4
    # Cơ quan khác are not asked about the one-stop shop or online services at all.
    assert all("one_stop_shop" not in r.inputs for r in a.results if r.block == "co_quan_khac")


def test_the_college_share_is_computed_not_copied(
    lam_dong_2017_assessment: udcntt.Assessment,
) -> None:
    """120 of 129 is 93 %, not the article's "75 %"."""
    share = Decimal(_sum(lam_dong_2017_assessment, "it_staff_college")) / _sum(
        lam_dong_2017_assessment, "it_staff"
    )
    assert share.quantize(Decimal("0.01")) == Decimal("0.93")


def test_online_services_grew_by_375_over_2016(lam_dong_surveys: dict[int, udcntt.Dataset]) -> None:
    """Level 3 + 4 services: 626 in 2017, 251 in 2016 ("tăng 375 dịch vụ")."""
    previous = lam_dong_surveys[2016]
    old = sum(
        (
            a.values.get("procedures_level3", Decimal(0))
            + a.values.get("procedures_level4", Decimal(0))
        )
        for a in previous.agencies
        if a.block != "co_quan_khac"
    )
    assert LEVEL_3 + LEVEL_4 - old == 375
    # The huyện had more IT staff in 2016 (the article: posts were cut in 2017).
    it_2016 = sum((a.values["it_staff"] for a in previous.agencies), Decimal(0))
    assert it_2016 > IT_STAFF


def test_make_data_rebuilds_the_shipped_surveys(tmp_path: Path) -> None:
    """examples/lam-dong/make_data.py is deterministic and gives the shipped files."""
    script = EXAMPLES / "lam-dong" / "make_data.py"
    run = subprocess.run(
        [sys.executable, str(script), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=240,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    for name in ("survey-2016.csv", "survey-2017.csv"):
        assert (tmp_path / name).read_bytes() == (EXAMPLES / "lam-dong" / name).read_bytes()


def test_surveys_name_every_registry_agency_by_id(lam_dong_registry: Any) -> None:
    """Both surveys cover the 43 registry units, by id, with their official names."""
    for year in (2016, 2017):
        with (EXAMPLES / "lam-dong" / f"survey-{year}.csv").open(
            encoding="utf-8", newline=""
        ) as fh:
            rows = list(csv.DictReader(fh))
        assert [r["agency_id"] for r in rows] == [a.id for a in lam_dong_registry]
        for row in rows:
            agency = lam_dong_registry.get(row["agency_id"])
            assert (row["name"], row["block"]) == (agency.name, agency.block)


def test_udcntt_score_cli_gives_the_article(
    tmp_path: Path, article_2017: dict[str, Any], agency_id_of: Any
) -> None:
    """`udcntt score RULES 2017 --previous 2016 -o out.csv`: the tiers and rank changes."""
    report = pytest.importorskip("udcntt.report")
    if not hasattr(report, "write_report"):
        pytest.skip("udcntt.report.write_report has not landed yet")
    out = tmp_path / "out.csv"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
    }
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "udcntt",
            "score",
            str(ROOT / "rules" / "lam-dong-2017.yaml"),
            str(EXAMPLES / "lam-dong" / "survey-2017.csv"),
            "--previous",
            str(EXAMPLES / "lam-dong" / "survey-2016.csv"),
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=240,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = {r["agency_id"]: r for r in csv.DictReader(fh)}
    assert len(rows) == 43
    for block, facts in article_2017["blocks"].items():
        for tier, names in facts["tiers"].items():
            if isinstance(names, list):
                for name in names:
                    assert rows[agency_id_of(name)]["tier"] == tier
        for name, change in (facts.get("rank_changes") or {}).items():
            assert int(rows[agency_id_of(name)]["rank_change"]) == int(change)
        assert sum(1 for r in rows.values() if r["block"] == block) == facts["size"]


@pytest.mark.parametrize(
    ("demo", "shipped"),
    [
        ("lam-dong-2017.yaml", "rules/lam-dong-2017.yaml"),
        ("agencies.yaml", "examples/lam-dong/agencies.yaml"),
        ("survey-2016.csv", "examples/lam-dong/survey-2016.csv"),
        ("survey-2017.csv", "examples/lam-dong/survey-2017.csv"),
    ],
)
def test_the_demo_ships_the_same_files(demo: str, shipped: str) -> None:
    """`udcntt demo` runs on copies inside the package; they must not drift from the example."""
    copy = ROOT / "src" / "udcntt" / "_demo" / demo
    if not copy.parent.is_dir():
        pytest.skip("the package has no _demo folder")
    assert copy.read_bytes() == (ROOT / shipped).read_bytes(), f"refresh {copy} from {shipped}"
