//! Adam (Kingma and Ba 2015) for the stochastic trainers, and the step schedule.

/// Adam's state for one parameter buffer.
#[derive(Debug, Clone)]
pub(crate) struct Adam {
    m: Vec<f64>,
    v: Vec<f64>,
    t: i32,
}

const BETA1: f64 = 0.9;
const BETA2: f64 = 0.999;

impl Adam {
    pub(crate) fn new(len: usize) -> Self {
        Adam { m: vec![0.0; len], v: vec![0.0; len], t: 0 }
    }

    /// x -= lr m^ / (sqrt(v^) + eps), with eps relative to the gradient's scale (the losses'
    /// gradients span many orders of magnitude across settings, so an absolute eps would not fit).
    pub(crate) fn update(&mut self, x: &mut [f64], g: &[f64], lr: f64) {
        self.t += 1;
        let c1 = 1.0 - libm::pow(BETA1, self.t as f64);
        let c2 = 1.0 - libm::pow(BETA2, self.t as f64);
        let rms = (g.iter().map(|a| a * a).sum::<f64>() / g.len().max(1) as f64).sqrt();
        let eps = 1e-8 * rms + 1e-300;
        for i in 0..x.len() {
            self.m[i] = BETA1 * self.m[i] + (1.0 - BETA1) * g[i];
            self.v[i] = BETA2 * self.v[i] + (1.0 - BETA2) * g[i] * g[i];
            let mh = self.m[i] / c1;
            let vh = self.v[i] / c2;
            x[i] -= lr * mh / (libm::sqrt(vh) + eps);
        }
    }
}

/// Learning-rate factor 10^(-epoch / decay_epochs): the paper's "divided by 10 every 10 epochs",
/// made smooth so that it does not jump at epoch boundaries.
pub(crate) fn decay(epoch: f64, decay_epochs: f64) -> f64 {
    if decay_epochs.is_infinite() {
        1.0
    } else {
        libm::pow(10.0, -epoch / decay_epochs)
    }
}
