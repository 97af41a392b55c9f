//! The SQL route (`claime omop-sql`): one query that computes the summary's statistics inside
//! an OMOP CDM database, so that no patient-level row leaves it. Its result is one table in a
//! long format (docs/formats.md §6), turned into a `claime-summary` by [`super::result`]:
//!
//! | kind | a | b | value |
//! |---|---|---|---|
//! | `patients` | | | persons with at least one token |
//! | `within` | | | 1 when the within-modality pairs were computed (absent otherwise) |
//! | `code_count`, `cui_count` | concept id | | N_M(a) |
//! | `code_pair_total`, `cui_pair_total` | concept id | | gamma_M(a) |
//! | `cross` | code's concept id | CUI's concept id | D12(a, b) |
//! | `code_code`, `cui_cui` | concept id | concept id (a <= b) | C_MM(a, b) |
//!
//! Rows with value 0 are left out. The query is the same in the three dialects (PostgreSQL,
//! DuckDB, Spark SQL agree on `WITH`, `UNION ALL`, `CAST(NULL AS BIGINT)`, `DATE '...'`); the
//! dialect chooses the export instructions in its header comment.

use super::domain::Domain;
use super::reader::Selection;
use crate::error::{Error, Result};

/// A database the query is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// PostgreSQL (psql's `\copy` exports the result).
    Postgresql,
    /// DuckDB (`COPY (...) TO`).
    Duckdb,
    /// Spark SQL (`spark.sql(...).write.csv`).
    Spark,
}

impl Dialect {
    /// By name, any letter case (`postgres` also accepted).
    pub fn parse(s: &str) -> Result<Dialect> {
        match s.trim().to_ascii_lowercase().as_str() {
            "postgresql" | "postgres" => Ok(Dialect::Postgresql),
            "duckdb" => Ok(Dialect::Duckdb),
            "spark" => Ok(Dialect::Spark),
            other => Err(Error::param("dialect", format!("'{other}'"), "postgresql, duckdb or spark")),
        }
    }
    /// The name.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Postgresql => "postgresql",
            Dialect::Duckdb => "duckdb",
            Dialect::Spark => "spark",
        }
    }
}

/// What the query computes.
#[derive(Debug, Clone, PartialEq)]
pub struct SqlOptions {
    /// The rows that count (as for the tables read directly).
    pub select: Selection,
    /// Schema holding the CDM tables (none: the default search path).
    pub schema: Option<String>,
    /// The database.
    pub dialect: Dialect,
}

/// The query, with a header comment on what it computes and how to export its result.
pub fn omop_sql(o: &SqlOptions) -> Result<String> {
    if o.select.codes.is_empty() || o.select.cuis.is_empty() {
        return Err(Error::param(
            if o.select.codes.is_empty() { "codes" } else { "cuis" },
            "nothing",
            "at least one domain",
        ));
    }
    if let Some(d) = o.select.codes.iter().find(|d| o.select.cuis.contains(d)) {
        return Err(Error::param("cuis", d.name(), "domains not also given to --codes"));
    }
    if let Some(s) = &o.schema {
        if s.is_empty() || !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') {
            return Err(Error::param("schema", format!("'{s}'"), "a name of letters, digits, _ and ."));
        }
    }
    let t = |table: &str| match &o.schema {
        Some(s) => format!("{s}.{table}"),
        None => table.to_string(),
    };
    let names = |ds: &[Domain]| ds.iter().map(|d| d.name()).collect::<Vec<_>>().join(",");
    let mut q = String::new();
    q.push_str(&format!(
        "-- claime omop-sql --codes {} --cuis {} --dialect {}{}{}{}{}\n",
        names(&o.select.codes),
        names(&o.select.cuis),
        o.dialect.name(),
        o.schema.as_ref().map(|s| format!(" --schema {s}")).unwrap_or_default(),
        if o.select.within { "" } else { " --no-within" },
        o.select.from.map(|d| format!(" --from {}", d.iso())).unwrap_or_default(),
        o.select.to.map(|d| format!(" --to {}", d.iso())).unwrap_or_default(),
    ));
    q.push_str("-- Summary statistics of an OMOP CDM database (docs/formats.md, the SQL route): one table\n");
    q.push_str("-- kind,a,b,value with no patient-level row. Turn the exported CSV into a claime-summary with\n");
    q.push_str("--   claime summarize --from-sql result.csv --concepts concept.csv --out site.summary.json\n");
    q.push_str(match o.dialect {
        Dialect::Postgresql => {
            "-- Export (psql): \\copy (<this query without the final semicolon>) to 'result.csv' csv header\n"
        }
        Dialect::Duckdb => {
            "-- Export (duckdb): COPY (<this query without the final semicolon>) TO 'result.csv' (HEADER);\n"
        }
        Dialect::Spark => {
            "-- Export (Spark): spark.sql(query).coalesce(1).write.option('header', True).csv('result')\n"
        }
    });
    q.push_str("WITH tokens AS (\n");
    let mut first = true;
    for (m, ds) in [(1, &o.select.codes), (2, &o.select.cuis)] {
        for &d in ds.iter() {
            if !first {
                q.push_str("  UNION ALL\n");
            }
            first = false;
            q.push_str(&branch(d, m, o, &t));
        }
    }
    q.push_str("),\n");
    q.push_str(
        "bag AS (SELECT person_id, m, concept_id, COUNT(*) AS x FROM tokens GROUP BY person_id, m, concept_id),\n",
    );
    q.push_str("tot AS (SELECT person_id, m, SUM(x) AS t FROM bag GROUP BY person_id, m),\n");
    q.push_str("stats AS (\n");
    q.push_str("  SELECT 'patients' AS kind, CAST(NULL AS BIGINT) AS a, CAST(NULL AS BIGINT) AS b, COUNT(DISTINCT person_id) AS value FROM tokens\n");
    if o.select.within {
        q.push_str("  UNION ALL SELECT 'within', CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), 1\n");
    }
    q.push_str("  UNION ALL SELECT CASE WHEN m = 1 THEN 'code_count' ELSE 'cui_count' END, concept_id, CAST(NULL AS BIGINT), SUM(x)\n");
    q.push_str("    FROM bag GROUP BY m, concept_id\n");
    q.push_str("  UNION ALL SELECT CASE WHEN p.m = 1 THEN 'code_pair_total' ELSE 'cui_pair_total' END, p.concept_id, CAST(NULL AS BIGINT), SUM(p.x * (s.t - 1))\n");
    q.push_str("    FROM bag p JOIN tot s ON s.person_id = p.person_id AND s.m = p.m GROUP BY p.m, p.concept_id\n");
    q.push_str("  UNION ALL SELECT 'cross', p.concept_id, q.concept_id, SUM(p.x * q.x)\n");
    q.push_str("    FROM bag p JOIN bag q ON q.person_id = p.person_id WHERE p.m = 1 AND q.m = 2 GROUP BY p.concept_id, q.concept_id\n");
    if o.select.within {
        q.push_str(
            "  UNION ALL SELECT CASE WHEN p.m = 1 THEN 'code_code' ELSE 'cui_cui' END, p.concept_id, q.concept_id,\n",
        );
        q.push_str("    SUM(CASE WHEN p.concept_id = q.concept_id THEN p.x * (p.x - 1) ELSE p.x * q.x END)\n");
        q.push_str(
            "    FROM bag p JOIN bag q ON q.person_id = p.person_id AND q.m = p.m AND p.concept_id <= q.concept_id\n",
        );
        q.push_str("    GROUP BY p.m, p.concept_id, q.concept_id\n");
    }
    q.push_str(")\n");
    q.push_str("SELECT kind, a, b, value FROM stats WHERE value <> 0 ORDER BY kind, a, b;\n");
    Ok(q)
}

/// One domain's tokens: `person_id, m, concept_id`, unmapped rows (concept 0 or NULL) and rows
/// outside the window left out.
fn branch(d: Domain, m: u8, o: &SqlOptions, t: &dyn Fn(&str) -> String) -> String {
    let c = d.concept_column();
    let (from, person, date) = if d == Domain::NoteNlp {
        (
            format!("{} r JOIN {} n ON n.note_id = r.note_id", t(d.table()), t("note")),
            "n.person_id".to_string(),
            "COALESCE(r.nlp_date, n.note_date)".to_string(),
        )
    } else {
        (format!("{} r", t(d.table())), "r.person_id".to_string(), format!("r.{}", d.date_column()))
    };
    let mut w = format!("r.{c} <> 0");
    if let Some(f) = o.select.from {
        w.push_str(&format!(" AND {date} >= DATE '{}'", f.iso()));
    }
    if let Some(to) = o.select.to {
        w.push_str(&format!(" AND {date} <= DATE '{}'", to.iso()));
    }
    format!("  SELECT {person} AS person_id, {m} AS m, r.{c} AS concept_id FROM {from} WHERE {w}\n")
}
