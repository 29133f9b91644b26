//! Writing files whole or not at all.

use std::io::Write;
use std::path::{Path, PathBuf};

use tempfile::{NamedTempFile, TempPath};

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
    let tmp = stage(path, write)?;
    tmp.as_file().sync_all().map_err(|source| WriteError {
        path: path.to_path_buf(),
        source,
    })?;
    tmp.persist(path).map_err(|e| WriteError {
        path: path.to_path_buf(),
        source: e.error,
    })?;
    Ok(())
}

/// What writes one file of a [`FileSet::stage_all`]: any closure that writes into the file's
/// (buffered) writer, from any thread.
pub type Writer<'a> = Box<dyn FnOnce(&mut dyn Write) -> std::io::Result<()> + Send + 'a>;

/// Several output files written as one: each is written into a temporary file beside its place,
/// and only once every one was written and synced to the disk are they renamed into place. A failure (of a writer, of
/// the disk, or of a rename) leaves no temporary behind, no new file, and older files as they
/// were.
///
/// Renaming over an older file is atomic on its own; to undo the renames already done when a
/// later one fails, [`FileSet::commit`] first keeps a hard link (or, where the file system has
/// none, a copy) of each older file and puts it back on failure. Only a crash in the middle of
/// the renames can leave a mix, of whole files, some new and some older.
///
/// # Examples
/// ```
/// use std::io::Write;
/// use corridor::export::FileSet;
///
/// let dir = tempfile::tempdir().unwrap();
/// let (zones, lines) = (dir.path().join("zones.txt"), dir.path().join("lines.txt"));
/// let mut files = FileSet::new();
/// files.stage(&zones, |w| w.write_all(b"zones")).unwrap();
/// files.stage(&lines, |w| w.write_all(b"lines")).unwrap();
/// assert!(!zones.exists()); // nothing is in place before the commit
/// files.commit().unwrap();
/// assert_eq!(std::fs::read_to_string(&lines).unwrap(), "lines");
///
/// // A second run that fails on its second file changes nothing, and leaves no temporary.
/// let mut files = FileSet::new();
/// files.stage(&zones, |w| w.write_all(b"new zones")).unwrap();
/// let failed = files.stage(&lines, |_| Err(std::io::Error::other("disk on fire")));
/// assert!(failed.is_err());
/// drop(files);
/// assert_eq!(std::fs::read_to_string(&zones).unwrap(), "zones");
/// assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
/// ```
#[derive(Debug, Default)]
pub struct FileSet {
    staged: Vec<(PathBuf, NamedTempFile)>,
}

impl FileSet {
    /// An empty set.
    pub fn new() -> FileSet {
        FileSet::default()
    }

    /// Writes the file that goes to `path` into a temporary file beside it. Dropping the set
    /// without [`commit`](FileSet::commit) removes every temporary.
    ///
    /// # Errors
    /// [`WriteError`] naming `path` when the temporary cannot be made or written.
    pub fn stage(
        &mut self,
        path: &Path,
        write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<(), WriteError> {
        let tmp = stage(path, write)?;
        self.staged.push((path.to_path_buf(), tmp));
        Ok(())
    }

    /// Stages several files at once, each written on a core of its own by its writer, in the
    /// order given (which [`commit`](FileSet::commit) keeps). When one fails, none of them is
    /// staged.
    ///
    /// # Errors
    /// [`WriteError`] naming a file that could not be staged.
    ///
    /// # Examples
    /// ```
    /// use std::io::Write;
    /// use corridor::export::{FileSet, Writer};
    ///
    /// let dir = tempfile::tempdir().unwrap();
    /// let jobs: Vec<(_, Writer)> = ["a.txt", "b.txt"]
    ///     .iter()
    ///     .map(|name| (dir.path().join(name), Box::new(move |w: &mut dyn Write| w.write_all(name.as_bytes())) as Writer))
    ///     .collect();
    /// let mut files = FileSet::new();
    /// files.stage_all(jobs).unwrap();
    /// let written = files.commit().unwrap();
    /// assert_eq!(std::fs::read_to_string(&written[1]).unwrap(), "b.txt");
    /// ```
    pub fn stage_all(&mut self, jobs: Vec<(PathBuf, Writer<'_>)>) -> Result<(), WriteError> {
        use rayon::prelude::*;
        // Every result first, then the first failure in the jobs' order: collecting straight
        // into a Result keeps whichever failed first in time, so the file named would vary.
        let staged = jobs
            .into_par_iter()
            .map(|(path, write)| stage(&path, write).map(|tmp| (path, tmp)))
            .collect::<Vec<_>>()
            .into_iter()
            .collect::<Result<Vec<_>, WriteError>>()?;
        self.staged.extend(staged);
        Ok(())
    }

    /// Renames every staged file into place, in the order staged, and returns their paths. When
    /// a rename fails, the files already renamed are taken back (older files restored, new ones
    /// removed) and the remaining temporaries removed.
    ///
    /// # Errors
    /// [`WriteError`] naming the file that could not be put in place (a directory standing in
    /// its way, say).
    pub fn commit(self) -> Result<Vec<PathBuf>, WriteError> {
        sync_all(&self.staged)?;
        let mut placed: Vec<(PathBuf, Option<TempPath>)> = Vec::with_capacity(self.staged.len());
        for (path, tmp) in self.staged {
            let done = keep_older(&path).and_then(|older| match tmp.persist(&path) {
                Ok(_) => Ok(older),
                Err(e) => Err(e.error),
            });
            match done {
                Ok(older) => placed.push((path, older)),
                Err(source) => {
                    take_back(placed);
                    return Err(WriteError { path, source });
                }
            }
        }
        // The kept older files go with their `TempPath`s.
        Ok(placed.into_iter().map(|(path, _)| path).collect())
    }
}

/// Keeps the file at `path`, if there is one, under a temporary name beside it: a hard link, or a
/// copy where links are not supported. A directory is not kept (nothing can be renamed over it).
fn keep_older(path: &Path) -> std::io::Result<Option<TempPath>> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if !meta.is_dir() => {}
        _ => return Ok(None),
    }
    let kept = tempfile::Builder::new()
        .prefix(".corridor-")
        .suffix(".old")
        .tempfile_in(directory_of(path))?
        .into_temp_path();
    std::fs::remove_file(&kept)?;
    if std::fs::hard_link(path, &kept).is_err() {
        std::fs::copy(path, &kept)?;
    }
    Ok(Some(kept))
}

/// Undoes renames, newest first: an older file goes back in place, a new one without an older
/// one is removed. Best effort: a failure here cannot be reported better than the first one.
fn take_back(placed: Vec<(PathBuf, Option<TempPath>)>) {
    for (path, older) in placed.into_iter().rev() {
        match older {
            Some(older) => {
                let _ = std::fs::rename(&older, &path);
            }
            None => {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
}

fn directory_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// Syncs every staged file to the disk before any is renamed, all at once: one after the
/// other, each waited for its own journal commit (13 files of a corridor build: about 30 ms of
/// waiting; together about 8 ms).
fn sync_all(staged: &[(PathBuf, NamedTempFile)]) -> Result<(), WriteError> {
    std::thread::scope(|scope| {
        let syncs: Vec<_> = staged
            .iter()
            .map(|(path, tmp)| (path, scope.spawn(|| tmp.as_file().sync_all())))
            .collect();
        let mut first_error = None;
        for (path, sync) in syncs {
            // A thread that only syncs cannot panic short of the standard library failing.
            let result = sync
                .join()
                .unwrap_or_else(|_| Err(std::io::Error::other("the sync thread failed")));
            if let (Err(source), None) = (result, &first_error) {
                first_error = Some(WriteError {
                    path: path.clone(),
                    source,
                });
            }
        }
        first_error.map_or(Ok(()), Err)
    })
}

/// Writes what goes to `path` into a temporary file in the same directory, flushed (synced by
/// the caller), with the permissions of an ordinary file.
fn stage(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<NamedTempFile, WriteError> {
    let fail = |source| WriteError {
        path: path.to_path_buf(),
        source,
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".corridor-")
        .suffix(".tmp")
        .tempfile_in(directory_of(path))
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
    Ok(tmp)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names and contents of the files in `dir`, sorted.
    fn contents(dir: &Path) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let path = e.unwrap().path();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                let text = std::fs::read_to_string(&path).unwrap_or_else(|_| "<dir>".into());
                (name, text)
            })
            .collect();
        out.sort();
        out
    }

    fn run(dir: &Path, names: &[&str], text: &str) -> Result<Vec<PathBuf>, WriteError> {
        let mut files = FileSet::new();
        for name in names {
            files.stage(&dir.join(name), |w| w.write_all(text.as_bytes()))?;
        }
        files.commit()
    }

    #[test]
    fn a_commit_puts_every_file_in_place_over_older_ones() {
        let dir = tempfile::tempdir().unwrap();
        run(dir.path(), &["a", "b"], "old").unwrap();
        let written = run(dir.path(), &["a", "b", "c"], "new").unwrap();
        assert_eq!(written.len(), 3);
        let all_new = ["a", "b", "c"].map(|n| (n.to_string(), "new".to_string()));
        assert_eq!(contents(dir.path()), all_new.to_vec());
    }

    #[test]
    fn a_failed_rename_takes_back_the_files_already_renamed() {
        let dir = tempfile::tempdir().unwrap();
        run(dir.path(), &["a"], "old").unwrap();
        // A directory named `c` stands where the third file goes: its rename fails after `a`
        // (over an older file) and `b` (a new one) were renamed.
        std::fs::create_dir(dir.path().join("c")).unwrap();
        let before = contents(dir.path());
        let err = run(dir.path(), &["a", "b", "c", "d"], "new").unwrap_err();
        assert_eq!(err.path, dir.path().join("c"));
        assert_eq!(contents(dir.path()), before);
    }

    #[test]
    fn a_set_dropped_before_its_commit_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut files = FileSet::new();
        files
            .stage(&dir.path().join("a"), |w| w.write_all(b"x"))
            .unwrap();
        assert_eq!(contents(dir.path()).len(), 1, "the temporary");
        drop(files);
        assert!(contents(dir.path()).is_empty());
    }
}
