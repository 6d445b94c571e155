"""The fetch stage: PubMed → corpus store.

- `eutils`: our E-utilities client (esearch on the history server, epost, efetch, einfo; rate limit, retries,
  the 9,999-record window split by date bisection);
- `pubmed_xml`: streaming parser of PubMed XML into `Article` and `Deletion` records;
- `medline`: MEDLINE-format exports (Bio.Medline);
- `store`: `CorpusStore`, one SQLite file per corpus (FTS5, saved query, watermark, run log);
- `run`: `fetch_query`, a resumable query → store fetch; `ingest`: `ingest_files`, local files → store.

Nothing is imported here, so `import neurolit.fetch` stays cheap.
"""
