//! `claime`: the native command line over the same core as the browser explorer.
//!
//! This file holds the subcommands' flags (clap) and the dispatch; `args` the shared flags and
//! every default; the subcommands live by concern:
//! `replicate` (`simulate`, `fit`, `run`), `study` (`experiment`, `regime`), `data`
//! (`summarize`, `merge`, `evaluate`), `omop` (`summarize --omop`, `--from-sql`, `omop-sql`) and
//! `io` (files, messages, threads). Bad input prints one
//! line naming the flag or field and exits with status 2.

mod args;
mod data;
mod io;
mod omop;
mod replicate;
mod study;

use args::{map, model, range_flag, study};
pub(crate) use args::{ModelArgs, TrainArgs};
use claime::params::Params;
use claime::Error;
use clap::{Parser, Subcommand};
use io::message;
use replicate::{fit, run, simulate};
use std::process::ExitCode;
use study::{experiment, regime};

#[derive(Parser)]
#[command(
    name = "claime",
    version,
    about = "CLAIME: contrastive learning on multimodal EHR summary statistics (Cai et al., arXiv 2403.14926)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Map where multimodality wins: CLAIME's mean projection distance minus the best
    /// baseline's over a grid of (signal scale, noise level); CSV and optionally an SVG map with
    /// the boundary where CLAIME starts to win.
    Regime {
        /// Signal scale range A:B.
        #[arg(long, default_value_t = range_flag(map().signal))]
        signal: String,
        /// Noise level range A:B (c for spike, rho for ar1, tau2 for orthogonal).
        #[arg(long, default_value_t = range_flag(map().level))]
        level: String,
        /// Points per axis.
        #[arg(long, default_value_t = map().grid)]
        grid: usize,
        /// Noise structure.
        #[arg(long, value_parser = ["spike", "ar1", "orthogonal"], default_value = map().noise.name())]
        noise: String,
        /// Replicates per cell.
        #[arg(long, default_value_t = map().reps)]
        reps: usize,
        /// Codes.
        #[arg(long, default_value_t = map().base.d1)]
        d1: usize,
        /// CUIs.
        #[arg(long, default_value_t = map().base.d2)]
        d2: usize,
        /// Patients.
        #[arg(long, default_value_t = map().base.n)]
        n: usize,
        /// Embedding dimension.
        #[arg(long, default_value_t = map().base.p)]
        p: usize,
        /// Seed.
        #[arg(long, default_value_t = map().base.seed)]
        seed: u64,
        /// Worker threads (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
        /// Output CSV file.
        #[arg(long)]
        out: String,
        /// Also write the map as SVG.
        #[arg(long)]
        svg: Option<String>,
    },
    /// The paper's simulation study (model.md §7): one experiment (vary n, d or the noise level),
    /// or several, for several methods over many replicates; writes the mean, median and
    /// 10th/90th percentiles of the projection distance per grid point and method as CSV,
    /// optionally a figure.
    Experiment {
        /// Which experiment: n (n = 2..10 x 10^4, d = 1000), d (d = 200..1000, n = 10^5) or noise
        /// (spike: c in [0.2, 1], 5 points; ar1: rho in [0, 0.9], 10 points); a comma-separated
        /// list, or all (n,d,noise), runs them as one job that computes the points they share
        /// once (the paper's default point), with --out and --svg holding {exp}.
        #[arg(long)]
        exp: String,
        /// Noise case.
        #[arg(long, value_parser = ["spike", "ar1"], default_value = study().noise.name())]
        noise: String,
        /// Replicates per grid point.
        #[arg(long, default_value_t = study().reps)]
        reps: usize,
        /// Worker threads (default: all cores). Results do not depend on it.
        #[arg(long)]
        threads: Option<usize>,
        /// Comma-separated methods: SVD methods (claime, concate, cl) and trainers (claime-gd,
        /// cl-gd, claime-sgd, claime-temp; trained for --epochs on the same replicates).
        #[arg(long, default_value_t = study().method_names().join(","))]
        methods: String,
        /// Signal scale (1 = the paper).
        #[arg(long, default_value_t = study().base.signal)]
        signal: f64,
        /// Embedding dimension.
        #[arg(long, default_value_t = study().base.p)]
        p: usize,
        /// Multiplies every n of the grid (1 = the paper; e.g. 0.1 for a quick look).
        #[arg(long = "n-scale", default_value_t = study().n_scale)]
        n_scale: f64,
        /// Seed; replicate r uses a seed derived from it.
        #[arg(long, default_value_t = study().base.seed)]
        seed: u64,
        /// Output CSV file; {exp} in it is replaced by the experiment's name (required when
        /// --exp names several: one file each).
        #[arg(long)]
        out: String,
        /// Also write the figure (mean line and 10-90% band per method) as SVG; {exp} as in --out.
        #[arg(long)]
        svg: Option<String>,
        #[command(flatten)]
        train: TrainArgs,
    },
    /// Summarise patient records (CSV or TSV rows `patient_id, modality (code|cui), feature[,
    /// count]`, optional header) into a claime-summary file, streaming the file in 1 MiB chunks.
    Summarize {
        /// The records file (or --omop DIR, or --from-sql RESULT).
        #[arg(required_unless_present_any = ["omop", "from_sql"], conflicts_with_all = ["omop", "from_sql"])]
        records: Option<String>,
        /// Read an OMOP CDM export instead: the folder of table files (condition_occurrence.csv,
        /// ..., concept.csv for names; CSV or TSV, optionally .gz). Needs --codes and --cuis.
        #[arg(long, conflicts_with = "from_sql")]
        omop: Option<String>,
        /// OMOP domains of the codes (modality 1): comma list of condition, drug, procedure,
        /// measurement, observation, device, note_nlp.
        #[arg(long, requires = "omop")]
        codes: Option<String>,
        /// OMOP domains of the CUIs (modality 2), as --codes.
        #[arg(long, requires = "omop")]
        cuis: Option<String>,
        /// OMOP: keep rows whose start date is on or after this day (YYYY-MM-DD).
        #[arg(long, requires = "omop")]
        from: Option<String>,
        /// OMOP: keep rows whose start date is on or before this day (YYYY-MM-DD).
        #[arg(long, requires = "omop")]
        to: Option<String>,
        /// OMOP: features are the *_source_value texts instead of the concept ids.
        #[arg(long = "source-values", requires = "omop")]
        source_values: bool,
        /// The exported result of the query of `claime omop-sql` (kind,a,b,value).
        #[arg(long = "from-sql")]
        from_sql: Option<String>,
        /// With --from-sql: the concept table, for feature names.
        #[arg(long, requires = "from_sql")]
        concepts: Option<String>,
        /// Output claime-summary file.
        #[arg(long)]
        out: String,
        /// The rows are not grouped by patient: hold every row in memory. Without it, a file found
        /// not to be grouped is read a second time in this mode.
        #[arg(long)]
        ungrouped: bool,
        /// Leave out the within-modality counts (code_code, cui_cui): smaller, CLAIME only.
        #[arg(long = "no-within")]
        no_within: bool,
    },
    /// Print SQL computing the summary statistics inside an OMOP CDM database (no patient-level
    /// row in its result: one table kind,a,b,value); turn its exported result into a summary
    /// with `claime summarize --from-sql result.csv --concepts concept.csv --out FILE`.
    OmopSql {
        /// OMOP domains of the codes (modality 1): comma list of condition, drug, procedure,
        /// measurement, observation, device, note_nlp.
        #[arg(long)]
        codes: String,
        /// OMOP domains of the CUIs (modality 2), as --codes.
        #[arg(long)]
        cuis: String,
        /// The database.
        #[arg(long, default_value = "duckdb")]
        dialect: String,
        /// Schema of the CDM tables.
        #[arg(long)]
        schema: Option<String>,
        /// Leave out the within-modality pairs.
        #[arg(long = "no-within")]
        no_within: bool,
        /// Keep rows whose start date is on or after this day (YYYY-MM-DD).
        #[arg(long)]
        from: Option<String>,
        /// Keep rows whose start date is on or before this day (YYYY-MM-DD).
        #[arg(long)]
        to: Option<String>,
    },
    /// Merge claime-summary files of several sites: union of features by name, counts added.
    Merge {
        /// The summary files, in order (the first file's features come first).
        #[arg(required = true, num_args = 1..)]
        summaries: Vec<String>,
        /// Output claime-summary file.
        #[arg(long)]
        out: String,
    },
    /// Per relation of a pairs file (feature_a, feature_b, relation[, kind]) and per method, the
    /// AUC of cosine similarity of the known pairs against random pairs of the same kinds.
    Evaluate {
        /// A claime-summary version 1 JSON file.
        #[arg(long)]
        summary: String,
        /// The pairs file (CSV or TSV).
        #[arg(long)]
        pairs: String,
        /// Comma-separated methods [default: claime,concate,cl, or claime alone when the summary
        /// has no within-modality counts].
        #[arg(long)]
        method: Option<String>,
        /// Embedding dimension.
        #[arg(long, default_value_t = model().p)]
        p: usize,
        /// Random negative pairs per known pair.
        #[arg(long, default_value_t = 10)]
        negatives: usize,
        /// Seed of the negatives and of the factorizations' start vectors.
        #[arg(long, default_value_t = model().seed)]
        seed: u64,
        /// Also write the table as CSV.
        #[arg(long)]
        out: Option<String>,
    },
    /// Simulate the paper's model; write PREFIX.summary.json (with code_code and cui_cui) and
    /// PREFIX.truth.tsv (true embeddings, codes then CUIs, one row per feature, no header).
    Simulate {
        #[command(flatten)]
        model: ModelArgs,
        /// Output prefix.
        #[arg(long)]
        out: String,
        /// Simulation threads (default: all cores). The patients do not depend on it.
        #[arg(long)]
        threads: Option<usize>,
        /// Format of the true embeddings: tsv (PREFIX.truth.tsv) or npy (PREFIX.truth.npy, a
        /// (d1 + d2, p) float64 array, codes first).
        #[arg(long, value_parser = ["tsv", "npy"], default_value = "tsv")]
        format: String,
    },
    /// Fit a method to a claime-summary file; write PREFIX.vectors.tsv and PREFIX.metadata.tsv
    /// (the TensorFlow Embedding Projector's format, codes first, in file order).
    Fit {
        /// A claime-summary version 1 JSON file.
        #[arg(long)]
        summary: String,
        /// Embedding dimension.
        #[arg(long)]
        p: usize,
        /// Estimator.
        #[arg(long, value_parser = ["claime", "concate", "cl"], default_value = "claime")]
        method: String,
        /// Seed of the factorization's start vector.
        #[arg(long, default_value_t = model().seed)]
        seed: u64,
        /// Output prefix.
        #[arg(long)]
        out: String,
        /// Format of the vectors: tsv (PREFIX.vectors.tsv) or npy (PREFIX.vectors.npy, a
        /// (d1 + d2, p) float64 array, codes first); the names go to PREFIX.metadata.tsv either way.
        #[arg(long, value_parser = ["tsv", "npy"], default_value = "tsv")]
        format: String,
    },
    /// Simulate, fit each method and print its recovery metrics and timings.
    Run {
        #[command(flatten)]
        model: ModelArgs,
        /// Comma-separated methods: claime, concate, cl, and the trainers claime-gd, claime-sgd,
        /// cl-gd, claime-temp.
        #[arg(long, default_value_t = study().method_names().join(","))]
        methods: String,
        /// Print one JSON object instead of a table.
        #[arg(long)]
        json: bool,
        /// Simulation threads (default: all cores). The numbers do not depend on it.
        #[arg(long)]
        threads: Option<usize>,
        #[command(flatten)]
        train: TrainArgs,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let _ = e.print();
                return if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                    ExitCode::from(2)
                } else {
                    ExitCode::SUCCESS
                };
            }
            let text = e.to_string();
            // clap's message without its usage block: one line, with the allowed values if any.
            let first = text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with("Usage:") && !l.starts_with("For more information"))
                .collect::<Vec<_>>()
                .join(" ");
            let first = first.trim_start_matches("error: ");
            eprintln!("error: {} (see claime --help)", io::printable(first));
            return ExitCode::from(2);
        }
    };
    let result = match &cli.command {
        Command::Simulate { model, out, threads, format } => {
            replicate::Format::parse(format).and_then(|f| simulate(model, out, *threads, f))
        }
        Command::Summarize {
            records,
            out,
            ungrouped,
            no_within,
            omop: dir,
            codes,
            cuis,
            from,
            to,
            source_values,
            from_sql,
            concepts,
        } => {
            let flags = omop::OmopFlags {
                codes: codes.as_deref(),
                cuis: cuis.as_deref(),
                from: from.as_deref(),
                to: to.as_deref(),
                no_within: *no_within,
            };
            match (records, dir, from_sql) {
                (_, Some(dir), _) => omop::summarize_omop(dir, &flags, *source_values, out),
                (_, _, Some(result)) => omop::summarize_from_sql(result, concepts.as_deref(), out),
                (Some(records), _, _) => data::summarize(records, out, *ungrouped, *no_within),
                (None, None, None) => {
                    Err(Error::param("records", "nothing", "a records file, --omop DIR or --from-sql FILE"))
                }
            }
        }
        Command::OmopSql { codes, cuis, dialect, schema, no_within, from, to } => {
            let flags = omop::OmopFlags {
                codes: Some(codes),
                cuis: Some(cuis),
                from: from.as_deref(),
                to: to.as_deref(),
                no_within: *no_within,
            };
            omop::omop_sql(&flags, dialect, schema.as_deref())
        }
        Command::Merge { summaries, out } => data::merge(summaries, out),
        Command::Evaluate { summary, pairs, method, p, negatives, seed, out } => {
            data::evaluate(summary, pairs, method.as_deref(), *p, *negatives, *seed, out.as_deref())
        }
        Command::Fit { summary, p, method, seed, out, format } => {
            replicate::Format::parse(format).and_then(|f| fit(summary, *p, method, *seed, out, f))
        }
        Command::Run { model, methods, json, threads, train } => run(model, methods, *json, *threads, train),
        Command::Regime { signal, level, grid, noise, reps, d1, d2, n, p, seed, threads, out, svg } => {
            let base = Params { d1: *d1, d2: *d2, n: *n, p: *p, seed: *seed, ..Params::default() };
            regime(signal, level, *grid, noise, *reps, base, *threads, out, svg.as_deref())
        }
        Command::Experiment { exp, noise, reps, threads, methods, signal, p, n_scale, seed, out, svg, train } => {
            experiment(exp, noise, *reps, *threads, methods, *signal, *p, *n_scale, *seed, out, svg.as_deref(), train)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", message(&e));
            ExitCode::from(2)
        }
    }
}
