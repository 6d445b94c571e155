#!/usr/bin/env bash
# The main job on the bundled demo corpus (the founding case report), with no network:
# install, ingest corpora/demo into a corpus store, extract the evidence table, print it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export NEUROLIT_HOME="${NEUROLIT_HOME:-$PWD/.neurolit-demo}"
.venv/bin/neurolit ingest corpora/demo/34210658.xml --corpus demo
.venv/bin/neurolit extract demo --out evidence.csv
echo
echo "Evidence table written to $PWD/evidence.csv (corpus store under $NEUROLIT_HOME):"
.venv/bin/python - <<'PY'
import csv

with open("evidence.csv", newline="", encoding="utf-8") as handle:
    for row in csv.DictReader(handle):
        print(f"  {row['gene']:6} {row['variant']:14} {row['drug']:11} {row['significance']:12} "
              f"{row['direction']:9} {row['response']:20} {row['confidence']}")
PY
