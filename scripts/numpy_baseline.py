#!/usr/bin/env python3
"""A straightforward numpy/scipy implementation of the CLAIME simulation and fit, the baseline
that `npm run bench` (scripts/bench.mjs) times against the Rust core. It follows model.md:

  replicate  one replicate of the generative model (§2: truth, spike or AR(1) noise, Poisson
             lengths redrawn below 2, multinomial tokens), summary statistics (§3: N_M, gamma_M,
             D12), the CLAIME PMI and its rank-p truncated SVD (§4), and the projection distance
             to the truth (§6). Patients are drawn in chunks of `--chunk`, vectorised within a
             chunk: logits by one matrix product, softmax by rows, tokens by inverse-CDF sampling
             (one searchsorted over the chunk's stacked cumulative weights), counts by bincount,
             D12 by one float64 matrix product per chunk.
  svd        the CLAIME PMI and its rank-p SVD (scipy.sparse.linalg.svds) of a claime-summary
             file (the paper's real-data size: d1 = 3500, d2 = 1000); the same statistics as the
             Rust benchmark, so the singular values can be compared.
  gd         one full pass (loss, gradient and step) of CLAIME-GD on the exact linear loss (§5,
             eq. 2.3) with scipy.sparse bags, as the Rust trainer does.

Each prints one JSON object of timings in seconds. Random numbers come from numpy's PCG64, so
the draws differ from the Rust core's (the work is the same). Thread count: whatever the BLAS
is told by OPENBLAS_NUM_THREADS / OMP_NUM_THREADS (scripts/bench.mjs sets 1, as the Rust core).
"""

import argparse
import json
import sys
import time

import numpy as np
import scipy.sparse as sp
from scipy.signal import lfilter
from scipy.sparse.linalg import svds


def draw_truth(rng, d, p, signal):
    """(d, p) true embeddings: N(0,1) entries, centred columns, largest singular value `signal`."""
    v = rng.standard_normal((d, p))
    v -= v.mean(axis=0)
    return v * (signal / np.linalg.norm(v, 2))


def draw_noise(rng, args, scale, b, d):
    """(b, d) patient noise eps of one modality (model.md §2), or None for no noise."""
    if args.noise == "spike":
        k = min(args.p // 2, d)
        eps = np.zeros((b, d))
        eps[:, :k] = rng.standard_normal((b, k)) * np.sqrt(1.0 / args.c)
        return eps
    if args.noise == "ar1":
        rho = args.rho
        eta = rng.standard_normal((b, d))
        # z_1 = eta_1, z_{w+1} = rho z_w + sqrt(1 - rho^2) eta_{w+1}: a first-order filter along
        # the features (scipy.signal.lfilter runs the recursion in C).
        eta[:, 1:] *= np.sqrt(1.0 - rho * rho)
        return lfilter([1.0], [1.0, -rho], eta, axis=1) * scale
    return None


def draw_lengths(rng, mean_t, b):
    """(b,) token counts T ~ Poisson(mean_t), redrawn while below 2."""
    t = rng.poisson(mean_t, b)
    low = t < 2
    while low.any():
        t[low] = rng.poisson(mean_t, low.sum())
        low = t < 2
    return t


def draw_counts(rng, logits, t):
    """(b, d) multinomial counts: T_i tokens from softmax(logits_i), by inverse-CDF sampling."""
    b, d = logits.shape
    w = np.exp(logits - logits.max(axis=1, keepdims=True))
    cum = np.cumsum(w, axis=1)
    cum /= cum[:, -1:]
    cum[:, -1] = 1.0
    # Stack the rows: row i's cumulative weights live in (i, i + 1], so one searchsorted serves all.
    stacked = (cum + np.arange(b)[:, None]).ravel()
    owner = np.repeat(np.arange(b), t)
    u = rng.random(owner.size) + owner
    idx = np.searchsorted(stacked, u, side="left")
    idx = np.minimum(idx, owner * d + d - 1)  # guard against rounding at a row's end
    return np.bincount(idx, minlength=b * d).reshape(b, d)


def simulate_stats(args, rng, v1, v2):
    """Simulates n patients in chunks; returns (N1, N2, gamma1, gamma2, D12, D12 total)."""
    d1, d2, p = v1.shape[0], v2.shape[0], v1.shape[1]
    scales = [rng.random(d) / np.sqrt(2.0) if args.noise == "ar1" else None for d in (d1, d2)]
    n1, n2 = np.zeros(d1), np.zeros(d2)
    g1, g2 = np.zeros(d1), np.zeros(d2)
    d12 = np.zeros((d1, d2))
    d12_total = 0.0
    done = 0
    while done < args.n:
        b = min(args.chunk, args.n - done)
        c = rng.standard_normal((b, p))
        counts, lengths = [], []
        for v, scale in ((v1, scales[0]), (v2, scales[1])):
            logits = c @ v.T
            eps = draw_noise(rng, args, scale, b, v.shape[0])
            if eps is not None:
                logits += eps
            t = draw_lengths(rng, args.mean_t, b)
            counts.append(draw_counts(rng, logits, t).astype(np.float64))
            lengths.append(t.astype(np.float64))
        x1, x2 = counts
        t1, t2 = lengths
        n1 += x1.sum(axis=0)
        n2 += x2.sum(axis=0)
        g1 += (t1 - 1.0) @ x1
        g2 += (t2 - 1.0) @ x2
        d12 += x1.T @ x2
        d12_total += t1 @ t2
        done += b
    return n1, n2, g1, g2, d12, d12_total


def claime_pmi(n1, n2, g1, g2, d12, d12_total):
    """(d1, d2) PMI_CLAIME (model.md §4); rows and columns with gamma = 0 are zero."""
    c_total = n1.sum() * n2.sum() - d12_total
    cc = np.outer(n1, n2) - d12
    with np.errstate(divide="ignore", invalid="ignore"):
        weight = (g1.sum() * g2.sum()) / np.outer(g1, g2)
        pmi = weight * (d12 / d12_total - cc / c_total)
    pmi[(g1 <= 0)[:, None] | (g2 <= 0)[None, :]] = 0.0
    return pmi


def claime_fit(pmi, p, seed):
    """Rank-p SVD of the PMI: (V1, V2, singular values in decreasing order)."""
    v0 = np.random.default_rng(seed).standard_normal(min(pmi.shape))
    u, s, vt = svds(pmi, k=p, v0=v0)
    order = np.argsort(s)[::-1]
    u, s, vt = u[:, order], s[order], vt[order]
    root = np.sqrt(np.maximum(s, 0.0))
    return u * root, vt.T * root, s


def projection_distance(a, b):
    """||P_a - P_b||_F for the column spaces of a and b (model.md §6)."""
    qa, _ = np.linalg.qr(a)
    qb, _ = np.linalg.qr(b)
    return float(np.sqrt(max(0.0, 2.0 * (a.shape[1] - np.linalg.norm(qa.T @ qb) ** 2))))


def replicate(args):
    """Times one replicate: simulation with statistics, CLAIME fit, metrics."""
    rng = np.random.default_rng(args.seed)
    t0 = time.perf_counter()
    v1 = draw_truth(rng, args.d1, args.p, args.signal)
    v2 = draw_truth(rng, args.d2, args.p, args.signal)
    stats = simulate_stats(args, rng, v1, v2)
    t1 = time.perf_counter()
    pmi = claime_pmi(*stats)
    w1, w2, s = claime_fit(pmi, args.p, args.seed)
    t2 = time.perf_counter()
    dist = max(projection_distance(w1, v1), projection_distance(w2, v2))
    t3 = time.perf_counter()
    return {
        "task": "replicate", "noise": args.noise, "d1": args.d1, "d2": args.d2, "n": args.n, "p": args.p,
        "mean_t": args.mean_t, "simulate_s": t1 - t0, "fit_s": t2 - t1, "metrics_s": t3 - t2, "total_s": t3 - t0,
        "projection_distance": dist, "singular_values": s.tolist(), "tokens": float(stats[0].sum() + stats[1].sum()),
    }


def read_summary(path):
    """(N1, N2, gamma1, gamma2, dense D12, D12 total) from a claime-summary file (docs/formats.md)."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    n1, n2 = np.array(doc["code_counts"], float), np.array(doc["cui_counts"], float)
    g1, g2 = np.array(doc["code_pair_totals"], float), np.array(doc["cui_pair_totals"], float)
    cross = doc["cross"]
    d12 = np.zeros((n1.size, n2.size))
    np.add.at(d12, (np.array(cross["rows"]), np.array(cross["cols"])), np.array(cross["values"], float))
    return n1, n2, g1, g2, d12, d12.sum()


def svd_task(args):
    """Times the PMI and its rank-p SVD on a summary file's statistics (median of --reps)."""
    stats = read_summary(args.summary)
    pmi_times, svd_times = [], []
    for _ in range(args.reps):
        t0 = time.perf_counter()
        pmi = claime_pmi(*stats)
        t1 = time.perf_counter()
        _, _, s = claime_fit(pmi, args.p, args.seed)
        t2 = time.perf_counter()
        pmi_times.append(t1 - t0)
        svd_times.append(t2 - t1)
    return {
        "task": "svd", "shape": list(pmi.shape), "p": args.p, "pmi_s": float(np.median(pmi_times)),
        "svd_s": float(np.median(svd_times)), "total_s": float(np.median(np.add(pmi_times, svd_times))),
        "singular_values": s.tolist(), "reps": args.reps,
    }


def simulate_bags(args, rng, v1, v2):
    """Sparse (n, d_M) count matrices of both modalities and the token totals (for `gd`)."""
    scales = [rng.random(v.shape[0]) / np.sqrt(2.0) if args.noise == "ar1" else None for v in (v1, v2)]
    parts = [[], []]
    done = 0
    while done < args.n:
        b = min(args.chunk, args.n - done)
        c = rng.standard_normal((b, v1.shape[1]))
        for m, (v, scale) in enumerate(((v1, scales[0]), (v2, scales[1]))):
            logits = c @ v.T
            eps = draw_noise(rng, args, scale, b, v.shape[0])
            if eps is not None:
                logits += eps
            parts[m].append(sp.csr_matrix(draw_counts(rng, logits, draw_lengths(rng, args.mean_t, b)).astype(float)))
        done += b
    return [sp.vstack(p, format="csr") for p in parts]


def gd_pass(x1, x2, v1, v2, lam, step):
    """One CLAIME-GD pass: loss and gradient of eq. 2.3 (exact cross-patient term), then a step."""
    a, b = x1 @ v1, x2 @ v2  # A_i = sum_w x_iw r(w) v_w (the r weights are folded into x)
    t1, t2 = np.asarray(x1.sum(axis=1)).ravel(), np.asarray(x2.sum(axis=1)).ravel()
    pos_total = t1 @ t2
    neg_total = t1.sum() * t2.sum() - pos_total
    sa, sb = a.sum(axis=0), b.sum(axis=0)
    diag = np.einsum("ij,ij->", a, b)
    g1, g2 = v1.T @ v1, v2.T @ v2
    loss = -diag / pos_total + (sa @ sb - diag) / neg_total + 0.5 * lam * np.sum(g1 * g2)
    col1, col2 = np.asarray(x1.sum(axis=0)).ravel(), np.asarray(x2.sum(axis=0)).ravel()
    grad1 = -(x1.T @ b) / pos_total + (np.outer(col1, sb) - x1.T @ b) / neg_total + lam * v1 @ g2
    grad2 = -(x2.T @ a) / pos_total + (np.outer(col2, sa) - x2.T @ a) / neg_total + lam * v2 @ g1
    return loss, v1 - step * grad1, v2 - step * grad2


def gd_task(args):
    """Times one full CLAIME-GD pass on a simulated cohort (median of --reps passes)."""
    rng = np.random.default_rng(args.seed)
    v1 = draw_truth(rng, args.d1, args.p, args.signal)
    v2 = draw_truth(rng, args.d2, args.p, args.signal)
    x1, x2 = simulate_bags(args, rng, v1, v2)
    t1, t2 = np.asarray(x1.sum(axis=1)).ravel(), np.asarray(x2.sum(axis=1)).ravel()
    g1 = np.asarray(x1.multiply((t1 - 1.0)[:, None]).sum(axis=0)).ravel()
    g2 = np.asarray(x2.multiply((t2 - 1.0)[:, None]).sum(axis=0)).ravel()
    with np.errstate(divide="ignore"):
        r1 = np.where(g1 > 0, g1.sum() / g1, 0.0)
        r2 = np.where(g2 > 0, g2.sum() / g2, 0.0)
    # Fold the weights into the counts once, as the Rust trainer precomputes x_iw r(w).
    x1w, x2w = (x1 @ sp.diags(r1)).tocsr(), (x2 @ sp.diags(r2)).tocsr()
    w1 = rng.standard_normal((args.d1, args.p)) * 1e-2
    w2 = rng.standard_normal((args.d2, args.p)) * 1e-2
    times, loss = [], 0.0
    for _ in range(args.reps):
        t0 = time.perf_counter()
        loss, w1, w2 = gd_pass(x1w, x2w, w1, w2, 1.0, 1e-3)
        times.append(time.perf_counter() - t0)
    return {
        "task": "gd", "n": args.n, "d1": args.d1, "d2": args.d2, "p": args.p, "pass_s": float(np.median(times)),
        "reps": args.reps, "nnz": int(x1.nnz + x2.nnz), "loss": float(loss),
    }


def parser():
    """The command line: one subcommand per task, the model flags of `claime run`."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("task", choices=["replicate", "svd", "gd"])
    ap.add_argument("--d1", type=int, default=500)
    ap.add_argument("--d2", type=int, default=500)
    ap.add_argument("--p", type=int, default=4)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--mean-t", dest="mean_t", type=float, default=50.0)
    ap.add_argument("--noise", choices=["spike", "ar1", "none"], default="spike")
    ap.add_argument("--c", type=float, default=0.2)
    ap.add_argument("--rho", type=float, default=0.8)
    ap.add_argument("--signal", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--chunk", type=int, default=2000, help="patients drawn at once")
    ap.add_argument("--summary", help="claime-summary file (svd)")
    ap.add_argument("--reps", type=int, default=3, help="repetitions (svd, gd)")
    return ap


def main():
    """Runs one task and prints its JSON."""
    args = parser().parse_args()
    if args.task == "svd" and not args.summary:
        sys.exit("svd needs --summary FILE")
    run = {"replicate": replicate, "svd": svd_task, "gd": gd_task}[args.task]
    print(json.dumps(run(args)))


if __name__ == "__main__":
    main()
