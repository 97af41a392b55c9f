//! Independent tasks run on threads with results gathered by task index, and the summary
//! statistics of their outcomes: shared by the simulation study ([`crate::experiment`]) and
//! the regime map ([`crate::regime`]).

use crate::error::Result;

/// Runs `f(0..total)` on `threads` threads (tasks handed out in order), returning the results
/// by task index, so the output does not depend on the thread count; the first error wins.
pub fn run_tasks<T: Send>(
    total: usize,
    threads: usize,
    progress: &(dyn Fn(usize, usize) + Sync),
    f: impl Fn(usize) -> Result<T> + Sync,
) -> Result<Vec<T>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let slots: std::sync::Mutex<Vec<Option<Result<T>>>> = std::sync::Mutex::new((0..total).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| loop {
                let t = next.fetch_add(1, Ordering::SeqCst);
                if t >= total {
                    break;
                }
                let r = f(t);
                let failed = r.is_err();
                slots.lock().expect("no thread panicked holding the lock")[t] = Some(r);
                progress(done.fetch_add(1, Ordering::SeqCst) + 1, total);
                if failed {
                    next.store(total, Ordering::SeqCst);
                }
            });
        }
    });
    let mut out = Vec::with_capacity(total);
    for r in slots.into_inner().expect("no thread panicked holding the lock").into_iter().flatten() {
        out.push(r?);
    }
    Ok(out)
}

/// Mean of a non-empty slice.
pub fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

/// Quantile with linear interpolation between order statistics (R's type 7).
pub fn quantile(x: &[f64], q: f64) -> f64 {
    let mut s = x.to_vec();
    s.sort_by(f64::total_cmp);
    let h = (s.len() - 1) as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    s[lo] + (h - lo as f64) * (s[hi] - s[lo])
}
