"""The review app over HTTP (Flask test client): pages, actions, validation, CSRF, conflicts, markup."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient

from neurolit.review.app import create_app
from tests.review.conftest import (
    HOSTILE_SENTENCE,
    HOSTILE_TITLE,
    TITLE,
    ReviewEnv,
    founding_triples,
    ids,
    re_extract,
)

TOKEN = "t0ken-for-tests-0123456789"


@pytest.fixture()
def app(review_env: ReviewEnv) -> Flask:
    return create_app(review_env.service, curator="alice", page_size=50)


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def csrf(client: FlaskClient, path: str = "/") -> str:
    page = client.get(path)
    assert page.status_code == 200, page.get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    assert match, "every page with a form carries the CSRF token"
    return match.group(1)


def hidden(html: str, form_id: str, name: str) -> str:
    form = html[html.index(f'id="{form_id}"') :]
    form = form[: form.index("</form>")]
    match = re.search(rf'name="{name}" value="([^"]*)"', form)
    assert match, f"{name} in {form_id}"
    return match.group(1)


def decide(client: FlaskClient, tid: str, action: str, **fields: str) -> tuple[int, str, str]:
    page = client.get(f"/t/{tid}").get_data(as_text=True)
    data = {
        "csrf_token": hidden(page, "accept-form", "csrf_token"),
        "revision": hidden(page, "accept-form", "revision"),
        "evidence_hash": hidden(page, "accept-form", "evidence_hash"),
        "action": action,
        **fields,
    }
    response = client.post(f"/t/{tid}/decide", data=data)
    return response.status_code, response.headers.get("Location", ""), response.get_data(as_text=True)


def test_queue_lists_every_triple_with_highlighted_sentence(client: FlaskClient) -> None:
    page = client.get("/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "6 triple(s) match, 6 pending" in html
    for tid in ids().values():
        assert f'id="row-{tid}"' in html
    assert '<mark class="hl-gene">ALK</mark>' in html
    assert '<mark class="hl-drug">crizotinib</mark>' in html
    assert '<mark class="hl-outcome">no response</mark>' in html
    # highest confidence first by default
    assert html.index(ids()["crizotinib"]) < html.index(ids()["fgfr1"])
    assert page.headers["Content-Security-Policy"].startswith("default-src 'none'; script-src 'self'")


def test_filters_and_sorting(client: FlaskClient) -> None:
    html = client.get("/?" + urlencode({"gene": "alk"})).get_data(as_text=True)
    assert "2 triple(s) match" in html and ids()["nras"] not in html
    html = client.get("/?drug=lorlat&significance=resistance").get_data(as_text=True)
    assert "3 triple(s) match" in html
    html = client.get("/?min_confidence=0.6&max_confidence=0.9").get_data(as_text=True)
    assert "3 triple(s) match" in html  # 0.88 lorlatinib, 0.77 hostile, 0.64 nras
    html = client.get("/?sort=confidence_asc").get_data(as_text=True)
    assert html.index(ids()["fgfr1"]) < html.index(ids()["crizotinib"])
    html = client.get("/?sort=gene").get_data(as_text=True)
    order = [html.index(ids()[name]) for name in ("crizotinib", "hostile", "cdk4", "fgfr1", "nras")]
    assert order == sorted(order)  # ALK, BRAF, CDK4, FGFR1, NRAS
    assert "1 triple(s) match" in client.get("/?pmid=11111111").get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("significance=great", "significance filter &#39;great&#39; is not one of"),
        ("status=maybe", "status filter &#39;maybe&#39; is not one of"),
        ("min_confidence=high", "filter min_confidence must be a number between 0 and 1"),
        ("max_confidence=3", "filter max_confidence must be between 0 and 1"),
        ("sort=random", "sort &#39;random&#39; is not one of"),
        ("pmid=12ab", "PMID filter &#39;12ab&#39; must be digits only"),
        ("page=two", "page must be a whole number"),
    ],
)
def test_invalid_filters_get_a_400_that_says_what_to_fix(
    client: FlaskClient, query: str, message: str
) -> None:
    response = client.get("/?" + query)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_triple_page_shows_context_and_pubmed_link(client: FlaskClient) -> None:
    html = client.get(f"/t/{ids()['cdk4']}").get_data(as_text=True)
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/34210658/"' in html
    assert "Cold Spring Harbor Molecular Case Studies" in html and "2021" in html  # from the corpus store
    assert "ALK mutations drive a subset of neuroblastomas." in html  # the surrounding abstract
    assert '<mark class="hl-variant">amplification</mark>' in html
    assert '<mark class="hl-gene">CDK4</mark>' in html
    assert '<mark class="hl-variant ev">amplification</mark>' in html  # highlighted inside the abstract too
    assert 'id="next-link"' in html and 'id="prev-link"' in html


def test_markup_in_titles_abstracts_and_sentences_is_shown_as_text(client: FlaskClient) -> None:
    for path in ("/", f"/t/{ids()['hostile']}"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>window.__xss" not in html
        assert "<img src=x" not in html and "onerror=" not in html.replace("onerror=&#34;", "")
        assert "&lt;img src=x onerror=&#34;window.__xss=&#39;img&#39;&#34;&gt;" in html
    html = client.get(f"/t/{ids()['hostile']}").get_data(as_text=True)
    assert "&lt;script&gt;window.__xss = &#34;title&#34;&lt;/script&gt;" in html
    assert "&lt;script&gt;window.__xss=&#39;abstract&#39;&lt;/script&gt;" in html
    assert '<b onmouseover="x()">' not in html
    assert HOSTILE_TITLE not in html and HOSTILE_SENTENCE not in html
    assert '<mark class="hl-drug">vemurafenib</mark>' in html


def test_accept_records_curator_and_moves_to_the_next_triple(
    client: FlaskClient, review_env: ReviewEnv
) -> None:
    tid = ids()["crizotinib"]
    status, location, _ = decide(client, tid, "accept")
    assert status == 303 and location.endswith(f"/t/{ids()['lorlatinib']}")
    state = review_env.store.state(tid)
    assert (state.status, state.curator, state.revision) == ("accepted", "alice", 1)
    [entry] = review_env.store.log(tid)
    assert entry.before["status"] == "pending" and entry.after["status"] == "accepted" and entry.created_at
    html = client.get(location).get_data(as_text=True)
    assert "accept: " in html and "saved as revision 1" in html


def test_reject_needs_a_reason_and_correct_validates_fields(
    client: FlaskClient, review_env: ReviewEnv
) -> None:
    tid = ids()["fgfr1"]
    status, _, html = decide(client, tid, "reject", reason="  ")
    assert status == 400 and "a reason for rejecting is required" in html
    status, _, html = decide(
        client,
        tid,
        "correct",
        gene="FGFR1",
        variant="CNV:amplification",
        drug="lorlatinib",
        significance="very resistant",
        direction="supports",
    )
    assert status == 400 and "significance &#39;very resistant&#39; is not one of" in html
    status, _, html = decide(
        client,
        tid,
        "correct",
        gene="FGFR1 <b>",
        variant="CNV:amplification",
        drug="lorlatinib",
        significance="resistance",
        direction="supports",
    )
    assert status == 400 and "is not a gene symbol" in html
    assert review_env.store.log(tid) == []  # invalid input never reaches the log
    status, _, _ = decide(
        client,
        tid,
        "correct",
        gene="FGFR1",
        variant="CNV:amplification",
        drug="lorlatinib",
        significance="reduced_sensitivity",
        direction="supports",
    )
    assert status == 303
    state = review_env.store.state(tid)
    assert state.status == "accepted" and state.corrections == (("significance", "reduced_sensitivity"),)
    html = client.get(f"/t/{tid}").get_data(as_text=True)
    assert "<del>resistance</del> → <ins>reduced_sensitivity</ins>" in html
    status, _, _ = decide(client, tid, "reject", reason="not stated for FGFR1 alone")
    assert status == 303
    assert review_env.store.state(tid).reason == "not stated for FGFR1 alone"
    status, location, _ = decide(client, tid, "note", note="check the full text")
    assert status == 303 and location.endswith(f"/t/{tid}")
    assert review_env.store.state(tid).note == "check the full text"
    assert [e.action for e in review_env.store.log(tid)] == ["correct", "reject", "note"]


def test_post_without_csrf_token_is_refused(client: FlaskClient, review_env: ReviewEnv) -> None:
    tid = ids()["nras"]
    client.get("/")
    response = client.post(
        f"/t/{tid}/decide", data={"action": "accept", "revision": "0", "evidence_hash": "x"}
    )
    assert response.status_code == 403
    assert "security token" in response.get_data(as_text=True)
    response = client.post(
        f"/t/{tid}/decide", data={"action": "accept", "revision": "0", "csrf_token": "forged"}
    )
    assert response.status_code == 403
    assert client.post("/curator", data={"curator": "mallory"}).status_code == 403
    assert review_env.store.log() == []


def test_stale_decision_gets_a_409_with_the_current_state(app: Flask, review_env: ReviewEnv) -> None:
    tid = ids()["lorlatinib"]
    alice, bob = app.test_client(), app.test_client()
    bob_token = csrf(bob)
    bob_page = bob.get(f"/t/{tid}").get_data(as_text=True)
    bob.post("/curator", data={"curator": "bob", "csrf_token": bob_token})
    status, _, _ = decide(alice, tid, "reject", reason="not in this sentence")
    assert status == 303
    response = bob.post(
        f"/t/{tid}/decide",
        data={
            "csrf_token": bob_token,
            "action": "accept",
            "revision": hidden(bob_page, "accept-form", "revision"),
            "evidence_hash": hidden(bob_page, "accept-form", "evidence_hash"),
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "you saw revision 0, it is now revision 1 (rejected by alice" in html
    assert 'id="current-revision">1<' in html and "not in this sentence" in html
    log = review_env.store.log(tid)
    assert [(e.curator, e.applied) for e in log] == [("alice", True), ("bob", False)]  # never lost
    assert review_env.store.state(tid).status == "rejected"
    # The conflict page offers to apply bob's decision over the current state.
    again = bob.post(
        f"/t/{tid}/decide",
        data={
            "csrf_token": bob_token,
            "action": hidden(html, "reapply-form", "action"),
            "revision": hidden(html, "reapply-form", "revision"),
            "evidence_hash": hidden(html, "reapply-form", "evidence_hash"),
            "stay": "1",
        },
    )
    assert again.status_code == 303
    assert review_env.store.state(tid).status == "accepted" and review_env.store.state(tid).curator == "bob"


def test_bulk_accept_of_a_filtered_set(client: FlaskClient, review_env: ReviewEnv) -> None:
    query = urlencode({"drug": "lorlatinib", "significance": "resistance"})
    html = client.get("/?" + query).get_data(as_text=True)
    assert "Accept all 3 pending triple(s) in this filtered set" in html
    data = {
        "csrf_token": hidden(html, "bulk-form", "csrf_token"),
        "q": hidden(html, "bulk-form", "q").replace("&amp;", "&"),
        "digest": hidden(html, "bulk-form", "digest"),
    }
    # Another decision lands in the set meanwhile: the digest no longer matches, nothing is accepted.
    decide(client, ids()["cdk4"], "reject", reason="amplification not tied to lorlatinib")
    stale = client.post("/bulk-accept", data=data)
    assert stale.status_code == 409 and "the filtered set changed" in stale.get_data(as_text=True)
    assert review_env.store.state(ids()["nras"]).status == "pending"
    html = client.get("/?" + query).get_data(as_text=True)
    data["digest"] = hidden(html, "bulk-form", "digest")
    response = client.post("/bulk-accept", data=data)
    assert response.status_code == 303
    states = review_env.store.states()
    assert states[ids()["nras"]].status == "accepted" and states[ids()["fgfr1"]].status == "accepted"
    assert states[ids()["cdk4"]].status == "rejected"  # bulk accept leaves decided triples alone
    assert {e.source for e in review_env.store.log(ids()["nras"])} == {"bulk"}
    assert ids()["crizotinib"] not in states


def test_decisions_survive_re_extraction_and_changed_evidence_is_flagged(
    client: FlaskClient, review_env: ReviewEnv
) -> None:
    decide(client, ids()["crizotinib"], "accept")
    decide(client, ids()["nras"], "accept")
    re_extract(review_env.evidence, "At relapse, cell-free DNA showed a NRAS Q61K mutation and CDK4 gain.")
    html = client.get("/").get_data(as_text=True)
    row = html[html.index(f'id="row-{ids()["crizotinib"]}"') :]
    assert "status-accepted" in row[: row.index("</tr>")] and "re-review" not in row[: row.index("</tr>")]
    row = html[html.index(f'id="row-{ids()["nras"]}"') :]
    assert "re-review" in row[: row.index("</tr>")]
    html = client.get("/?status=rereview").get_data(as_text=True)
    assert "1 triple(s) match" in html
    page = client.get(f"/t/{ids()['nras']}").get_data(as_text=True)
    assert 'id="rereview-warning"' in page
    status, _, _ = decide(client, ids()["nras"], "accept")
    assert status == 303
    assert "0 triple(s) match" in client.get("/?status=rereview").get_data(as_text=True)


def test_decision_against_an_old_evidence_sentence_conflicts(
    client: FlaskClient, review_env: ReviewEnv
) -> None:
    tid = ids()["fgfr1"]
    page = client.get(f"/t/{tid}").get_data(as_text=True)
    re_extract(review_env.evidence, "FGFR1 was amplified at relapse on lorlatinib.")
    response = client.post(
        f"/t/{tid}/decide",
        data={
            "csrf_token": hidden(page, "accept-form", "csrf_token"),
            "action": "accept",
            "revision": "0",
            "evidence_hash": hidden(page, "accept-form", "evidence_hash"),
        },
    )
    assert response.status_code == 409
    assert "evidence sentence of triple" in response.get_data(as_text=True)
    assert review_env.store.state(tid).status == "pending"


def test_unknown_triple_and_bad_ids(client: FlaskClient) -> None:
    response = client.get("/t/T000000000000000")
    assert response.status_code == 400 and "is not in the evidence table" in response.get_data(as_text=True)
    response = client.get("/t/..%2f..%2fetc")
    assert response.status_code in {400, 404}
    assert client.get("/nowhere").status_code == 404


def test_curator_must_be_named_and_valid(review_env: ReviewEnv) -> None:
    client = create_app(review_env.service).test_client()
    status, _, html = decide(client, ids()["nras"], "accept")
    assert status == 400 and "set your curator name first" in html
    token = csrf(client)
    response = client.post("/curator", data={"curator": "<script>", "csrf_token": token})
    assert response.status_code == 400 and "curator name" in response.get_data(as_text=True)
    response = client.post(
        "/curator", data={"curator": "Dr. Carol", "csrf_token": token, "back": "//evil.example"}
    )
    assert response.status_code == 303 and response.headers["Location"] == "/"
    status, _, _ = decide(client, ids()["nras"], "accept")
    assert status == 303 and review_env.store.state(ids()["nras"]).curator == "Dr. Carol"


def test_token_is_required_when_configured(review_env: ReviewEnv) -> None:
    client = create_app(review_env.service, token=TOKEN, curator="alice").test_client()
    response = client.get("/")
    assert response.status_code == 401 and "access token" in response.get_data(as_text=True)
    assert client.get("/?token=wrong-token-wrong-token").status_code == 401
    assert client.get("/", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    other = create_app(review_env.service, token=TOKEN).test_client()
    response = other.get(f"/?gene=ALK&token={TOKEN}")
    assert (
        response.status_code == 303 and response.headers["Location"] == "/?gene=ALK"
    )  # token leaves the URL
    assert other.get("/").status_code == 200  # the session remembers


def test_agreement_page_and_export_download(client: FlaskClient, app: Flask) -> None:
    decide(client, ids()["crizotinib"], "accept")
    bob = app.test_client()
    bob.post("/curator", data={"curator": "bob", "csrf_token": csrf(bob)})
    decide(bob, ids()["crizotinib"], "accept")
    html = client.get("/agreement").get_data(as_text=True)
    assert "alice × bob" in html and "1 triple(s) decided by both; agreed on 1" in html
    response = client.get("/export?status=accepted")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert ids()["crizotinib"] in response.get_data(as_text=True)
    assert client.get("/export?format=xlsx").status_code == 400
    tsv = client.get("/export?status=accepted&format=civic-tsv").get_data(as_text=True)
    assert tsv.splitlines()[1].startswith("ALK F1174L\tALK\tF1174L\tneuroblastoma")


def test_context_without_a_corpus_store(neurolit_home: Path) -> None:
    from neurolit.evidence.table import write_evidence
    from neurolit.review.context import corpus_articles
    from neurolit.review.service import ReviewService
    from neurolit.review.store import DecisionStore

    evidence = neurolit_home / "evidence" / "nostore.csv"
    write_evidence(founding_triples(), evidence)
    assert corpus_articles("nostore", neurolit_home) is None
    service = ReviewService("nostore", evidence, DecisionStore.for_corpus("nostore"), None)
    client = create_app(service, curator="alice").test_client()
    assert "evidence table only" in client.get("/").get_data(as_text=True)
    html = client.get(f"/t/{ids()['nras']}").get_data(as_text=True)
    assert TITLE in html and "Cold Spring Harb Mol Case Stud" in html  # from the table's own columns
    assert '<mark class="hl-gene">NRAS</mark>' in html
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/34210658/"' in html


def test_context_from_the_bundled_demo_corpus(neurolit_home: Path) -> None:
    from neurolit.evidence.table import write_evidence
    from neurolit.review.context import InputArticles, corpus_articles

    source = corpus_articles("demo", neurolit_home)
    if source is None:
        pytest.skip("the bundled demo corpus (corpora/demo) is not readable here")
    assert isinstance(source, InputArticles)
    article = source.get("34210658")
    assert article is not None and "lorlatinib" in article.abstract
    write_evidence(founding_triples(), neurolit_home / "evidence" / "demo.csv")
    from neurolit.config import load_config
    from neurolit.review.server import open_review

    client = create_app(open_review("demo", config=load_config()), curator="alice").test_client()
    html = client.get(f"/t/{ids()['crizotinib']}").get_data(as_text=True)
    assert article.journal and article.journal in html.replace("&amp;", "&")


def test_only_loopback_host_names_are_answered(review_env: ReviewEnv) -> None:
    client = create_app(review_env.service, curator="alice").test_client()
    for host in ("127.0.0.1:8765", "localhost", "[::1]:8765"):
        assert client.get("/", headers={"Host": host}).status_code == 200, host
    response = client.get("/", headers={"Host": "rebind.attacker.example:8765"})
    assert response.status_code == 400 and "answers on 127.0.0.1 or localhost only" in response.get_data(
        as_text=True
    )
    assert "alice" not in response.get_data(as_text=True)  # no page chrome for strangers
    remote = create_app(review_env.service, token=TOKEN, loopback_only=False).test_client()
    assert (
        remote.get(
            "/", headers={"Host": "review.lab.example", "Authorization": f"Bearer {TOKEN}"}
        ).status_code
        == 200
    )
