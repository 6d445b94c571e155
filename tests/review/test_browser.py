"""End to end in a real headless browser (Debian's chromium driven by Playwright) against the real server.

A curator logs in with the token, names herself, filters, accepts with the keyboard, corrects, rejects,
bulk-accepts, downloads the export; then the table is re-extracted with one changed sentence and the page
shows the decisions kept and the changed one flagged. Markup in the hostile record never runs.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from neurolit.config import load_config
from neurolit.review.app import create_app
from neurolit.review.server import ReviewServer, open_review
from tests.review.conftest import CORPUS, ReviewEnv, ids, re_extract

CHROMIUM = Path("/usr/bin/chromium")
TOKEN = "browser-test-token-0123456789"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


@pytest.fixture()
def server(review_env: ReviewEnv) -> Iterator[ReviewServer]:
    service = open_review(CORPUS, config=load_config())
    with ReviewServer(create_app(service, token=TOKEN), "127.0.0.1", 0) as running:
        yield running


def test_curator_session_in_chromium(server: ReviewServer, review_env: ReviewEnv, tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip(
            "Debian chromium is not installed at /usr/bin/chromium (run scripts/install-browser.sh as root)"
        )
    from playwright.sync_api import expect, sync_playwright

    base = server.url
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=str(CHROMIUM),
            headless=True,
            args=ARGS,
            accept_downloads=True,
        )
        try:
            page = context.new_page()
            dialogs: list[str] = []

            def on_dialog(dialog: object) -> None:
                dialogs.append(dialog.message)  # type: ignore[attr-defined]
                dialog.accept()  # type: ignore[attr-defined]

            page.on("dialog", on_dialog)
            page.goto(f"{base}/?token={TOKEN}")
            assert page.url == f"{base}/"
            page.fill("#curator-name", "alice")
            page.click("form.curator button")
            expect(page.locator("#summary")).to_contain_text("6 triple(s) match")

            # filter by gene, open the first row with the keyboard, accept with "a"
            page.fill("#f-gene", "ALK")
            page.click("#apply-filters")
            expect(page.locator("#queue tr.item")).to_have_count(2)
            page.locator("body").press("o")
            page.wait_for_url(f"**/t/{ids()['crizotinib']}?gene=ALK")
            expect(page.locator("#evidence mark.hl-drug")).to_have_text("crizotinib")
            page.locator("body").press("a")
            page.wait_for_url(f"**/t/{ids()['lorlatinib']}?gene=ALK")
            expect(page.locator("#flashes")).to_contain_text("saved as revision 1")

            # correct FGFR1's significance
            page.goto(f"{base}/t/{ids()['fgfr1']}")
            page.locator("body").press("e")
            assert page.evaluate("document.activeElement.id") == "c-gene"
            page.select_option("#c-significance", "reduced_sensitivity")
            with page.expect_navigation():
                page.click("#correct-button")
            page.goto(f"{base}/t/{ids()['fgfr1']}")
            expect(page.locator("#corrections")).to_contain_text("reduced_sensitivity")

            # reject CDK4 with a reason, keyboard first
            page.goto(f"{base}/t/{ids()['cdk4']}")
            page.locator("body").press("r")
            page.keyboard.type("amplification not tied to lorlatinib")
            with page.expect_navigation():
                page.keyboard.press("Enter")
            page.goto(f"{base}/t/{ids()['cdk4']}")
            expect(page.locator("#reason-shown")).to_contain_text("amplification not tied to lorlatinib")

            # the hostile record: markup is shown as text and never runs
            page.goto(f"{base}/t/{ids()['hostile']}")
            expect(page.locator("#context h2")).to_contain_text("<script>")
            expect(page.locator("#evidence")).to_contain_text("<img src=x onerror=")
            assert page.locator("#context img, #evidence img, #queue img").count() == 0
            assert page.evaluate("typeof window.__xss") == "undefined"

            # bulk accept of a filtered set (confirmed in the dialog)
            page.goto(f"{base}/?drug=vemurafenib")
            page.click("#bulk-accept")
            expect(page.locator("#flashes")).to_contain_text("1 triple(s) accepted")
            assert dialogs == ["Accept all 1 pending triple(s) in this filtered set?"]
            assert page.evaluate("typeof window.__xss") == "undefined"

            # the export, downloaded from the page
            page.goto(f"{base}/")
            with page.expect_download() as download_info:
                page.click("#nav-export")
            exported = Path(download_info.value.path()).read_text(encoding="utf-8")
            rows = {row["triple_id"]: row for row in csv.DictReader(io.StringIO(exported))}
            assert set(rows) == {ids()["crizotinib"], ids()["fgfr1"], ids()["hostile"]}
            assert rows[ids()["fgfr1"]]["significance"] == "reduced_sensitivity"
            assert rows[ids()["crizotinib"]]["review_curator"] == "alice"

            # re-extraction with one changed evidence sentence: decisions kept, the changed ones flagged
            re_extract(review_env.evidence, "At relapse, FGFR1 and CDK4 were amplified on lorlatinib.")
            page.goto(f"{base}/")
            crizotinib = page.locator(f"#row-{ids()['crizotinib']}")
            expect(crizotinib.locator(".badge").first).to_have_text("accepted")
            expect(crizotinib.locator(".rereview")).to_have_count(0)
            expect(page.locator(f"#row-{ids()['fgfr1']} .rereview")).to_have_text("re-review")
            expect(page.locator(f"#row-{ids()['fgfr1']} .badge").first).to_have_text("corrected")
            page.select_option("#f-status", "rereview")
            page.click("#apply-filters")
            expect(page.locator("#queue tr.item")).to_have_count(2)  # fgfr1 (corrected) and cdk4 (rejected)
            screenshot = tmp_path / "review-queue.png"
            page.screenshot(path=str(screenshot), full_page=True)
            print(f"screenshot: {screenshot}")
            assert screenshot.stat().st_size > 10_000
        finally:
            context.close()
    states = review_env.store.states()
    assert {tid: state.status for tid, state in states.items()} == {
        ids()["crizotinib"]: "accepted",
        ids()["fgfr1"]: "accepted",
        ids()["cdk4"]: "rejected",
        ids()["hostile"]: "accepted",
    }
