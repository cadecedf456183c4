"""``udcntt db backup`` / ``restore`` round-trip a campaign (JSON, or a zip with the
evidence files), with every hash checked on restore; ``udcntt db upgrade``."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from server_helpers import AGENCIES, Cycle, login, make_cycle, version_of
from sqlalchemy import func, select

from udcntt.cli import main
from udcntt.server import Database
from udcntt.server._models import AuditEntry, Campaign, Evidence, ValueRow

PDF = b"%PDF-1.4\n% minh chung\n%%EOF\n"


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Cycle:
    """A campaign with values, an evidence file and comments."""
    cycle = make_cycle("sqlite", tmp_path_factory.mktemp("backup"))
    client = login(cycle.app, "stc")
    page = client.get(cycle.form_url(AGENCIES[0]))
    data = {
        "version": version_of(page.text),
        "action": "save",
        "v_staff_total": "58",
        "v_internet_bandwidth": "222,5",
        "e_incident_plan_number": "11/PA",
        "e_incident_plan_title": "Phương án",
        "e_incident_plan_date": "12/03/2018",
    }
    response = client.post(
        cycle.form_url(AGENCIES[0]),
        data,
        files={"f_incident_plan": ("pa.pdf", PDF, "application/pdf")},
    )
    assert response.status_code == 200
    return cycle


def _snapshot(url: str, campaign: int) -> dict[str, object]:
    db = Database(url)
    with db.reader() as s:
        c = s.get(Campaign, campaign)
        assert c is not None
        values = sorted(
            (v.indicator, v.raw, v.value)
            for a in c.agencies
            if a.submission
            for v in a.submission.values
        )
        evidence = sorted(
            (e.indicator, e.filename, e.sha256)
            for a in c.agencies
            if a.submission
            for e in a.submission.evidence
        )
        audit = [
            (e.username, e.action, e.field, e.old, e.new)
            for e in s.scalars(
                select(AuditEntry).where(AuditEntry.campaign_id == campaign).order_by(AuditEntry.id)
            )
        ]
        out = {
            "year": c.year,
            "rules": c.rules_sha256,
            "agencies": len(c.agencies),
            "values": values,
            "evidence": evidence,
            "audit": audit,
        }
    db.dispose()
    return out


@pytest.mark.parametrize("suffix", [".json", ".zip"])
def test_backup_and_restore_round_trip(
    filled: Cycle, tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Restored into an empty database, the campaign has the same values, evidence and audit
    trail (plus one 'restore' entry), and the zip brings the evidence files along."""
    backup = tmp_path / f"campaign{suffix}"
    args = [
        "--lang",
        "en",
        "db",
        "backup",
        str(backup),
        "--campaign",
        str(filled.campaign),
        "--database",
        filled.url,
        "--data-dir",
        str(filled.data_dir),
    ]
    assert main(args) == 0
    assert "backed up to" in capsys.readouterr().out
    target = f"sqlite:///{tmp_path / 'restored.db'}"
    evidence = tmp_path / "evidence-restored"
    assert main(
        [
            "--lang",
            "en",
            "db",
            "restore",
            str(backup),
            "--database",
            target,
            "--data-dir",
            str(evidence),
        ]
    ) == (0 if suffix == ".zip" else 1)
    if suffix == ".json":
        # A JSON backup carries no files: restoring into an empty evidence folder is refused.
        assert "E-SERVER-BACKUP" in capsys.readouterr().err
        assert (
            main(
                [
                    "--lang",
                    "en",
                    "db",
                    "restore",
                    str(backup),
                    "--database",
                    target,
                    "--data-dir",
                    str(filled.data_dir),
                ]
            )
            == 0
        )
    assert "restored as campaign 1" in capsys.readouterr().out
    before, after = _snapshot(filled.url, filled.campaign), _snapshot(target, 1)
    assert after["audit"][:-1] == before["audit"] and after["audit"][-1][1] == "restore"
    assert {k: v for k, v in after.items() if k != "audit"} == {
        k: v for k, v in before.items() if k != "audit"
    }
    if suffix == ".zip":
        (sha,) = {e[2] for e in before["evidence"]}  # type: ignore[union-attr]
        assert (evidence / "evidence" / sha[:2] / sha).read_bytes() == PDF


def test_a_tampered_backup_is_refused_and_restores_nothing(
    filled: Cycle, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    backup = tmp_path / "campaign.zip"
    main(
        [
            "db",
            "backup",
            str(backup),
            "--campaign",
            str(filled.campaign),
            "--database",
            filled.url,
            "--data-dir",
            str(filled.data_dir),
        ]
    )
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(backup) as src, zipfile.ZipFile(tampered, "w") as out:
        for info in src.infolist():
            content = src.read(info)
            if info.filename.startswith("evidence/"):
                content = content.replace(b"minh chung", b"sua doi!!!")
            out.writestr(info, content)
    target = f"sqlite:///{tmp_path / 'restored.db'}"
    capsys.readouterr()
    assert (
        main(
            [
                "--lang",
                "en",
                "db",
                "restore",
                str(tampered),
                "--database",
                target,
                "--data-dir",
                str(tmp_path / "ev"),
            ]
        )
        == 1
    )
    assert "does not match its SHA-256" in capsys.readouterr().err
    db = Database(target)
    with db.reader() as s:
        assert s.scalar(select(func.count()).select_from(Campaign)) == 0
        assert s.scalar(select(func.count()).select_from(ValueRow)) == 0
        assert s.scalar(select(func.count()).select_from(Evidence)) == 0
    db.dispose()
    # Edited rules in a JSON backup: refused too.
    json_backup = tmp_path / "campaign.json"
    main(
        [
            "db",
            "backup",
            str(json_backup),
            "--campaign",
            str(filled.campaign),
            "--database",
            filled.url,
        ]
    )
    document = json.loads(json_backup.read_text(encoding="utf-8"))
    document["campaign"]["rules_text"] += "\n# sửa\n"
    json_backup.write_text(json.dumps(document), encoding="utf-8")
    capsys.readouterr()
    assert main(["--lang", "en", "db", "restore", str(json_backup), "--database", target]) == 1
    assert "rule file in the backup does not match" in capsys.readouterr().err


def test_db_upgrade_and_add_user(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    assert main(["--lang", "en", "db", "upgrade", "--database", url]) == 0
    assert "database at revision 0001" in capsys.readouterr().out
    monkeypatch.setenv("UDCNTT_PASSWORD", "mot-mat-khau-dai")
    assert (
        main(["--lang", "en", "db", "add-user", "quantri", "--role", "admin", "--database", url])
        == 0
    )
    assert main(["--lang", "en", "db", "add-user", "quantri", "--database", url]) == 2
    assert "is taken" in capsys.readouterr().err
    monkeypatch.setenv("UDCNTT_PASSWORD", "ngan")
    assert main(["db", "add-user", "khac", "--database", url]) == 2


def test_db_without_a_database_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("UDCNTT_DATABASE_URL", raising=False)
    assert main(["--lang", "en", "db", "upgrade"]) == 2
    assert "no database given" in capsys.readouterr().err
