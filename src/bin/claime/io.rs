//! Files and messages of the command line: reading and writing files with errors that name
//! them, output files checked before the work and written whole (a temporary file renamed into
//! place), one-line messages, and the thread count.

use claime::Error;
use std::path::{Path, PathBuf};

/// One line for the user: parameter errors name the flag; control characters quoted.
pub(crate) fn message(e: &Error) -> String {
    printable(&match e {
        Error::Param { name, got, expected } => {
            format!("--{}: got {got}, expected {expected}", name.replace('_', "-"))
        }
        other => other.to_string(),
    })
}

/// A multi-line text (a table) as [`printable`] writes it, its line breaks kept.
pub(crate) fn printable_lines(s: &str) -> String {
    s.split('\n').map(printable).collect::<Vec<_>>().join("\n")
}

/// The text with its control characters written as escapes (`\u{1b}`, `\n`), so that a name
/// or a path quoted from the input can neither recolour, move nor retitle the terminal.
pub(crate) fn printable(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// An I/O failure naming the file (or the flag and file).
pub(crate) fn io_error(path: &str, e: std::io::Error) -> Error {
    Error::Io { path: path.into(), message: e.to_string() }
}

/// The file a path names: (device, inode) of an existing file on Unix, else the absolute path
/// with its folder resolved, so that two spellings of one file compare equal.
fn identity(path: &str) -> Option<(u64, u64, PathBuf)> {
    let p = Path::new(path);
    #[cfg(unix)]
    if let Ok(m) = std::fs::metadata(p) {
        use std::os::unix::fs::MetadataExt;
        return Some((m.dev(), m.ino(), PathBuf::new()));
    }
    let name = p.file_name()?;
    let folder = match p.parent() {
        Some(f) if !f.as_os_str().is_empty() => f.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Some((0, 0, std::fs::canonicalize(folder).ok()?.join(name)))
}

/// Whether two paths name the same file, under any spelling.
pub(crate) fn same_file(a: &str, b: &str) -> bool {
    matches!((identity(a), identity(b)), (Some(x), Some(y)) if x == y)
}

/// Refuses, before anything is read or written, an output that is one of the inputs or another
/// output (the same file under any spelling): writing it would destroy the input. `outputs` and
/// `inputs` are (flag or role, path).
pub(crate) fn refuse_overwrite(outputs: &[(&str, &str)], inputs: &[(&str, &str)]) -> Result<(), Error> {
    for (k, &(flag, path)) in outputs.iter().enumerate() {
        let Some(out) = identity(path) else { continue };
        let same = |p: &str| identity(p).is_some_and(|id| id == out);
        if let Some((role, input)) = inputs.iter().find(|(_, p)| same(p)) {
            return Err(Error::param(
                flag,
                format!("'{path}'"),
                format!("a file other than the {role} '{input}' (writing there would destroy the input)"),
            ));
        }
        if let Some((other, p)) = outputs[..k].iter().find(|(_, p)| same(p)) {
            return Err(Error::param(flag, format!("'{path}'"), format!("a file other than --{other} '{p}'")));
        }
    }
    Ok(())
}

/// An output file checked before the work, so that a bad path (a missing folder, a folder, a
/// folder that takes no new file) fails at once naming its flag, and written after it whole:
/// the text goes to a temporary file in the same folder, renamed into place when complete, so
/// an interrupted run leaves no partial file and an existing file stays as it was until then.
/// (A path that is not a regular file, such as /dev/stdout, is written directly.)
pub(crate) struct Output {
    flag: String,
    path: String,
}

impl Output {
    pub(crate) fn open(flag: &str, path: &str) -> Result<Self, Error> {
        let named = |e: std::io::Error| io_error(&format!("--{flag} {path}"), e);
        let p = Path::new(path);
        if p.is_dir() {
            return Err(named(std::io::Error::other("is a folder, expected a file path")));
        }
        if !special(p) {
            // A probe file shows that the folder takes the temporary file, removed at once.
            let probe = temporary(p);
            std::fs::OpenOptions::new().write(true).create_new(true).open(&probe).map_err(named)?;
            let _ = std::fs::remove_file(&probe);
        }
        Ok(Output { flag: flag.into(), path: path.into() })
    }

    /// Writes the whole text: to a temporary file, then renamed over the path.
    pub(crate) fn write(self, text: &str) -> Result<(), Error> {
        self.write_bytes(text.as_bytes())
    }

    /// Writes the whole content as [`Output::write`] does.
    pub(crate) fn write_bytes(self, bytes: &[u8]) -> Result<(), Error> {
        let p = Path::new(&self.path);
        if special(p) {
            return std::fs::write(p, bytes).map_err(|e| io_error(&self.path, e));
        }
        let tmp = temporary(p);
        let written = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, p));
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        written.map_err(|e| io_error(&format!("--{} {}", self.flag, self.path), e))
    }
}

/// Whether the path exists and is not a regular file (a device, a pipe): written in place.
fn special(p: &Path) -> bool {
    std::fs::metadata(p).is_ok_and(|m| !m.is_file())
}

/// The temporary file beside `p`: hidden, named after it and this process.
fn temporary(p: &Path) -> PathBuf {
    let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    p.with_file_name(format!(".{name}.claime-{}.tmp", std::process::id()))
}

/// A whole input file, read in 1 MiB pieces and refused as soon as it passes the memory budget
/// (`params::DEFAULT_MEMORY_BUDGET`; a regular file by its size, before any read), so that an
/// endless input (/dev/zero, a pipe) stops there with a message that names the budget. The
/// buffer grows by doubling but never past the budget.
pub(crate) fn read_bytes(path: &str) -> Result<Vec<u8>, Error> {
    read_bytes_within(path, claime::params::DEFAULT_MEMORY_BUDGET)
}

fn read_bytes_within(path: &str, budget: u64) -> Result<Vec<u8>, Error> {
    use std::io::Read;
    let over = || {
        io_error(
            path,
            std::io::Error::other(format!(
                "larger than the memory budget of {} MiB for an input file read whole; split it or summarise at the source",
                budget >> 20
            )),
        )
    };
    let mut file = std::fs::File::open(path).map_err(|e| io_error(path, e))?;
    let meta = file.metadata().map_err(|e| io_error(path, e))?;
    if meta.is_file() && meta.len() > budget {
        return Err(over());
    }
    let budget = budget as usize;
    let mut data: Vec<u8> = Vec::with_capacity(if meta.is_file() { meta.len() as usize } else { 0 });
    let mut chunk = vec![0u8; 1 << 20];
    loop {
        let k = match file.read(&mut chunk) {
            Ok(0) => return Ok(data),
            Ok(k) => k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_error(path, e)),
        };
        if data.len() + k > budget {
            return Err(over());
        }
        if data.capacity() < data.len() + k {
            let want = (2 * data.capacity()).max(data.len() + k).min(budget);
            data.reserve_exact(want - data.len());
        }
        data.extend_from_slice(&chunk[..k]);
    }
}

/// The worker threads asked for, or all cores; refuses 0.
pub(crate) fn worker_threads(threads: Option<usize>) -> Result<usize, Error> {
    match threads {
        Some(0) => Err(Error::param("threads", 0, "at least 1")),
        Some(k) => Ok(k),
        None => Ok(std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)),
    }
}
