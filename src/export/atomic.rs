//! Writing files whole or not at all.

use std::io::Write;
use std::path::{Path, PathBuf};

/// What went wrong writing an output file.
///
/// The message names the file; the I/O error is its `source()`, not repeated in the message,
/// so that a chain printed whole (`{:#}` in anyhow, as the binary does) says the cause once.
#[derive(Debug, thiserror::Error)]
#[error("{}: cannot write it", path.display())]
pub struct WriteError {
    /// The file that could not be written.
    pub path: PathBuf,
    /// Why.
    #[source]
    pub source: std::io::Error,
}

/// Writes a file atomically: into a temporary file in the same directory, which is renamed over
/// `path` only once everything was written and flushed. A failure (of `write` or of the disk)
/// leaves no partial file behind and any older file untouched.
///
/// # Errors
/// [`WriteError`] naming the file.
///
/// # Examples
/// ```
/// use std::io::Write;
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("hello.txt");
/// corridor::export::write_atomic(&path, |w| w.write_all(b"hello")).unwrap();
/// assert_eq!(std::fs::read_to_string(&path).unwrap(), "hello");
///
/// // A writer that fails half way leaves nothing behind.
/// let broken = dir.path().join("broken.txt");
/// let err = corridor::export::write_atomic(&broken, |w| {
///     w.write_all(b"half")?;
///     Err(std::io::Error::other("disk on fire"))
/// });
/// assert!(err.is_err() && !broken.exists());
/// assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
/// ```
pub fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), WriteError> {
    let fail = |source| WriteError {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".corridor-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(fail)?;
    {
        let mut buffered = std::io::BufWriter::new(tmp.as_file_mut());
        write(&mut buffered).map_err(fail)?;
        buffered.flush().map_err(fail)?;
    }
    // Temporary files are private (0600); an output is an ordinary file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(fail)?;
    }
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}
