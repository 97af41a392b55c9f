//! The crate's one error type.
//!
//! Every variant names the offending input (a parameter, a file field, a line) and says what
//! was expected, so the command line and the page can show it as one readable line.

use std::fmt;

/// Anything a user can cause: a parameter out of range, a malformed summary file, a model too
/// large for the memory budget. Bugs panic instead.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// A model or fit parameter is out of range. `name` is the parameter's name as the user
    /// writes it (the command-line flag without dashes, the URL key).
    Param { name: String, got: String, expected: String },
    /// A summary file is malformed. `field` is a JSON path such as `cross.rows[3]`.
    Format { field: String, message: String },
    /// The work would need more memory than the budget allows; refused before allocating.
    /// `advice` (empty, or "; ..." ) says what to reduce, where something can be.
    Memory { needed_bytes: u64, budget_bytes: u64, what: String, advice: String },
    /// A method cannot run on the given data (for example Concate without within-modality counts).
    Unsupported { what: String },
    /// A records file (patient-level rows) is malformed or empty. `at` is `source:line[:column]`,
    /// or the source alone when the fault is the whole file's.
    Records { at: String, message: String },
    /// Reading or writing a file failed.
    Io { path: String, message: String },
}

impl Error {
    /// Shorthand for a parameter error.
    pub fn param(name: &str, got: impl fmt::Display, expected: impl Into<String>) -> Self {
        Error::Param { name: name.to_string(), got: got.to_string(), expected: expected.into() }
    }

    /// Shorthand for a summary-file error.
    pub fn format(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Format { field: field.into(), message: message.into() }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Param { name, got, expected } => {
                write!(f, "{name}: got {got}, expected {expected}")
            }
            // The root path `$` (maybe after "FILE: ") is worded, not quoted as a field.
            Error::Format { field, message } => match field.strip_suffix('$') {
                Some(file) if file.is_empty() || file.ends_with(": ") => write!(f, "{file}the top level: {message}"),
                _ => write!(f, "field `{field}`: {message}"),
            },
            Error::Memory { needed_bytes, budget_bytes, what, advice } => write!(
                f,
                "{what} would need about {} MiB, over the memory budget of {} MiB{advice}",
                needed_bytes / (1 << 20),
                budget_bytes / (1 << 20)
            ),
            Error::Unsupported { what } => write!(f, "{what}"),
            Error::Records { at, message } => write!(f, "{at}: {message}"),
            Error::Io { path, message } => write!(f, "{path}: {message}"),
        }
    }
}

impl std::error::Error for Error {}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, Error>;

/// Rejects NaN and infinite values, naming the input and the first bad position.
pub(crate) fn check_finite(name: &str, values: impl IntoIterator<Item = f64>) -> Result<()> {
    match values.into_iter().enumerate().find(|(_, v)| !v.is_finite()) {
        Some((i, v)) => Err(Error::param(&format!("{name}[{i}]"), v, "a finite number")),
        None => Ok(()),
    }
}
