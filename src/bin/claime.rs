//! `claime`: the native command line over the same core as the browser explorer.
//!
//! Subcommands: `simulate` (write a summary file and the true embeddings), `fit` (embeddings from
//! a summary file, in the Embedding Projector's TSV format) and `run` (simulate, fit, print the
//! metrics). Bad input prints one line naming the flag or field and exits with status 2.

use claime::estimators::Method;
use claime::export::{projector_metadata_tsv, projector_vectors_tsv, truth_tsv};
use claime::format::Summary;
use claime::params::{NoiseKind, Params};
use claime::train::{TrainParams, TrainerKind};
use claime::{Error, Session};
use clap::{Args, Parser, Subcommand};
use std::process::ExitCode;
use std::time::Instant;

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
        #[arg(long, default_value = "0.5:4")]
        signal: String,
        /// Noise level range A:B (c for spike, rho for ar1, tau2 for orthogonal).
        #[arg(long, default_value = "0.05:1")]
        level: String,
        /// Points per axis.
        #[arg(long, default_value_t = 6)]
        grid: usize,
        /// Noise structure.
        #[arg(long, value_parser = ["spike", "ar1", "orthogonal"], default_value = "spike")]
        noise: String,
        /// Replicates per cell.
        #[arg(long, default_value_t = 2)]
        reps: usize,
        /// Codes.
        #[arg(long, default_value_t = 200)]
        d1: usize,
        /// CUIs.
        #[arg(long, default_value_t = 200)]
        d2: usize,
        /// Patients.
        #[arg(long, default_value_t = 20_000)]
        n: usize,
        /// Embedding dimension.
        #[arg(long, default_value_t = 4)]
        p: usize,
        /// Seed.
        #[arg(long, default_value_t = 1)]
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
    /// The paper's simulation study (model.md §7): one experiment (vary n, d or the noise level)
    /// for several methods over many replicates; writes the mean, median and 10th/90th
    /// percentiles of the projection distance per grid point and method as CSV, optionally a figure.
    Experiment {
        /// Which experiment: n (n = 2..10 x 10^4, d = 1000), d (d = 200..1000, n = 10^5) or noise
        /// (spike: c in [0.2, 1], 5 points; ar1: rho in [0, 0.9], 10 points).
        #[arg(long, value_parser = ["n", "d", "noise"])]
        exp: String,
        /// Noise case.
        #[arg(long, value_parser = ["spike", "ar1"], default_value = "spike")]
        noise: String,
        /// Replicates per grid point.
        #[arg(long, default_value_t = 500)]
        reps: usize,
        /// Worker threads (default: all cores). Results do not depend on it.
        #[arg(long)]
        threads: Option<usize>,
        /// Comma-separated methods: SVD methods (claime, concate, cl) and trainers (claime-gd,
        /// cl-gd, claime-sgd, claime-temp; trained for --epochs on the same replicates).
        #[arg(long, default_value = "claime,concate,cl")]
        methods: String,
        /// Signal scale (1 = the paper).
        #[arg(long, default_value_t = 1.0)]
        signal: f64,
        /// Embedding dimension.
        #[arg(long, default_value_t = 4)]
        p: usize,
        /// Multiplies every n of the grid (1 = the paper; e.g. 0.1 for a quick look).
        #[arg(long = "n-scale", default_value_t = 1.0)]
        n_scale: f64,
        /// Seed; replicate r uses a seed derived from it.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Output CSV file.
        #[arg(long)]
        out: String,
        /// Also write the figure (mean line and 10-90% band per method) as SVG.
        #[arg(long)]
        svg: Option<String>,
        #[command(flatten)]
        train: TrainArgs,
    },
    /// Summarise patient records (CSV or TSV rows `patient_id, modality (code|cui), feature[,
    /// count]`, optional header) into a claime-summary file, streaming the file in 1 MiB chunks.
    Summarize {
        /// The records file.
        records: String,
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
        #[arg(long, default_value_t = 4)]
        p: usize,
        /// Random negative pairs per known pair.
        #[arg(long, default_value_t = 10)]
        negatives: usize,
        /// Seed of the negatives and of the factorizations' start vectors.
        #[arg(long, default_value_t = 1)]
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
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Output prefix.
        #[arg(long)]
        out: String,
    },
    /// Simulate, fit each method and print its recovery metrics and timings.
    Run {
        #[command(flatten)]
        model: ModelArgs,
        /// Comma-separated methods: claime, concate, cl, and the trainers claime-gd, claime-sgd,
        /// cl-gd, claime-temp.
        #[arg(long, default_value = "claime,concate,cl")]
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

/// The trainers' flags of `run` (used when --methods names a trainer).
#[derive(Args)]
struct TrainArgs {
    /// Temperature of claime-temp: a number, or inf for the linear loss.
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    temperature: f64,
    /// Epochs of each trainer (a full-batch trainer takes one step per epoch).
    #[arg(long, default_value_t = 50)]
    epochs: usize,
    /// Relative learning rate (default 0.5 for claime-gd and cl-gd, 0.05 for the Adam trainers).
    #[arg(long, allow_negative_numbers = true)]
    lr: Option<f64>,
    /// Patients per minibatch (claime-sgd, claime-temp).
    #[arg(long, default_value_t = 256)]
    batch: usize,
    /// Regulariser lambda.
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    lambda: f64,
}

impl TrainArgs {
    /// The trainers' settings these flags give.
    fn params(&self) -> TrainParams {
        TrainParams {
            lambda: self.lambda,
            lr: self.lr,
            batch: self.batch,
            temperature: self.temperature,
            epochs: self.epochs,
            ..TrainParams::default()
        }
    }
}

/// The model flags, defaulting to the paper's settings.
#[derive(Args)]
struct ModelArgs {
    /// Number of codes (modality 1).
    #[arg(long, default_value_t = 500)]
    d1: usize,
    /// Number of CUIs (modality 2).
    #[arg(long, default_value_t = 500)]
    d2: usize,
    /// Embedding dimension.
    #[arg(long, default_value_t = 4)]
    p: usize,
    /// Number of patients.
    #[arg(long, default_value_t = 20_000)]
    n: usize,
    /// Mean tokens per patient and modality (Poisson, redrawn below 2).
    #[arg(long = "mean-t", default_value_t = 50.0)]
    mean_t: f64,
    /// Noise structure.
    #[arg(long, value_parser = ["spike", "ar1", "orthogonal", "none"], default_value = "spike")]
    noise: String,
    /// Spike level: noisy features get variance 1/c.
    #[arg(long, default_value_t = 0.2)]
    c: f64,
    /// AR(1) correlation.
    #[arg(long, default_value_t = 0.8)]
    rho: f64,
    /// Orthogonal-noise variance.
    #[arg(long, default_value_t = 1.0)]
    tau2: f64,
    /// Signal scale of the true embeddings.
    #[arg(long, default_value_t = 1.0)]
    signal: f64,
    /// Seed of every random stream.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

impl ModelArgs {
    fn params(&self) -> Result<Params, Error> {
        Ok(Params {
            d1: self.d1,
            d2: self.d2,
            p: self.p,
            n: self.n,
            mean_t: self.mean_t,
            noise: NoiseKind::parse(&self.noise)?,
            c: self.c,
            rho: self.rho,
            tau2: self.tau2,
            signal: self.signal,
            seed: self.seed,
        })
    }
}

/// One line for the user: parameter errors name the flag.
fn message(e: &Error) -> String {
    match e {
        Error::Param { name, got, expected } => {
            format!("--{}: got {got}, expected {expected}", name.replace('_', "-"))
        }
        other => other.to_string(),
    }
}

fn write(path: &str, text: &str) -> Result<(), Error> {
    std::fs::write(path, text).map_err(|e| Error::Io { path: path.into(), message: e.to_string() })
}

/// An output file opened before the work, so that a bad path (a missing directory, a directory)
/// fails at once naming its flag, and written after it. Opening does not truncate an existing
/// file; one that did not exist is removed again if nothing gets written.
struct Output {
    file: std::fs::File,
    path: String,
    created: bool,
    written: bool,
}

impl Output {
    fn open(flag: &str, path: &str) -> Result<Self, Error> {
        let created = !std::path::Path::new(path).exists();
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(|e| Error::Io { path: format!("--{flag} {path}"), message: e.to_string() })?;
        Ok(Output { file, path: path.into(), created, written: false })
    }

    fn write(mut self, text: &str) -> Result<(), Error> {
        use std::io::Write;
        let written = self.file.set_len(0).and_then(|()| self.file.write_all(text.as_bytes()));
        self.written = written.is_ok();
        written.map_err(|e| Error::Io { path: self.path.clone(), message: e.to_string() })
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if self.created && !self.written {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

fn read(path: &str) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|e| Error::Io { path: path.into(), message: e.to_string() })
}

/// The worker threads asked for, or all cores; refuses 0.
fn worker_threads(threads: Option<usize>) -> Result<usize, Error> {
    match threads {
        Some(0) => Err(Error::param("threads", 0, "at least 1")),
        Some(k) => Ok(k),
        None => Ok(std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)),
    }
}

fn simulate(model: &ModelArgs, out: &str, threads: Option<usize>) -> Result<(), Error> {
    let params = model.params()?.check()?;
    let mut session = Session::new(params, true);
    session.set_threads(worker_threads(threads)?);
    session.advance(usize::MAX);
    let summary = Summary::with_default_names(session.stats().clone());
    write(&format!("{out}.summary.json"), &summary.to_json())?;
    write(&format!("{out}.truth.tsv"), &truth_tsv(session.truth().v1.as_ref(), session.truth().v2.as_ref()))?;
    eprintln!("wrote {out}.summary.json and {out}.truth.tsv");
    Ok(())
}

fn fit(summary: &str, p: usize, method: &str, seed: u64, out: &str) -> Result<(), Error> {
    let s = Summary::from_json(&read(summary)?).map_err(|e| match e {
        Error::Format { field, message } => Error::Format { field: format!("{summary}: {field}"), message },
        other => other,
    })?;
    let dmin = s.stats.d1.min(s.stats.d2);
    if p == 0 || p > dmin {
        return Err(Error::param("p", p, format!("an integer in [1, {dmin}] (the smaller modality)")));
    }
    let m = Method::parse(method)?;
    let f = m.fit(&s.stats, p, seed)?;
    write(&format!("{out}.vectors.tsv"), &projector_vectors_tsv(f.v1.as_ref(), f.v2.as_ref()))?;
    write(&format!("{out}.metadata.tsv"), &projector_metadata_tsv(&s.codes, &s.cuis))?;
    if f.zero_rows.0 + f.zero_rows.1 > 0 {
        eprintln!("note: {} codes and {} CUIs have no usable counts and got zero rows", f.zero_rows.0, f.zero_rows.1);
    }
    eprintln!("wrote {out}.vectors.tsv and {out}.metadata.tsv");
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

fn run(model: &ModelArgs, methods: &str, json: bool, threads: Option<usize>, train: &TrainArgs) -> Result<(), Error> {
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
    println!(
        "{:<8} {:>9} {:>7} {:>7} {:>8} {:>8} {:>8} {:>7} {:>8}",
        "method", "proj.dist", "codes", "cuis", "literal", "sim.corr", "retr@10", "AUC", "fit ms"
    );
    for m in &methods {
        let r = &report.methods[m.name()].metrics;
        println!(
            "{:<8} {:>9.4} {:>7.4} {:>7.4} {:>8.4} {:>8.4} {:>8.4} {:>7.4} {:>8.1}",
            m.name(),
            r.projection_distance,
            r.projection_distance_codes,
            r.projection_distance_cuis,
            r.literal_error,
            r.similarity_correlation,
            r.retrieval_at_10,
            r.relatedness_auc,
            report.timings_ms[m.name()]
        );
    }
    Ok(())
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
    let params = model.params()?.check_for(&fitted)?;
    let start = Instant::now();
    let mut clock = || start.elapsed().as_secs_f64() * 1e3;
    let within = fitted.iter().any(|m| m.needs_within());
    let t0 = clock();
    let mut session = Session::new(params, within);
    session.set_threads(threads);
    session.advance(usize::MAX);
    let t1 = clock();
    let mut report = session.report(methods, &mut clock)?;
    report.timings_ms.insert("simulate".into(), t1 - t0);
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
    let row = |name: &str, r: &claime::Metrics| {
        format!(
            "{:<11} {:>9.4} {:>7.4} {:>7.4} {:>8.4} {:>8.4} {:>8.4} {:>7.4}",
            name,
            r.projection_distance,
            r.projection_distance_codes,
            r.projection_distance_cuis,
            r.literal_error,
            r.similarity_correlation,
            r.retrieval_at_10,
            r.relatedness_auc
        )
    };
    let head = format!(
        "{:<11} {:>9} {:>7} {:>7} {:>8} {:>8} {:>8} {:>7}",
        "method", "proj.dist", "codes", "cuis", "literal", "sim.corr", "retr@10", "AUC"
    );
    if !methods.is_empty() {
        println!("{head} {:>8}", "fit ms");
        for m in methods {
            println!("{} {:>8.1}", row(m.name(), &report.methods[m.name()].metrics), report.timings_ms[m.name()]);
        }
    }
    println!(
        "training: lambda={} lr={} batch={} temperature={} epochs={}",
        tp.lambda,
        tp.lr.map_or("default".to_string(), |x| x.to_string()),
        tp.batch,
        tp.temperature,
        tp.epochs
    );
    println!("{head} {:>8} {:>12} {:>9}", "to svd", "final loss", "train ms");
    for k in trainers {
        let r = &trained[k.name()];
        println!(
            "{} {:>8.4} {:>12.5e} {:>9.1}",
            row(k.name(), &r.metrics),
            r.distance_to_svd,
            r.final_loss,
            report.timings_ms[k.name()]
        );
    }
    Ok(())
}

/// Progress on stderr: a bar, tasks done, elapsed and estimated time left.
fn progress_bar(start: Instant) -> impl Fn(usize, usize) + Sync {
    move |done: usize, total: usize| {
        let el = start.elapsed().as_secs_f64();
        let left = if done > 0 { el / done as f64 * (total - done) as f64 } else { 0.0 };
        let width = 30;
        let fill = width * done / total.max(1);
        eprint!(
            "\r[{}{}] {done}/{total} tasks, {:.0}s elapsed, about {:.0}s left   ",
            "#".repeat(fill),
            " ".repeat(width - fill),
            el,
            left
        );
        if done == total {
            eprintln!();
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn experiment(
    exp: &str,
    noise: &str,
    reps: usize,
    threads: Option<usize>,
    methods: &str,
    signal: f64,
    p: usize,
    n_scale: f64,
    seed: u64,
    out: &str,
    svg: Option<&str>,
    train: &TrainArgs,
) -> Result<(), Error> {
    use claime::experiment::{figure, to_csv, Experiment, Spec};
    let (methods, trainers) = claime::train::parse_method_list(methods)?;
    let spec = Spec {
        experiment: Experiment::parse(exp)?,
        noise: NoiseKind::parse(noise)?,
        reps,
        methods,
        trainers,
        train: train.params(),
        base: Params { signal, p, seed, ..Params::default() },
        n_scale,
    };
    spec.check()?;
    let threads = worker_threads(threads)?;
    let (csv, svg) = (Output::open("out", out)?, svg.map(|p| Output::open("svg", p)).transpose()?);
    let start = Instant::now();
    let rows = spec.run(threads, &progress_bar(start))?;
    csv.write(&to_csv(&rows))?;
    if let Some(file) = svg {
        file.write(&figure(&spec, &rows, 720, 440)?)?;
    }
    eprintln!("wrote {out} ({} rows) in {:.1}s with {threads} threads", rows.len(), start.elapsed().as_secs_f64());
    Ok(())
}

/// `summarize`, `merge` and `evaluate`: the user's own data (records, sites' summaries, pairs).
mod data {
    use super::{read, write, Output};
    use claime::estimators::Method;
    use claime::evaluate::{check_fit_budget, evaluate as eval, parse_pairs, EvalOptions, FeatureIndex};
    use claime::format::Summary;
    use claime::merge::Merger;
    use claime::params::DEFAULT_MEMORY_BUDGET;
    use claime::records::{located, Grouping, RecordsOptions, Summarized, Summarizer};
    use claime::Error;
    use std::io::Read;
    use std::time::Instant;

    /// Files above this size get progress lines on stderr.
    const PROGRESS_BYTES: u64 = 64 << 20;

    /// Reads and validates a summary file; errors name the file.
    pub fn read_summary(path: &str) -> Result<Summary, Error> {
        Summary::from_json(&read(path)?).map_err(|e| match e {
            Error::Format { field, message } => Error::Format { field: format!("{path}: {field}"), message },
            other => other,
        })
    }

    fn io(path: &str, e: std::io::Error) -> Error {
        Error::Io { path: path.into(), message: e.to_string() }
    }

    /// One pass over the file; the bool says the file turned out not to be grouped.
    fn pass(path: &str, opts: RecordsOptions) -> Result<Summarized, (Error, bool)> {
        let mut file = std::fs::File::open(path).map_err(|e| (io(path, e), false))?;
        let total = file.metadata().map(|m| m.len()).unwrap_or(0);
        let mut s = Summarizer::new(path, opts);
        let mut buf = vec![0u8; 1 << 20];
        let start = Instant::now();
        let mut last = 0.0;
        loop {
            let k = match file.read(&mut buf) {
                Ok(0) => break,
                Ok(k) => k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err((io(path, e), false)),
            };
            if let Err(e) = s.feed(&buf[..k]) {
                let regroup = s.not_grouped().is_some();
                return Err((e, regroup));
            }
            let t = start.elapsed().as_secs_f64();
            if total > PROGRESS_BYTES && t - last >= 1.0 {
                last = t;
                let p = s.progress();
                eprintln!(
                    "summarize: {:.0}% ({} of {} MiB), {} rows, {} patients, {} codes, {} CUIs, {:.1} s",
                    100.0 * p.bytes as f64 / total as f64,
                    p.bytes >> 20,
                    total >> 20,
                    p.rows,
                    p.patients,
                    p.codes,
                    p.cuis,
                    t
                );
            }
        }
        s.finish().map_err(|e| (e, false))
    }

    pub fn summarize(path: &str, out: &str, ungrouped: bool, no_within: bool) -> Result<(), Error> {
        let start = Instant::now();
        let mut grouping = if ungrouped { Grouping::Ungrouped } else { Grouping::Grouped };
        let done = loop {
            let opts = RecordsOptions { within: !no_within, grouping, ..RecordsOptions::default() };
            match pass(path, opts) {
                Ok(s) => break s,
                Err((e, true)) if grouping == Grouping::Grouped => {
                    eprintln!("note: {e}");
                    eprintln!("note: reading {path} again with every row in memory (ungrouped mode)");
                    grouping = Grouping::Ungrouped;
                }
                Err((e, _)) => return Err(e),
            }
        };
        let summarised = start.elapsed().as_secs_f64();
        write(out, &done.summary.to_json())?;
        let r = &done.report;
        if r.clamped > 0 {
            eprintln!("note: {} statistics were negative (counts below 1) and were set to 0", r.clamped);
        }
        eprintln!(
            "wrote {out}: {} patients, {} codes, {} CUIs from {} rows ({}-separated{}, {}); summarised in {:.2} s, written in {:.2} s",
            r.progress.patients,
            r.progress.codes,
            r.progress.cuis,
            r.progress.rows,
            r.delimiter,
            if r.header { ", with a header" } else { "" },
            if r.grouping == Grouping::Grouped { "grouped by patient" } else { "ungrouped" },
            summarised,
            start.elapsed().as_secs_f64() - summarised
        );
        Ok(())
    }

    pub fn merge(paths: &[String], out: &str) -> Result<(), Error> {
        let mut m = Merger::default();
        for p in paths {
            m.add(p, &read_summary(p)?)?;
        }
        let merged = m.finish()?;
        for n in &merged.notes {
            eprintln!("note: {n}");
        }
        write(out, &merged.summary.to_json())?;
        let s = &merged.summary;
        eprintln!(
            "wrote {out}: {} files, {} patients, {} codes, {} CUIs",
            paths.len(),
            s.stats.patients,
            s.codes.len(),
            s.cuis.len()
        );
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub fn evaluate(
        summary: &str,
        pairs: &str,
        method: Option<&str>,
        p: usize,
        negatives: usize,
        seed: u64,
        out: Option<&str>,
    ) -> Result<(), Error> {
        let csv = out.map(|o| Output::open("out", o)).transpose()?;
        let s = read_summary(summary)?;
        let methods = match method {
            Some(m) => Method::parse_list(m)?,
            None if s.stats.within.is_some() => vec![Method::Claime, Method::Concate, Method::Cl],
            None => {
                eprintln!("note: {summary} has no within-modality counts: evaluating CLAIME only");
                vec![Method::Claime]
            }
        };
        let dmin = s.stats.d1.min(s.stats.d2);
        if p == 0 || p > dmin {
            return Err(Error::param("p", p, format!("an integer in [1, {dmin}] (the smaller modality)")));
        }
        check_fit_budget(s.stats.d1, s.stats.d2, &methods, DEFAULT_MEMORY_BUDGET)?;
        let bytes = std::fs::read(pairs).map_err(|e| io(pairs, e))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            located(pairs, line, 0, "not UTF-8 text")
        })?;
        let index = FeatureIndex::new(&s);
        let pf = parse_pairs(pairs, &text, &|n| index.contains(n))?;
        let mut fits = Vec::new();
        for &m in &methods {
            fits.push((m, m.fit(&s.stats, p, seed)?));
        }
        let refs: Vec<_> = fits.iter().map(|(m, f)| (*m, f)).collect();
        let ev = eval(&s, &pf, &refs, &EvalOptions { negatives, seed })?;
        print!("{}", ev.to_table());
        for r in &ev.rows {
            if r.found < r.given && r.relation != "all" {
                eprintln!(
                    "note: {}: {} of {} pairs name features not in the summary and were skipped (e.g. {})",
                    r.relation,
                    r.given - r.found,
                    r.given,
                    r.unknown.join("; ")
                );
            }
        }
        if let (Some(file), Some(o)) = (csv, out) {
            file.write(&ev.to_csv())?;
            eprintln!("wrote {o}");
        }
        Ok(())
    }
}

/// Parses "A:B" into (A, B), naming the flag on error.
fn range(flag: &str, s: &str) -> Result<(f64, f64), Error> {
    let bad = || Error::param(flag, format!("'{s}'"), "A:B with numbers A < B");
    let (a, b) = s.split_once(':').ok_or_else(bad)?;
    let (a, b): (f64, f64) = (a.trim().parse().map_err(|_| bad())?, b.trim().parse().map_err(|_| bad())?);
    if a.is_finite() && b.is_finite() && a < b {
        Ok((a, b))
    } else {
        Err(bad())
    }
}

#[allow(clippy::too_many_arguments)]
fn regime(
    signal: &str,
    level: &str,
    grid: usize,
    noise: &str,
    reps: usize,
    base: Params,
    threads: Option<usize>,
    out: &str,
    svg: Option<&str>,
) -> Result<(), Error> {
    use claime::regime::{figure, to_csv, RegimeSpec};
    let spec = RegimeSpec {
        noise: NoiseKind::parse(noise)?,
        signal: range("signal", signal)?,
        level: range("level", level)?,
        grid,
        reps,
        base,
    };
    spec.check()?;
    let threads = worker_threads(threads)?;
    let (csv, svg) = (Output::open("out", out)?, svg.map(|p| Output::open("svg", p)).transpose()?);
    let start = Instant::now();
    let cells = spec.run(threads, &progress_bar(start))?;
    csv.write(&to_csv(&spec, &cells))?;
    if let Some(file) = svg {
        file.write(&figure(&spec, &cells, 640, 520)?)?;
    }
    let wins = cells.iter().filter(|c| c.diff < 0.0).count();
    eprintln!("wrote {out}: CLAIME wins in {wins} of {} cells ({:.1}s)", cells.len(), start.elapsed().as_secs_f64());
    Ok(())
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
            eprintln!("error: {first} (see claime --help)");
            return ExitCode::from(2);
        }
    };
    let result = match &cli.command {
        Command::Simulate { model, out, threads } => simulate(model, out, *threads),
        Command::Summarize { records, out, ungrouped, no_within } => {
            data::summarize(records, out, *ungrouped, *no_within)
        }
        Command::Merge { summaries, out } => data::merge(summaries, out),
        Command::Evaluate { summary, pairs, method, p, negatives, seed, out } => {
            data::evaluate(summary, pairs, method.as_deref(), *p, *negatives, *seed, out.as_deref())
        }
        Command::Fit { summary, p, method, seed, out } => fit(summary, *p, method, *seed, out),
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
