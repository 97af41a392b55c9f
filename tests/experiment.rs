//! The paper's simulation study on reduced grids: the claims that hold at the paper's settings,
//! and thread-count invariance of the CSV.

use claime::experiment::{figure, to_csv, Experiment, Spec};
use claime::tasks::quantile;
use claime::train::{TrainParams, TrainerKind};
use claime::{Method, NoiseKind, Params};

fn spec(experiment: Experiment, reps: usize, n_scale: f64, methods: Vec<Method>) -> Spec {
    Spec {
        experiment,
        noise: NoiseKind::Spike,
        reps,
        methods,
        trainers: Vec::new(),
        train: TrainParams::default(),
        base: Params::default(),
        n_scale,
    }
}

#[test]
fn trainers_run_on_the_same_replicates_and_claime_gd_lands_on_claime() {
    // A strong signal (3) at n = 5000: CLAIME-GD trained 300 epochs ends at the SVD solution, so
    // its error matches CLAIME's at every d; the CSV has one row per grid point and method and
    // does not depend on the thread count.
    let mut s = spec(Experiment::D, 1, 0.05, vec![Method::Claime]);
    s.base.signal = 3.0;
    s.trainers = vec![TrainerKind::ClaimeGd];
    s.train.epochs = 300;
    let rows = s.run(2, &|_, _| {}).unwrap();
    assert_eq!(rows.len(), 5 * 2);
    for d in [200.0, 400.0, 600.0, 800.0, 1000.0] {
        let mean = |m: &str| rows.iter().find(|r| r.method == m && r.x == d).unwrap().mean;
        eprintln!("d={d}: claime {} claime-gd {}", mean("claime"), mean("claime-gd"));
        assert!(
            (mean("claime-gd") - mean("claime")).abs() < 0.05,
            "d={d}: {} vs {}",
            mean("claime-gd"),
            mean("claime")
        );
    }
    assert_eq!(to_csv(&rows), to_csv(&s.run(1, &|_, _| {}).unwrap()));
    // The figure says how long the trainers trained; without trainers it says nothing of them.
    let fig = figure(&s, &rows, 640, 400).unwrap();
    assert!(fig.contains("(spike noise, 1 replicate, trainers 300 epochs)"), "{}", &fig[..fig.len().min(2000)]);
    s.trainers.clear();
    let svd_rows: Vec<_> = rows.into_iter().filter(|r| r.method == "claime").collect();
    assert!(!figure(&s, &svd_rows, 640, 400).unwrap().contains("trainers"));
}

#[test]
fn same_seed_same_csv_for_one_and_two_threads() {
    let s = spec(Experiment::D, 2, 0.05, vec![Method::Claime, Method::Cl]);
    let one = to_csv(&s.run(1, &|_, _| {}).unwrap());
    let two = to_csv(&s.run(2, &|_, _| {}).unwrap());
    assert_eq!(one, two);
    assert_eq!(one.lines().count(), 1 + 5 * 2);
    assert!(one.starts_with("experiment,noise,x_name,x,method,reps,mean,median,p10,p90,literal_mean,literal_median\n"));
}

#[test]
fn paper_settings_claime_falls_with_n_while_cl_stays_flat() {
    // Experiment 1 at the paper's settings (spike c = 0.2, d = 1000, n up to 10^5), 2 replicates.
    let s = spec(Experiment::N, 2, 1.0, vec![Method::Claime, Method::Cl]);
    let rows = s.run(2, &|_, _| {}).unwrap();
    let mean = |m: &str, x: f64| rows.iter().find(|r| r.method == m && r.x == x).unwrap().mean;
    // CLAIME: clearly below the no-recovery level at n = 10^5 and falling from n = 2 x 10^4.
    assert!(mean("claime", 1e5) < mean("claime", 2e4) - 0.3, "{} -> {}", mean("claime", 2e4), mean("claime", 1e5));
    // CL: flat near sqrt(2p) = 2.83 (within 0.05 everywhere).
    for x in [2e4, 4e4, 6e4, 8e4, 1e5] {
        assert!((mean("cl", x) - 8f64.sqrt()).abs() < 0.05, "cl at {x}: {}", mean("cl", x));
    }
}

#[test]
fn quantiles_follow_type_7() {
    let x = [4.0, 1.0, 3.0, 2.0];
    assert_eq!(quantile(&x, 0.5), 2.5);
    assert!((quantile(&x, 0.1) - 1.3).abs() < 1e-12);
    assert!((quantile(&x, 0.9) - 3.7).abs() < 1e-12);
}

#[test]
fn bad_specs_name_the_field() {
    let mut s = spec(Experiment::N, 0, 1.0, vec![Method::Claime]);
    assert!(s.check().unwrap_err().to_string().starts_with("reps"));
    s.reps = 1;
    s.noise = NoiseKind::Orthogonal;
    assert!(s.check().unwrap_err().to_string().contains("spike or ar1"));
    s.noise = NoiseKind::Ar1;
    s.n_scale = 0.0;
    assert!(s.check().unwrap_err().to_string().starts_with("n_scale"));
}

#[test]
fn a_plan_aggregates_the_tasks_run_so_far_and_a_copied_point_waits_for_its_task() {
    // The browser's job: tasks run in any order, the figure redrawn from those done so far.
    use claime::experiment::Plan;
    let s = spec(Experiment::N, 1, 0.02, vec![Method::Claime]);
    let all = [Experiment::N, Experiment::D, Experiment::Noise];
    let plan = Plan::new(&s, &all).unwrap();
    assert_eq!(plan.tasks(), 1 + 4 + 4, "the default point of d and noise comes from n's task");
    let results: Vec<_> = (0..plan.tasks()).map(|u| Some(plan.run_task(u).unwrap())).collect();
    let whole = plan.aggregate(&results);
    let alone = claime::experiment::run_experiments(&s, &all, 1, &|_, _| {}).unwrap();
    for (a, b) in whole.iter().zip(&alone) {
        assert_eq!(to_csv(a), to_csv(b));
    }
    // Without n's task (task 0): n has no rows, and d and noise lack their default point.
    let mut partial = results.clone();
    partial[0] = None;
    let rows = plan.aggregate(&partial);
    assert_eq!(rows.iter().map(Vec::len).collect::<Vec<_>>(), vec![0, 4, 4]);
    assert!(rows[1].iter().all(|r| r.x != 1000.0) && rows[2].iter().all(|r| r.x != 0.2));
    // Results cut short (the last tasks not yet in) are read as not run.
    assert_eq!(plan.aggregate(&results[..1]).iter().map(Vec::len).collect::<Vec<_>>(), vec![5, 1, 1]);
    // One experiment: its spec's tasks, one for one.
    let d = Plan::new(&s, &[Experiment::D]).unwrap();
    assert_eq!(d.tasks(), Spec { experiment: Experiment::D, ..s.clone() }.tasks());
    let e = Plan::new(&s, &[]).unwrap_err().to_string();
    assert!(e.contains("exp"), "{e}");
}

#[test]
fn noise_grid_sizes_match_the_paper() {
    let s = spec(Experiment::Noise, 1, 1.0, vec![Method::Claime]);
    assert_eq!(s.grid().1.len(), 5);
    let a = Spec { noise: NoiseKind::Ar1, ..s };
    let (name, g) = a.grid();
    assert_eq!((name, g.len()), ("rho", 10));
    assert!((g[9].x - 0.9).abs() < 1e-12);
}

#[test]
fn experiments_run_together_give_each_ones_rows_and_compute_the_shared_point_once() {
    // n, d and noise (spike, 5 points each) at a twentieth of the paper's n, 2 replicates, with a
    // trainer: run alone they take 2 + 10 + 10 tasks; together the default point (n = 5000,
    // d = 1000, c = 0.2) of d and noise is taken from n's task, so 2 + 8 + 8.
    let mut s = spec(Experiment::N, 2, 0.05, vec![Method::Claime, Method::Concate]);
    s.trainers = vec![TrainerKind::ClaimeGd];
    s.train.epochs = 5;
    let all = [Experiment::N, Experiment::D, Experiment::Noise];
    let total = std::sync::atomic::AtomicUsize::new(0);
    let together = claime::experiment::run_experiments(&s, &all, 2, &|_, t| {
        total.store(t, std::sync::atomic::Ordering::SeqCst);
    })
    .unwrap();
    assert_eq!(total.into_inner(), 2 + 8 + 8);
    assert_eq!(together.len(), 3);
    for (e, rows) in all.into_iter().zip(&together) {
        let alone = Spec { experiment: e, ..s.clone() }.run(1, &|_, _| {}).unwrap();
        assert_eq!(to_csv(rows), to_csv(&alone), "experiment {}", e.name());
        assert_eq!(rows.len(), 5 * 3);
    }
    // The order asked is the order returned, and a single experiment is the same as Spec::run.
    let d_only = claime::experiment::run_experiments(&s, &[Experiment::D], 1, &|_, _| {}).unwrap();
    assert_eq!(to_csv(&d_only[0]), to_csv(&together[1]));
    assert_eq!(Experiment::parse_list("all").unwrap(), all.to_vec());
    assert_eq!(Experiment::parse_list("noise,n").unwrap(), vec![Experiment::Noise, Experiment::N]);
    for bad in ["n,n", "n,x", "", "all,n", "n,"] {
        let e = Experiment::parse_list(bad).unwrap_err().to_string();
        assert!(e.contains("exp"), "{bad}: {e}");
    }
}
