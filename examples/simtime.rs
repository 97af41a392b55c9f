//! Times the simulation alone at the paper's scale (d1 = d2 = 500): drawing patients, then
//! drawing them into summary statistics. Used to profile the sampler (e.g. under callgrind).
//! Usage: `cargo run --release --example simtime -- NOISE WITH_WITHIN(0|1) [N]`,
//! e.g. `-- ar1 1 100000`.

use claime::simulate::{PatientSampler, Truth};
use claime::{NoiseKind, Params, SummaryStats};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: simtime NOISE WITH_WITHIN(0|1) [N]";
    let noise =
        NoiseKind::parse(args.get(1).map(String::as_str).unwrap_or("ar1")).unwrap_or_else(|e| panic!("{e}; {usage}"));
    let within = args.get(2).map(|s| s == "1").unwrap_or(true);
    let n = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let params = Params { noise, d1: 500, d2: 500, n, ..Params::default() }.check().unwrap_or_else(|e| panic!("{e}"));
    let truth = Truth::draw(&params);
    let mut sampler = PatientSampler::new(&params);
    let t = std::time::Instant::now();
    let mut bags = [Vec::new(), Vec::new()];
    for _ in 0..params.n {
        sampler.next_patient(&truth, &mut bags);
    }
    let sample_only = t.elapsed().as_secs_f64();
    let mut sampler = PatientSampler::new(&params);
    let mut stats = SummaryStats::new(500, 500, within);
    let t = std::time::Instant::now();
    sampler.draw_into(&truth, params.n, &mut stats);
    println!("sample only {:.3}s, sample+stats {:.3}s", sample_only, t.elapsed().as_secs_f64());
}
