//! Times the parts of one frame of the "Training" section natively at d1 = d2 = 2500 (issue 29's
//! size): building the live trainer, then per call `point()` (loss and the two distances),
//! `step(1)` with its point, and the alignment view's SVG. Used to find where a frame's time goes.
//! Usage: `cargo run --release --example liveprof -- [TRAINER] [D]`, e.g. `-- claime-gd 2500`.

use claime::train::live::LiveTrainer;
use claime::train::{TrainParams, TrainerKind};
use claime::Params;
use std::time::{Duration, Instant};

/// Mean time of `reps` calls of `f`.
fn mean(reps: u32, mut f: impl FnMut()) -> Duration {
    let t = Instant::now();
    for _ in 0..reps {
        f();
    }
    t.elapsed() / reps
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let name = args.get(1).map(String::as_str).unwrap_or("claime-gd");
    let kind = TrainerKind::parse(name).unwrap_or_else(|| panic!("unknown trainer '{name}'"));
    let d = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(2500);
    let params = Params { d1: d, d2: d, ..Params::default() }.check().unwrap_or_else(|e| panic!("{e}"));
    let train = TrainParams::default().check().unwrap_or_else(|e| panic!("{e}"));
    let t = Instant::now();
    let mut live = LiveTrainer::new(params, kind, &train).unwrap_or_else(|e| panic!("{e}"));
    println!("{name} at d1 = d2 = {d}: built in {:.0?}", t.elapsed());
    for _ in 0..3 {
        let point = mean(20, || {
            live.step(0);
        });
        let step = mean(20, || {
            live.step(1);
        });
        let svg = mean(20, || drop(live.alignment_svg(claime::explorer::ALIGNMENT_POINTS, 560, 360)));
        println!("point {point:.2?}, step + point {step:.2?}, alignment SVG {svg:.2?}");
    }
}
