"""Benchmark: ``udcntt serve`` under load — 50 agency users saving and submitting at once.

Builds a rule file of 60 indicators (``number`` in [0, 100], one criterion each) and a
registry of 1,000 agencies, opens the campaign through the administrator's upload page,
creates 50 agency users (one agency each), then starts a real uvicorn server in a
subprocess and drives it with httpx (asyncio): each of the 50 users logs in, then
``--saves`` times reads the form (GET, which also computes the live score) and saves all 60
values changed (POST, typed the Vietnamese way: ``12,5``), then submits. All 50 users run
concurrently.

It prints the p50 and p95 latency of each kind of request (login, form, save, submit) and
the error count (any response other than the expected one), then checks, in the database,
that nothing was lost: every agency has its 60 values equal to the last ones it saved, its
submission is ``submitted`` at the version the saves imply, and there is one audit entry per
value changed. Exit status 1 on any error or lost row.

Usage: python benchmarks/server.py [--users 50] [--agencies 1000] [--indicators 60]
       [--saves 5] [--database URL]    (default: SQLite in a temporary folder)
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import httpx
from sqlalchemy import func, select

from udcntt.server import Database, add_user, upgrade
from udcntt.server._models import Agency, AuditEntry, Submission, ValueRow

PASSWORD = "mat-khau-tai-thu"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_VERSION = re.compile(r'name="version" value="(\d+)"')


def rule_file(n: int) -> str:
    lines = [
        "udcntt: 1",
        "id: server_load",
        "title: Bộ tiêu chí tải thử (tổng hợp)",
        "rounding: {total: 2, share: 4}",
        "blocks:",
        '  so: {label: "Khối sở, ban, ngành"}',
        "indicators:",
    ]
    lines += [
        f"  chi_tieu_{i:02d}: {{label: Chỉ tiêu {i}, type: number, range: [0, 100], unit: '%'}}"
        for i in range(n)
    ]
    lines.append("criteria:")
    lines += [
        f"  - {{id: tieu_chi_{i:02d}, label: Tiêu chí {i}, max: 5, points: chi_tieu_{i:02d} / 20}}"
        for i in range(n)
    ]
    lines += [
        "tiers:",
        "  basis: share",
        "  levels:",
        "    - {id: tot, label: Tốt, min: 0.8}",
        "    - {id: kha, label: Khá, min: 0.6}",
        "    - {id: trung_binh, label: Trung bình}",
    ]
    return "\n".join(lines) + "\n"


def registry_file(n: int) -> str:
    lines = ["agencies:"]
    for i in range(n):
        lines += [f"  - id: don_vi_{i:04d}", f"    name: Đơn vị số {i}", "    block: so"]
    return "\n".join(lines) + "\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def csrf(text: str) -> str:
    found = _CSRF.search(text)
    if not found:
        raise RuntimeError("no CSRF token in the page")
    return found.group(1)


class Stats:
    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {}
        self.errors: list[str] = []

    async def call(self, kind: str, expected: int, request: object) -> httpx.Response | None:
        start = time.perf_counter()
        try:
            response = await request  # type: ignore[misc]
        except httpx.HTTPError as exc:
            self.errors.append(f"{kind}: {exc!r}")
            return None
        self.times.setdefault(kind, []).append(time.perf_counter() - start)
        if response.status_code != expected:
            self.errors.append(f"{kind}: HTTP {response.status_code}")
            return None
        return response


async def agency_user(
    base: str, index: int, url: str, n: int, saves: int, stats: Stats, last: dict[int, list[str]]
) -> None:
    rng = random.Random(index)
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        page = await stats.call("login", 200, client.get("/login"))
        if page is None:
            return
        response = await stats.call(
            "login",
            303,
            client.post(
                "/login",
                data={"csrf": csrf(page.text), "username": f"dv{index:02d}", "password": PASSWORD},
            ),
        )
        if response is None:
            return
        for step in range(saves + 1):
            form = await stats.call("form", 200, client.get(url))
            if form is None:
                return
            version = _VERSION.search(form.text)
            if version is None:
                stats.errors.append("form: no version")
                return
            values = [str(Decimal(rng.randint(0, 1000)) / 10).replace(".", ",") for _ in range(n)]
            data = {"csrf": csrf(form.text), "version": version.group(1)}
            data["action"] = "submit" if step == saves else "save"
            data |= {f"v_chi_tieu_{i:02d}": v for i, v in enumerate(values)}
            kind = "submit" if step == saves else "save"
            if await stats.call(kind, 303, client.post(url, data=data)) is None:
                return
            last[index] = values


def check_rows(
    url: str, campaign: int, last: dict[int, list[str]], n: int, saves: int
) -> list[str]:
    db = Database(url)
    problems: list[str] = []
    with db.reader() as s:
        for index, values in last.items():
            agency = s.scalars(
                select(Agency).where(
                    Agency.campaign_id == campaign, Agency.code == f"don_vi_{index:04d}"
                )
            ).one()
            sub = agency.submission
            if sub is None or sub.status != "submitted":
                problems.append(f"don_vi_{index:04d}: not submitted")
                continue
            rows = {r.indicator: r.raw for r in sub.values}
            if [rows.get(f"chi_tieu_{i:02d}") for i in range(n)] != values:
                problems.append(f"don_vi_{index:04d}: stored values differ from the last saved")
            changes = s.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.agency_code == agency.code, AuditEntry.action == "value")
            )
            if not changes or changes < n:
                problems.append(f"don_vi_{index:04d}: {changes} audit entries for its values")
        total_rows = s.scalar(select(func.count()).select_from(ValueRow))
        submitted = s.scalar(
            select(func.count()).select_from(Submission).where(Submission.status == "submitted")
        )
        print(
            f"rows: value_rows={total_rows} submitted={submitted} (expected {len(last) * n} and {len(last)})"
        )
        if total_rows != len(last) * n or submitted != len(last):
            problems.append("row counts differ from what the users saved")
    db.dispose()
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--agencies", type=int, default=1000)
    parser.add_argument("--indicators", type=int, default=60)
    parser.add_argument("--saves", type=int, default=5)
    parser.add_argument("--database", default=None)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="udcntt-bench-server-"))
    url = args.database or f"sqlite:///{folder / 'load.db'}"
    db = Database(url)
    upgrade(db.engine)
    add_user(db, "admin", PASSWORD, role="admin")
    for i in range(args.users):
        add_user(db, f"dv{i:02d}", PASSWORD, role="agency", agencies=[f"don_vi_{i:04d}"])
    db.dispose()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    code = (
        "import sys, uvicorn; from udcntt.server import create_app; "
        "uvicorn.run(create_app(sys.argv[1], data_dir=sys.argv[2], secret_key='bench'), "
        "host='127.0.0.1', port=int(sys.argv[3]), log_level='warning')"
    )
    server = subprocess.Popen(
        [sys.executable, "-c", code, url, str(folder / "evidence"), str(port)]
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/login", timeout=2)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.2)
        campaign = open_campaign(base, args)
        with Database(url).reader() as s:
            ids = {
                a.code: a.id
                for a in s.scalars(select(Agency).where(Agency.campaign_id == campaign))
            }
        stats = Stats()
        last: dict[int, list[str]] = {}

        async def run_all() -> None:
            await asyncio.gather(
                *(
                    agency_user(
                        base,
                        i,
                        f"/campaigns/{campaign}/agencies/{ids[f'don_vi_{i:04d}']}/form",
                        args.indicators,
                        args.saves,
                        stats,
                        last,
                    )
                    for i in range(args.users)
                )
            )

        start = time.perf_counter()
        asyncio.run(run_all())
        wall = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        f"{args.users} users x {args.saves} saves + submit, {args.indicators} indicators, "
        f"{args.agencies} agencies, {url.split(':')[0]}: {wall:.1f} s"
    )
    for kind, times in stats.times.items():
        q = statistics.quantiles(times, n=20) if len(times) > 1 else times * 19
        print(
            f"{kind:7} n={len(times):4}  p50={statistics.median(times) * 1000:7.0f} ms  p95={q[18] * 1000:7.0f} ms"
        )
    problems = check_rows(url, campaign, last, args.indicators, args.saves)
    print(f"errors={len(stats.errors)} lost={len(problems)}")
    for line in (stats.errors + problems)[:20]:
        print("  " + line)
    return 1 if stats.errors or problems else 0


def open_campaign(base: str, args: argparse.Namespace) -> int:
    with httpx.Client(base_url=base, timeout=300) as client:
        page = client.get("/login")
        client.post(
            "/login", data={"csrf": csrf(page.text), "username": "admin", "password": PASSWORD}
        )
        page = client.get("/admin/campaigns/new")
        files = {
            "rules": ("tai-thu.yaml", rule_file(args.indicators).encode(), "application/yaml"),
            "registry": ("don-vi.yaml", registry_file(args.agencies).encode(), "application/yaml"),
        }
        response = client.post(
            "/admin/campaigns", data={"csrf": csrf(page.text), "year": "2025"}, files=files
        )
        if response.status_code != 303:
            raise RuntimeError(
                f"cannot open the campaign: HTTP {response.status_code}\n{response.text[:3000]}"
            )
        return int(response.headers["location"].rstrip("/").split("/")[-1])


if __name__ == "__main__":
    sys.exit(main())
