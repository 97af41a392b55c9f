//! `simulate`, `fit` and `run`: one replicate of the paper's model, or a fit of a summary file.

use crate::io::{refuse_overwrite, worker_threads, Output};
use crate::{ModelArgs, TrainArgs};
use claime::data::export::{projector_metadata_tsv, truth_tsv};
use claime::data::format::Summary;
use claime::estimators::Method;
use claime::train::TrainerKind;
use claime::{Error, Session};
use faer::MatRef;
use std::time::Instant;

/// How embeddings are written: TSV (the Embedding Projector's) or NumPy's .npy.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Format {
    Tsv,
    Npy,
}

impl Format {
    pub(crate) fn parse(s: &str) -> Result<Self, Error> {
        match s {
            "tsv" => Ok(Format::Tsv),
            "npy" => Ok(Format::Npy),
            _ => Err(Error::param("format", format!("'{s}'"), "tsv or npy")),
        }
    }

    fn ending(self) -> &'static str {
        match self {
            Format::Tsv => "tsv",
            Format::Npy => "npy",
        }
    }

    /// The embeddings V1 (d1, p) over V2 (d2, p), codes first, as this format's file: TSV rows,
    /// or a (d1 + d2, p) float64 array in NumPy's .npy format (`numpy.load` reads it).
    fn embeddings(self, v1: MatRef<'_, f64>, v2: MatRef<'_, f64>) -> Result<Vec<u8>, Error> {
        match self {
            Format::Tsv => Ok(truth_tsv(v1, v2).into_bytes()),
            Format::Npy => {
                use ndarray_npy::WriteNpyExt;
                let mut bytes = Vec::new();
                stacked(v1, v2)
                    .write_npy(&mut bytes)
                    .map_err(|e| Error::Unsupported { what: format!("writing .npy failed: {e}") })?;
                Ok(bytes)
            }
        }
    }
}

/// V1 (d1, p) over V2 (d2, p) as one (d1 + d2, p) array, codes first.
fn stacked(v1: MatRef<'_, f64>, v2: MatRef<'_, f64>) -> ndarray::Array2<f64> {
    let d1 = v1.nrows();
    ndarray::Array2::from_shape_fn(
        (d1 + v2.nrows(), v1.ncols()),
        |(i, j)| if i < d1 { v1[(i, j)] } else { v2[(i - d1, j)] },
    )
}

pub(crate) fn simulate(model: &ModelArgs, out: &str, threads: Option<usize>, format: Format) -> Result<(), Error> {
    let params = model.params()?.check()?;
    let (summary_path, truth_path) = (format!("{out}.summary.json"), format!("{out}.truth.{}", format.ending()));
    let (summary_file, truth_file) = (Output::open("out", &summary_path)?, Output::open("out", &truth_path)?);
    let mut session = Session::new(params, true);
    session.set_threads(worker_threads(threads)?);
    session.advance(usize::MAX);
    let summary = Summary::with_default_names(session.stats().clone());
    summary_file.write(&summary.to_json())?;
    truth_file.write_bytes(
        &format.embeddings(claime::linalg::mat(&session.truth().v1), claime::linalg::mat(&session.truth().v2))?,
    )?;
    eprintln!("wrote {summary_path} and {truth_path}");
    Ok(())
}

pub(crate) fn fit(summary: &str, p: usize, method: &str, seed: u64, out: &str, format: Format) -> Result<(), Error> {
    let (vectors_path, metadata_path) = (format!("{out}.vectors.{}", format.ending()), format!("{out}.metadata.tsv"));
    refuse_overwrite(&[("out", &vectors_path), ("out", &metadata_path)], &[("summary", summary)])?;
    let (vectors_file, metadata_file) = (Output::open("out", &vectors_path)?, Output::open("out", &metadata_path)?);
    let s = crate::data::read_summary(summary)?;
    let dmin = s.stats.d1.min(s.stats.d2);
    if p == 0 || p > dmin {
        return Err(Error::param("p", p, format!("an integer in [1, {dmin}] (the smaller modality)")));
    }
    let m = Method::parse(method)?;
    claime::data::fit::check_fit_budget(s.stats.d1, s.stats.d2, &[m], claime::params::DEFAULT_MEMORY_BUDGET)?;
    let f = m.fit(&s.stats, p, seed)?;
    vectors_file.write_bytes(&format.embeddings(claime::linalg::mat(&f.v1), claime::linalg::mat(&f.v2))?)?;
    metadata_file.write(&projector_metadata_tsv(&s.codes, &s.cuis))?;
    if f.zero_rows.0 + f.zero_rows.1 > 0 {
        eprintln!("note: {} codes and {} CUIs have no usable counts and got zero rows", f.zero_rows.0, f.zero_rows.1);
    }
    eprintln!("wrote {vectors_path} and {metadata_path}");
    Ok(())
}

/// The first lines of `run`'s table: the parameters, the simulation time, the no-recovery level.
fn print_header(report: &claime::Report) {
    let p = &report.params;
    println!(
        "d1={} d2={} p={} n={} mean_t={} noise={} c={} rho={} tau2={} signal={} seed={}",
        p.d1,
        p.d2,
        p.p,
        p.n,
        p.mean_t,
        p.noise.name(),
        p.c,
        p.rho,
        p.tau2,
        p.signal,
        p.seed
    );
    println!(
        "simulation: {:.0} ms; no-recovery level sqrt(2p) = {:.4}",
        report.timings_ms["simulate"], report.no_recovery
    );
}

pub(crate) fn run(
    model: &ModelArgs,
    methods: &str,
    json: bool,
    threads: Option<usize>,
    train: &TrainArgs,
) -> Result<(), Error> {
    let (svd_methods, trainers) = claime::train::parse_method_list(methods)?;
    if !trainers.is_empty() {
        return run_with_trainers(model, &svd_methods, &trainers, json, worker_threads(threads)?, train);
    }
    let methods = Method::parse_list(methods)?;
    let start = Instant::now();
    let mut clock = || start.elapsed().as_secs_f64() * 1e3;
    let report = claime::run_threads(model.params()?, &methods, worker_threads(threads)?, &mut clock)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report).map_err(|e| Error::Unsupported { what: e.to_string() })?);
        return Ok(());
    }
    print_header(&report);
    println!("{} {:>8}", metrics_head(8), "fit ms");
    for m in &methods {
        println!(
            "{} {:>8.1}",
            metrics_row(8, m.name(), &report.methods[m.name()].metrics),
            report.timings_ms[m.name()]
        );
    }
    Ok(())
}

/// The head of `run`'s metric tables, after a name column `width` wide.
fn metrics_head(width: usize) -> String {
    format!(
        "{:<width$} {:>9} {:>7} {:>7} {:>8} {:>8} {:>8} {:>7}",
        "method", "proj.dist", "codes", "cuis", "literal", "sim.corr", "retr@10", "AUC"
    )
}

/// One row of `run`'s metric tables: `name` in a column `width` wide, then the metrics.
fn metrics_row(width: usize, name: &str, r: &claime::Metrics) -> String {
    format!(
        "{:<width$} {:>9.4} {:>7.4} {:>7.4} {:>8.4} {:>8.4} {:>8.4} {:>7.4}",
        name,
        r.projection_distance,
        r.projection_distance_codes,
        r.projection_distance_cuis,
        r.literal_error,
        r.similarity_correlation,
        r.retrieval_at_10,
        r.relatedness_auc
    )
}

/// `run` with trainers: the SVD methods' table as in `run`, then each trainer's metrics with its
/// projection distance to the matching SVD solution and its final loss.
fn run_with_trainers(
    model: &ModelArgs,
    methods: &[Method],
    trainers: &[TrainerKind],
    json: bool,
    threads: usize,
    t: &TrainArgs,
) -> Result<(), Error> {
    let tp = t.params().check()?;
    // The SVD methods run, and those the trainers are compared with.
    let fitted: Vec<Method> = methods.iter().copied().chain(trainers.iter().map(|k| k.reference())).collect();
    let params = model.params()?.check_for(claime::Method::any_needs_within(&fitted))?;
    let start = Instant::now();
    let mut clock = || start.elapsed().as_secs_f64() * 1e3;
    let within = fitted.iter().any(|m| m.needs_within());
    let (session, mut report) = claime::replicate(params, within, methods, threads, &mut clock)?;
    let (trained, times) = claime::train::run_trainers(&session, trainers, &tp, &mut clock)?;
    report.timings_ms.extend(times);
    let to_err = |e: serde_json::Error| Error::Unsupported { what: e.to_string() };
    if json {
        let mut v = serde_json::to_value(&report).map_err(to_err)?;
        v["trainers"] = serde_json::to_value(&trained).map_err(to_err)?;
        v["train_params"] = serde_json::to_value(tp.params()).map_err(to_err)?;
        println!("{}", serde_json::to_string_pretty(&v).map_err(to_err)?);
        return Ok(());
    }
    print_header(&report);
    // Names up to "claime-temp": 11 characters.
    let row = |name: &str, r: &claime::Metrics| metrics_row(11, name, r);
    let head = metrics_head(11);
    if !methods.is_empty() {
        println!("{head} {:>8}", "fit ms");
        for m in methods {
            println!("{} {:>8.1}", row(m.name(), &report.methods[m.name()].metrics), report.timings_ms[m.name()]);
        }
    }
    println!(
        "training: lambda={} lr={} batch={} temperature={} epochs={} tol={}",
        tp.lambda,
        tp.lr.map_or("default".to_string(), |x| x.to_string()),
        tp.batch,
        tp.temperature,
        tp.epochs,
        tp.tol
    );
    println!("{head} {:>8} {:>12} {:>7} {:>9}", "to svd", "final loss", "epochs", "train ms");
    for k in trainers {
        let r = &trained[k.name()];
        println!(
            "{} {:>8.4} {:>12.5e} {:>7} {:>9.1}",
            row(k.name(), &r.metrics),
            r.distance_to_svd,
            r.final_loss,
            r.epochs,
            report.timings_ms[k.name()]
        );
    }
    Ok(())
}
