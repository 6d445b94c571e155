"""The local PubMed mirror: file server client, MD5-verified resumable downloads, ingest once, FTS queries."""
