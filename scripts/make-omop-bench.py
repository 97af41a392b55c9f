#!/usr/bin/env python3
"""Synthetic OMOP tables and the equivalent records file, for the OMOP route's benchmark
(docs/benchmarks.md, "2026-12-05: OMOP route").

Usage: python3 scripts/make-omop-bench.py OUT_DIR [ROWS]   (ROWS default 10^7, seeded)

Writes OUT_DIR/omop/condition_occurrence.csv and drug_exposure.csv (half the rows each; the
columns id, person_id, concept id, start date, end date, source value, as in a CDM export;
rows in random person order, as OMOP tables are) and OUT_DIR/records.csv: the same tokens as
records rows `patient_id,modality,feature` in the same order (so `--ungrouped`), and
OUT_DIR/records-grouped.csv sorted by patient. 100,000 persons, 500 condition and 500 drug
concepts drawn from a Zipf-like law.
"""
import os
import random
import sys

out = sys.argv[1]
rows = int(float(sys.argv[2])) if len(sys.argv) > 2 else 10_000_000
rng = random.Random(2812)
persons, d = 100_000, 500
weights = [1 / (k + 1) for k in range(d)]
os.makedirs(os.path.join(out, "omop"), exist_ok=True)
tokens = []
for table, col, base, mod in [("condition_occurrence", "condition", 1_000_000, "code"),
                              ("drug_exposure", "drug", 2_000_000, "cui")]:
    n = rows // 2
    ps = [rng.randrange(persons) + 1 for _ in range(n)]
    cs = rng.choices(range(base + 1, base + d + 1), weights=weights, k=n)
    date = "drug_exposure_start_date" if col == "drug" else "condition_start_date"
    end = "drug_exposure_end_date" if col == "drug" else "condition_end_date"
    with open(os.path.join(out, "omop", table + ".csv"), "w") as f:
        f.write(f"{table}_id,person_id,{col}_concept_id,{date},{end},{col}_source_value\n")
        f.writelines(f"{i + 1},{p},{c},2015-01-0{1 + i % 9},2015-02-0{1 + i % 9},S{c}\n"
                     for i, (p, c) in enumerate(zip(ps, cs)))
    tokens.extend((p, mod, c) for p, c in zip(ps, cs))
with open(os.path.join(out, "records.csv"), "w") as f:
    f.write("patient_id,modality,feature\n")
    f.writelines(f"{p},{m},{c}\n" for p, m, c in tokens)
tokens.sort(key=lambda t: t[0])
with open(os.path.join(out, "records-grouped.csv"), "w") as f:
    f.write("patient_id,modality,feature\n")
    f.writelines(f"{p},{m},{c}\n" for p, m, c in tokens)
print(f"{out}: {rows} rows")
