//! `experiment` and `regime`: the paper's simulation study and the map of where CLAIME wins,
//! on all cores with a progress bar.

use crate::io::{refuse_overwrite, worker_threads, Output};
use crate::TrainArgs;
use claime::params::{NoiseKind, Params};
use claime::Error;
use std::time::Instant;

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
pub(crate) fn experiment(
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
    use claime::experiment::{figure, run_experiments, to_csv, Experiment, Spec};
    let experiments = Experiment::parse_list(exp)?;
    let (methods, trainers) = claime::train::parse_method_list(methods)?;
    let spec = Spec {
        experiment: experiments[0],
        noise: NoiseKind::parse(noise)?,
        reps,
        methods,
        trainers,
        train: train.params(),
        base: Params { signal, p, seed, ..Params::default() },
        n_scale,
    };
    let threads = worker_threads(threads)?;
    // One CSV (and figure) per experiment, all opened before the work.
    let path = |flag: &str, template: &str, e: Experiment| -> Result<String, Error> {
        if experiments.len() > 1 && !template.contains("{exp}") {
            return Err(Error::param(
                flag,
                format!("'{template}'"),
                "a path containing {exp} when --exp names several experiments (one file each)",
            ));
        }
        Ok(template.replace("{exp}", e.name()))
    };
    let mut paths = Vec::new();
    for &e in &experiments {
        paths.push(("out", path("out", out, e)?));
        if let Some(t) = svg {
            paths.push(("svg", path("svg", t, e)?));
        }
    }
    refuse_overwrite(&paths.iter().map(|(f, p)| (*f, p.as_str())).collect::<Vec<_>>(), &[])?;
    let mut outputs = Vec::new();
    for &e in &experiments {
        let spec = Spec { experiment: e, ..spec.clone() };
        spec.check()?;
        let csv_path = path("out", out, e)?;
        let csv = Output::open("out", &csv_path)?;
        let figure_file = svg.map(|t| path("svg", t, e).and_then(|p| Output::open("svg", &p))).transpose()?;
        outputs.push((spec, csv_path, csv, figure_file));
    }
    let start = Instant::now();
    let rows = run_experiments(&spec, &experiments, threads, &progress_bar(start))?;
    for ((spec, csv_path, csv, figure_file), rows) in outputs.into_iter().zip(rows) {
        csv.write(&to_csv(&rows))?;
        if let Some(file) = figure_file {
            file.write(&figure(&spec, &rows, 720, 440)?)?;
        }
        eprintln!("wrote {csv_path} ({} rows)", rows.len());
    }
    eprintln!("done in {:.1}s with {threads} threads", start.elapsed().as_secs_f64());
    Ok(())
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
pub(crate) fn regime(
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
    use claime::regime::{figure, tally, to_csv, RegimeSpec};
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
    let outputs: Vec<(&str, &str)> =
        [("out", Some(out)), ("svg", svg)].into_iter().filter_map(|(f, p)| Some((f, p?))).collect();
    refuse_overwrite(&outputs, &[])?;
    let (csv, svg) = (Output::open("out", out)?, svg.map(|p| Output::open("svg", p)).transpose()?);
    let start = Instant::now();
    let cells = spec.run(threads, &progress_bar(start))?;
    csv.write(&to_csv(&spec, &cells))?;
    if let Some(file) = svg {
        file.write(&figure(&spec, &cells, 640, 520)?)?;
    }
    let (wins, close) = tally(&cells);
    let close =
        if close > 0 { format!(", ahead in {close} more within the 95 % confidence interval") } else { String::new() };
    eprintln!(
        "wrote {out}: CLAIME wins in {wins} of {} cells{close} ({:.1}s)",
        cells.len(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
