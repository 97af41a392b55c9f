//! The `claime` command line as the fuzz test (tests/cli_fuzz.rs) sees it: every subcommand with
//! its flags, each flag's valid and invalid values, and junk tokens. Values starting with `@`
//! stand for the files of [`super::cli_runner::Files`].

/// A flag: values that are valid alone, values that are not (or not with the defaults), whether
/// it is always given (sizes, so that no case runs at the paper's scale; required flags) and
/// whether a case may leave out an always-given one (never a size).
#[derive(Clone, Copy)]
pub struct Flag {
    pub name: &'static str,
    pub valid: &'static [&'static str],
    pub invalid: &'static [&'static str],
    pub always: bool,
    pub droppable: bool,
}

/// A flag sometimes given.
const fn opt(name: &'static str, valid: &'static [&'static str], invalid: &'static [&'static str]) -> Flag {
    Flag { name, valid, invalid, always: false, droppable: false }
}

/// A size flag: always given, never left out.
const fn size(name: &'static str, valid: &'static [&'static str], invalid: &'static [&'static str]) -> Flag {
    Flag { name, valid, invalid, always: true, droppable: false }
}

/// A required flag: always given, but a case may leave it out.
const fn req(name: &'static str, valid: &'static [&'static str], invalid: &'static [&'static str]) -> Flag {
    Flag { name, valid, invalid, always: true, droppable: true }
}

const N: &[&str] = &["2", "3", "50", "300"];
const BAD_N: &[&str] = &["0", "1", "-5", "abc", "", "1e3", "20000001", "18446744073709551616", "3.5"];
const D: &[&str] = &["8", "12", "40", "60"];
const BAD_D: &[&str] = &["0", "1", "2", "5", "-1", "x", "", "20000", "20001"];
const P: &[&str] = &["1", "2", "3", "4"];
const BAD_P: &[&str] = &["0", "64", "65", "-1", "x"];
const MEAN_T: &[&str] = &["2", "5", "20", "200"];
const BAD_MEAN_T: &[&str] = &["1", "10001", "nan", "inf", "-3", "x"];
const NOISE: &[&str] = &["spike", "ar1", "orthogonal", "none"];
const BAD_NOISE: &[&str] = &["bogus", "", "Spike"];
const C: &[&str] = &["0.2", "1", "1000"];
const BAD_C: &[&str] = &["0", "-1", "1001", "nan", "x"];
const RHO: &[&str] = &["0", "0.5", "0.99"];
const BAD_RHO: &[&str] = &["1", "-0.1", "nan", "x"];
const SCALE: &[&str] = &["0", "1", "25"];
const BAD_SCALE: &[&str] = &["-1", "10001", "inf", "x"];
const SEED: &[&str] = &["0", "1", "18446744073709551615"];
const BAD_SEED: &[&str] = &["18446744073709551616", "-1", "x", "1.5"];
const RUN_METHODS: &[&str] = &[
    "claime",
    "concate",
    "cl",
    "claime,concate,cl",
    "claime-gd",
    "cl-gd",
    "claime-temp",
    "claime-sgd",
    "claime,claime-gd",
];
const BAD_METHODS: &[&str] = &["bogus", "", "claime,bogus", "CLAIME"];
const EPOCHS: &[&str] = &["1", "3"];
const BAD_INT: &[&str] = &["-1", "x", "", "1.5", "18446744073709551616"];
const TEMPERATURE: &[&str] = &["1", "inf", "0.01"];
const BAD_TEMPERATURE: &[&str] = &["0", "-1", "x", "nan"];
const LR: &[&str] = &["0.5", "1.9"];
const BAD_LR: &[&str] = &["0", "2", "-1", "x"];
const BATCH: &[&str] = &["2", "256"];
const LAMBDA: &[&str] = &["1", "2"];
const BAD_LAMBDA: &[&str] = &["0", "-1", "x"];
const FIT_METHOD: &[&str] = &["claime", "concate", "cl"];
const BAD_FIT_METHOD: &[&str] = &["bogus", "claime,cl", ""];
const EVAL_METHOD: &[&str] = &["claime", "claime,concate,cl", "cl"];
const NEGATIVES: &[&str] = &["1", "10"];
const EXP: &[&str] = &["n", "d", "noise"];
const BAD_EXP: &[&str] = &["bogus", "", "n,n", "all,d", "all"]; // "all" because @out holds no {exp}
const EXP_NOISE: &[&str] = &["spike", "ar1"];
const BAD_EXP_NOISE: &[&str] = &["orthogonal", "none", ""];
const REPS: &[&str] = &["1", "2"];
const BAD_REPS: &[&str] = &["0", "-1", "x"];
const THREADS: &[&str] = &["1", "2"];
const EXP_METHODS: &[&str] = &["claime", "claime,cl", "claime-gd", "claime,claime-sgd"];
const N_SCALE: &[&str] = &["0.0005", "0.001"];
const BAD_N_SCALE: &[&str] = &["0", "-1", "x", "nan", "inf", "1e-9"];
const RANGE: &[&str] = &["0.5:4", "1:2"];
const BAD_RANGE: &[&str] = &["x", "1", ":", "-1:1", "nan:1", "1:x"];
const GRID: &[&str] = &["1", "2", "3"];
const BAD_GRID: &[&str] = &["0", "x"];
const SMALL_N: &[&str] = &["50", "200"];
const SUMMARY: &[&str] = &["@summary"];
const RECORDS: &[&str] = &["@records"];
const PAIRS: &[&str] = &["@pairs"];
const BAD_FILE: &[&str] = &["@empty", "@junk", "@missing", "@dir", "", "@records", "@pairs", "@summary"];
const OUT: &[&str] = &["@out"];
const BAD_OUT: &[&str] = &["@nodir", "@dir", ""];
const SWITCH: &[&str] = &[""];
const NONE: &[&str] = &[];

const MODEL: [Flag; 8] = [
    opt("--p", P, BAD_P),
    opt("--mean-t", MEAN_T, BAD_MEAN_T),
    opt("--noise", NOISE, BAD_NOISE),
    opt("--c", C, BAD_C),
    opt("--rho", RHO, BAD_RHO),
    opt("--tau2", SCALE, BAD_SCALE),
    opt("--signal", SCALE, BAD_SCALE),
    opt("--seed", SEED, BAD_SEED),
];

/// The sizes of a run or a simulation.
const SIZES: [Flag; 3] = [size("--n", N, BAD_N), size("--d1", D, BAD_D), size("--d2", D, BAD_D)];

/// A subcommand: its flags (in groups, in order) and its positional arguments (valid and
/// invalid values).
pub struct Sub {
    pub name: &'static str,
    groups: &'static [&'static [Flag]],
    pub positional: (&'static [&'static str], &'static [&'static str]),
}

impl Sub {
    /// Its flags, in order.
    pub fn flags(&self) -> Vec<Flag> {
        self.groups.concat()
    }
}

pub const SUBS: &[Sub] = &[
    Sub {
        name: "run",
        groups: &[
            &SIZES,
            &MODEL,
            &[
                opt("--methods", RUN_METHODS, BAD_METHODS),
                opt("--json", SWITCH, NONE),
                opt("--threads", THREADS, BAD_INT),
                opt("--epochs", EPOCHS, BAD_INT),
                opt("--temperature", TEMPERATURE, BAD_TEMPERATURE),
                opt("--lr", LR, BAD_LR),
                opt("--batch", BATCH, BAD_INT),
                opt("--lambda", LAMBDA, BAD_LAMBDA),
            ],
        ],
        positional: (NONE, NONE),
    },
    Sub {
        name: "simulate",
        groups: &[&SIZES, &[req("--out", OUT, BAD_OUT), opt("--threads", THREADS, BAD_INT)], &MODEL],
        positional: (NONE, NONE),
    },
    Sub {
        name: "fit",
        groups: &[&[
            req("--summary", SUMMARY, BAD_FILE),
            req("--p", &["1", "2"], BAD_P),
            req("--out", OUT, BAD_OUT),
            opt("--method", FIT_METHOD, BAD_FIT_METHOD),
            opt("--seed", SEED, BAD_SEED),
        ]],
        positional: (NONE, NONE),
    },
    Sub {
        name: "summarize",
        groups: &[&[req("--out", OUT, BAD_OUT), opt("--ungrouped", SWITCH, NONE), opt("--no-within", SWITCH, NONE)]],
        positional: (RECORDS, BAD_FILE),
    },
    Sub { name: "merge", groups: &[&[req("--out", OUT, BAD_OUT)]], positional: (SUMMARY, BAD_FILE) },
    Sub {
        name: "evaluate",
        groups: &[&[
            req("--summary", SUMMARY, BAD_FILE),
            req("--pairs", PAIRS, BAD_FILE),
            opt("--method", EVAL_METHOD, BAD_METHODS),
            opt("--p", &["1", "2"], BAD_P),
            opt("--negatives", NEGATIVES, BAD_INT),
            opt("--seed", SEED, BAD_SEED),
            opt("--out", OUT, BAD_OUT),
        ]],
        positional: (NONE, NONE),
    },
    Sub {
        name: "experiment",
        groups: &[&[
            size("--n-scale", N_SCALE, BAD_N_SCALE),
            size("--reps", REPS, BAD_REPS),
            req("--exp", EXP, BAD_EXP),
            req("--out", OUT, BAD_OUT),
            opt("--noise", EXP_NOISE, BAD_EXP_NOISE),
            opt("--threads", THREADS, BAD_INT),
            opt("--methods", EXP_METHODS, BAD_METHODS),
            opt("--signal", SCALE, BAD_SCALE),
            opt("--p", P, BAD_P),
            opt("--seed", SEED, BAD_SEED),
            opt("--svg", OUT, BAD_OUT),
            opt("--epochs", EPOCHS, BAD_INT),
        ]],
        positional: (NONE, NONE),
    },
    Sub {
        name: "regime",
        groups: &[&[
            size("--grid", GRID, BAD_GRID),
            size("--reps", REPS, BAD_REPS),
            size("--n", SMALL_N, BAD_N),
            size("--d1", D, BAD_D),
            size("--d2", D, BAD_D),
            req("--out", OUT, BAD_OUT),
            opt("--signal", RANGE, BAD_RANGE),
            opt("--level", RANGE, BAD_RANGE),
            opt("--noise", EXP_NOISE, BAD_NOISE),
            opt("--p", P, BAD_P),
            opt("--seed", SEED, BAD_SEED),
            opt("--threads", THREADS, BAD_INT),
            opt("--svg", OUT, BAD_OUT),
        ]],
        positional: (NONE, NONE),
    },
];

/// Tokens that are not arguments of any subcommand.
pub const JUNK: &[&str] = &["--bogus", "-x", "", "--", "💥", "--n=", "-", "--help", "junk", "--d1=--d2"];
