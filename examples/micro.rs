use rand::Rng;
fn main() {
    let mut rng = claime::rng::stream(1, claime::rng::Stream::Patients);
    let n = 100_000_000usize;
    let t = std::time::Instant::now();
    let mut acc = 0.0;
    for i in 0..n { acc += libm::exp((i % 1000) as f64 * 1e-4 - 0.05); }
    println!("libm exp {:.2} ns {}", t.elapsed().as_secs_f64() * 1e9 / n as f64, acc);
    let t = std::time::Instant::now();
    let mut acc = 0.0;
    for _ in 0..n { acc += rng.gen::<f64>(); }
    println!("uniform {:.2} ns {}", t.elapsed().as_secs_f64() * 1e9 / n as f64, acc);
    let mut nrm = claime::rng::Normal::new();
    let t = std::time::Instant::now();
    let mut acc = 0.0;
    for _ in 0..n/10 { acc += nrm.sample(&mut rng); }
    let mut x = claime::rng::patient_rng(1);
    let t = std::time::Instant::now();
    let mut acc = 0.0;
    for _ in 0..n/10 { acc += nrm.sample(&mut x); }
    println!("normal xoshiro {:.2} ns {}", t.elapsed().as_secs_f64() * 1e9 / (n/10) as f64, acc);
    println!("normal chacha {:.2} ns {}", t.elapsed().as_secs_f64() * 1e9 / (n/10) as f64, acc);
}
#[allow(dead_code)]
fn unused() {}
