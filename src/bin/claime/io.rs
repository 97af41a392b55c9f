//! Files and messages of the command line: reading and writing files with errors that name
//! them, output files opened before the work, one-line messages, and the thread count.

use claime::Error;

/// One line for the user: parameter errors name the flag.
pub(crate) fn message(e: &Error) -> String {
    match e {
        Error::Param { name, got, expected } => {
            format!("--{}: got {got}, expected {expected}", name.replace('_', "-"))
        }
        other => other.to_string(),
    }
}

pub(crate) fn write(path: &str, text: &str) -> Result<(), Error> {
    std::fs::write(path, text).map_err(|e| Error::Io { path: path.into(), message: e.to_string() })
}

/// An output file opened before the work, so that a bad path (a missing directory, a directory)
/// fails at once naming its flag, and written after it. Opening does not truncate an existing
/// file; one that did not exist is removed again if nothing gets written.
pub(crate) struct Output {
    file: std::fs::File,
    path: String,
    created: bool,
    written: bool,
}

impl Output {
    pub(crate) fn open(flag: &str, path: &str) -> Result<Self, Error> {
        let created = !std::path::Path::new(path).exists();
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(|e| Error::Io { path: format!("--{flag} {path}"), message: e.to_string() })?;
        Ok(Output { file, path: path.into(), created, written: false })
    }

    pub(crate) fn write(mut self, text: &str) -> Result<(), Error> {
        use std::io::Write;
        let written = self.file.set_len(0).and_then(|()| self.file.write_all(text.as_bytes()));
        self.written = written.is_ok();
        written.map_err(|e| Error::Io { path: self.path.clone(), message: e.to_string() })
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if self.created && !self.written {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

pub(crate) fn read(path: &str) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|e| Error::Io { path: path.into(), message: e.to_string() })
}

/// The worker threads asked for, or all cores; refuses 0.
pub(crate) fn worker_threads(threads: Option<usize>) -> Result<usize, Error> {
    match threads {
        Some(0) => Err(Error::param("threads", 0, "at least 1")),
        Some(k) => Ok(k),
        None => Ok(std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)),
    }
}
