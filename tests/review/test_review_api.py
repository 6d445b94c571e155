"""The review functions of the Python API facade."""

from __future__ import annotations

import csv
from pathlib import Path

import neurolit
from tests.review.conftest import CORPUS, ReviewEnv, ids


def test_review_app_export_and_agreement(review_env: ReviewEnv, tmp_path: Path) -> None:
    client = neurolit.review_app(CORPUS, curator="alice").test_client()
    page = client.get(f"/t/{ids()['crizotinib']}").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    digest = page.split('name="evidence_hash" value="')[1].split('"')[0]
    response = client.post(
        f"/t/{ids()['crizotinib']}/decide",
        data={"csrf_token": token, "action": "accept", "revision": "0", "evidence_hash": digest},
    )
    assert response.status_code == 303
    out = tmp_path / "curated.csv"
    assert neurolit.export_curated(CORPUS, out) == 1
    with out.open(encoding="utf-8") as handle:
        assert [row["triple_id"] for row in csv.DictReader(handle)] == [ids()["crizotinib"]]
    report = neurolit.review_agreement(CORPUS)
    assert report.curators == {"alice": 1} and report.pairs == ()
