use claime::*;
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let noise = NoiseKind::parse(args.get(1).map(|s| s.as_str()).unwrap_or("spike")).unwrap();
    let signal: f64 = args.get(2).map(|s| s.parse().unwrap()).unwrap_or(1.0);
    let d: usize = args.get(3).map(|s| s.parse().unwrap()).unwrap_or(1000);
    let n: usize = args.get(4).map(|s| s.parse().unwrap()).unwrap_or(20000);
    let tau2: f64 = args.get(5).map(|s| s.parse().unwrap()).unwrap_or(4.0);
    let params = Params { noise, signal, d1: d / 2, d2: d / 2, n, tau2, ..Params::default() };
    let t = std::time::Instant::now();
    let mut clock = || t.elapsed().as_secs_f64() * 1e3;
    let r = run(params, &[Method::Claime, Method::Concate, Method::Cl], &mut clock).unwrap();
    for (k, m) in &r.methods {
        println!("{k:8} dist {:.3} (c {:.3} u {:.3}) lit {:.3} corr {:.3} r@10 {:.3} auc {:.3} spec {:?}", m.metrics.projection_distance, m.metrics.projection_distance_codes, m.metrics.projection_distance_cuis, m.metrics.literal_error, m.metrics.similarity_correlation, m.metrics.retrieval_at_10, m.metrics.relatedness_auc, m.spectrum);
    }
    println!("{:?}", r.timings_ms);
}
