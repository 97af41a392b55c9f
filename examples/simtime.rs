use claime::*;
use claime::simulate::*;
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let noise = NoiseKind::parse(&args[1]).unwrap();
    let within = args[2] == "1";
    let params = Params { noise, d1: 500, d2: 500, n: args.get(3).map(|s| s.parse().unwrap()).unwrap_or(100000), ..Params::default() }.check().unwrap();
    let truth = Truth::draw(&params);
    let mut s = PatientSampler::new(&params);
    let t = std::time::Instant::now();
    let mut bags = [Vec::new(), Vec::new()];
    for _ in 0..params.n { s.next_patient(&truth, &mut bags); }
    let a = t.elapsed().as_secs_f64();
    let mut s = PatientSampler::new(&params);
    let mut st = SummaryStats::new(500, 500, within);
    let t = std::time::Instant::now();
    s.draw_into(&truth, params.n, &mut st);
    println!("sample only {:.3}s, sample+stats {:.3}s", a, t.elapsed().as_secs_f64());
}
