"""The whole cycle in headless Chromium (Playwright, the system's Chromium), on SQLite and
PostgreSQL: the administrator opens a campaign by uploading the rule file and the registry,
two agencies fill in their forms (the live score follows the typing, a bad value is shown
at its field) and submit, a reviewer returns one, which submits again, and accepts the
other, a council member appraises a value of it, the administrator closes and publishes;
the public page's tiers and ranks equal those of ``udcntt score`` on the same values."""

from __future__ import annotations

import csv
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from server_helpers import (
    AGENCIES,
    DATABASES,
    PASSWORD,
    REGISTRY,
    RULES,
    SURVEY,
    database_url,
    form_text,
)

import udcntt
from udcntt.cli import main
from udcntt.data import NA

# About 40 s on the shared 2-core machine (five logins, two forms of ~90 fields, publication).
pytestmark = [pytest.mark.browser, pytest.mark.slow]

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

from browser import FLAGS, chromium_or_skip  # noqa: E402

APPRAISED = ("staff_trained_year", "3")
# The shared flags, with the local server reachable (and nothing else: the pages need no network).
ARGS = [f for f in FLAGS if f != "--headless" and not f.startswith("--host-resolver-rules")]
ARGS.append("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1")


@pytest.fixture(scope="module", params=DATABASES)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A real uvicorn server on a free port, with five users and no campaign, on SQLite and
    (when ``UDCNTT_TEST_POSTGRES_URL`` is set) on PostgreSQL."""
    import uvicorn

    from udcntt.server import Database, add_user, create_app

    folder = tmp_path_factory.mktemp(f"browser-{request.param}")
    url = database_url(request.param, folder)
    app = create_app(url, data_dir=folder / "evidence", secret_key="browser-test")
    db = Database(url)
    for name, role, agencies in (
        ("admin", "admin", []),
        ("stc", "agency", [AGENCIES[0]]),
        ("tttt", "agency", [AGENCIES[1]]),
        ("reviewer", "reviewer", []),
        ("council", "council", []),
    ):
        add_user(db, name, PASSWORD, role=role, agencies=agencies)
    db.dispose()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    app.state.udcntt.db.dispose()


def _example() -> dict[str, udcntt.AgencyRecord]:
    rules = udcntt.load_rules(RULES)
    data = udcntt.read_survey(SURVEY, rules, registry=udcntt.read_registry(REGISTRY), year=2018)
    return dict(data.by_id())


def _login(browser: Any, base: str, user: str) -> Any:
    page = browser.new_context().new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def _fill_form(page: Any, record: udcntt.AgencyRecord) -> None:
    """Type the record's values into the form (in one script: ~90 fields per form)."""
    required = page.eval_on_selector_all(
        "form#form fieldset",
        "sets => sets.filter(f => f.querySelector('.evidence strong')?.textContent.includes('*')).map(f => f.id.slice(2))",
    )
    values: dict[str, str] = {}
    for ind, value in record.values.items():
        if value is NA:
            values[f"na_{ind}"] = "on"
        else:
            values[f"v_{ind}"] = form_text(value)
    for ind in required:
        values |= {
            f"e_{ind}_number": "11/QĐ-UBND",
            f"e_{ind}_title": f"Văn bản về {ind}",
            f"e_{ind}_date": "12/03/2018",
        }
    missing = page.evaluate(
        """values => Object.entries(values).filter(([name, value]) => {
            const el = document.querySelector(`form#form [name="${name}"]`);
            if (!el) return false;  // an indicator of the other block
            if (el.type === "checkbox") { el.checked = true; } else { el.value = value; }
            el.dispatchEvent(new Event("change", {bubbles: true}));
            return el.tagName === "SELECT" && el.value !== value;
        }).map(([name]) => name)""",
        values,
    )
    assert not missing, missing  # every choice typed exists in its list


def _live_score(page: Any, record: udcntt.AgencyRecord) -> str:
    """The score follows the form as typed (htmx), and a bad value is shown at its field when
    the user leaves it; returns the score of the record's values."""
    total = "#live-total"
    page.wait_for_selector(total)
    page.wait_for_load_state("networkidle")  # the previews of the filled-in form
    shown = page.inner_text(total)
    field = page.locator(f"form#form input[name=v_{APPRAISED[0]}]")
    field.fill("0")
    field.press("Tab")  # leaving the field: the score changes, nothing is saved
    page.wait_for_function(
        "was => document.querySelector('#live-total')?.textContent !== was", arg=shown
    )
    field.fill("mười hai")
    field.press("Tab")
    error = page.wait_for_selector(f"#err-{APPRAISED[0]}")
    assert "không phải là số" in error.inner_text()
    field.fill("")
    field.press_sequentially(form_text(record.values[APPRAISED[0]]), delay=30)  # typing
    page.wait_for_function(
        "was => document.querySelector('#live-total')?.textContent === was", arg=shown
    )
    field.press("Tab")
    page.wait_for_selector(f"#err-{APPRAISED[0]}", state="detached")
    return shown


def _score_with_the_cli(
    tmp: Path, examples: dict[str, udcntt.AgencyRecord]
) -> dict[str, tuple[int | None, str]]:
    with SURVEY.open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["agency_id"] in AGENCIES]
    for row in rows:
        if row["agency_id"] == AGENCIES[1]:
            row[APPRAISED[0]] = APPRAISED[1]
    survey = tmp / "survey.csv"
    with survey.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    out = tmp / "ket-qua.json"
    assert main(["score", str(RULES), str(survey), "--year", "2018", "-o", str(out)]) == 0
    results = json.loads(out.read_text(encoding="utf-8"))["results"]
    return {r["agency_id"]: (r["rank"], r["tier"]) for r in results}


def test_the_cycle_in_a_browser(server: str, tmp_path: Path) -> None:
    chromium = chromium_or_skip()
    examples = _example()
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=ARGS)
        try:
            errors: list[str] = []
            # The administrator opens the campaign.
            admin = _login(browser, server, "admin")
            admin.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            admin.click("text=Mở đợt đánh giá")
            admin.fill("input[name=year]", "2018")
            admin.set_input_files("input[name=rules]", str(RULES))
            admin.set_input_files("input[name=registry]", str(REGISTRY))
            admin.click("form[action='/admin/campaigns'] button[type=submit]")
            admin.wait_for_selector("#campaign-status")
            assert admin.inner_text("#campaign-status") == "đang mở"
            campaign_url = admin.url
            # Two agencies fill in their forms, save a draft, see their score, and submit.
            agencies = {}
            for user, code in (("stc", AGENCIES[0]), ("tttt", AGENCIES[1])):
                page = _login(browser, server, user)
                page.click("a[href$='/form']")
                _fill_form(page, examples[code])
                live = _live_score(page, examples[code]) if code == AGENCIES[0] else None
                page.click("#save")
                page.wait_for_selector("#notice")
                assert page.query_selector("#live-total") is not None, page.inner_text("#score")
                if live is not None:  # the preview showed the score that the save gives
                    assert page.inner_text("#live-total") == live
                page.click("#submit")
                page.wait_for_selector("#notice")
                assert page.inner_text("#submission-status") == "đã gửi"
                agencies[code] = page
            # A reviewer returns the first with a comment; the agency submits again.
            reviewer = _login(browser, server, "reviewer")
            reviewer.goto(campaign_url)
            reviewer.click(f"#agencies a:has-text('{examples[AGENCIES[0]].name}')")
            reviewer.fill("textarea[name=comment]", "Đề nghị bổ sung minh chứng <b>kế hoạch</b>")
            reviewer.click("#return")
            reviewer.wait_for_selector("#submission-status")
            assert reviewer.inner_text("#submission-status") == "trả lại để chỉnh sửa"
            first = agencies[AGENCIES[0]]
            first.reload()
            assert "Đề nghị bổ sung minh chứng <b>kế hoạch</b>" in first.inner_text("#comments")
            first.click("#submit")
            first.wait_for_selector("#notice")
            assert first.inner_text("#submission-status") == "đã gửi"
            # The reviewer accepts the second for appraisal (tiếp nhận).
            reviewer.goto(campaign_url)
            reviewer.click(f"#agencies a:has-text('{examples[AGENCIES[1]].name}')")
            reviewer.click("#accept")
            reviewer.wait_for_selector("#submission-status")
            assert reviewer.inner_text("#submission-status") == "đã tiếp nhận"
            # A council member appraises a value of the second agency, with the reason.
            council = _login(browser, server, "council")
            council.goto(campaign_url)
            council.click(f"#agencies a:has-text('{examples[AGENCIES[1]].name}')")
            row = council.locator(f"#row-{APPRAISED[0]}")
            row.locator("input[name=value]").fill(APPRAISED[1])
            row.locator("input[name=reason]").fill("Chỉ có 3 người được cấp chứng nhận")
            row.locator("button").click()
            council.wait_for_selector(f"#row-{APPRAISED[0]} strong")
            assert council.inner_text(f"#row-{APPRAISED[0]} strong") == "3"
            # The administrator closes and publishes.
            admin.goto(campaign_url)
            admin.click("#close")
            admin.click("#publish")
            admin.wait_for_selector("table.results")
            # The public page, without logging in.
            public = browser.new_context().new_page()
            public.goto(admin.url)
            shown = {
                tr.get_attribute("data-agency"): (
                    int(tr.query_selector(".rank").inner_text()),
                    tr.query_selector(".tier").get_attribute("data-tier"),
                )
                for tr in public.query_selector_all("table.results tr[data-agency]")
            }
            assert not errors
        finally:
            browser.close()
    assert shown == _score_with_the_cli(tmp_path, examples)
    assert set(shown) == set(AGENCIES)
