//! Prepared statements run through SQLite's C API on a connection sqlx lends out (ADR 0011).
//!
//! A full sync inserts tens of thousands of rows. Through sqlx each row's values are copied into
//! an argument list, sent to the connection's worker thread, bound (copied again) into a
//! statement of a few hundred rows that SQLite has to compile, and taken apart again. Here one
//! single-row statement per table is prepared once and stepped per row with its values bound
//! in place: about a third of the CPU for the same rows.
//!
//! Safety rests on three rules kept inside this module: the handle is used only while sqlx's
//! lock on it ([`LockedSqliteHandle`]) is held, a [`Stmt`] cannot outlive the [`RawConn`] it
//! was prepared on, and values are bound only for the duration of one [`Stmt::run`] call,
//! which clears them before returning.

use crate::StoreError;
use libsqlite3_sys as ffi;
use sqlx::sqlite::LockedSqliteHandle;
use std::ffi::{CStr, c_int};
use std::marker::PhantomData;
use std::ptr::{self, NonNull};

/// One value to bind.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Val<'a> {
    Null,
    Int(i64),
    Text(&'a str),
}

impl<'a> From<&'a str> for Val<'a> {
    fn from(s: &'a str) -> Self {
        Val::Text(s)
    }
}

impl<'a> From<&'a String> for Val<'a> {
    fn from(s: &'a String) -> Self {
        Val::Text(s)
    }
}

impl<'a> From<Option<&'a str>> for Val<'a> {
    fn from(s: Option<&'a str>) -> Self {
        s.map_or(Val::Null, Val::Text)
    }
}

impl<'a> From<&'a Option<String>> for Val<'a> {
    fn from(s: &'a Option<String>) -> Self {
        s.as_deref().into()
    }
}

impl From<i64> for Val<'_> {
    fn from(v: i64) -> Self {
        Val::Int(v)
    }
}

impl From<bool> for Val<'_> {
    fn from(v: bool) -> Self {
        Val::Int(i64::from(v))
    }
}

impl From<Option<i64>> for Val<'_> {
    fn from(v: Option<i64>) -> Self {
        v.map_or(Val::Null, Val::Int)
    }
}

/// A connection's raw handle, borrowed from sqlx for as long as this lives.
pub(crate) struct RawConn<'h> {
    db: NonNull<ffi::sqlite3>,
    _lock: LockedSqliteHandle<'h>,
}

impl<'h> RawConn<'h> {
    pub(crate) fn new(mut lock: LockedSqliteHandle<'h>) -> Self {
        Self {
            db: lock.as_raw_handle().cast(),
            _lock: lock,
        }
    }

    /// Prepares `sql` (one statement) for repeated use.
    pub(crate) fn prepare(&self, sql: &str) -> Result<Stmt<'_>, StoreError> {
        let mut raw = ptr::null_mut();
        let len = c_int::try_from(sql.len())
            .map_err(|_| failed(ffi::SQLITE_TOOBIG, "statement too long"))?;
        // SAFETY: `db` is a live connection whose lock we hold; `sql` is valid for `len` bytes.
        let rc = unsafe {
            ffi::sqlite3_prepare_v3(
                self.db.as_ptr(),
                sql.as_ptr().cast(),
                len,
                ffi::SQLITE_PREPARE_PERSISTENT as _,
                &mut raw,
                ptr::null_mut(),
            )
        };
        if rc != ffi::SQLITE_OK || raw.is_null() {
            return Err(self.error(rc));
        }
        Ok(Stmt {
            raw,
            db: self.db,
            _conn: PhantomData,
        })
    }

    fn error(&self, rc: c_int) -> StoreError {
        error(self.db, rc)
    }
}

fn error(db: NonNull<ffi::sqlite3>, rc: c_int) -> StoreError {
    // SAFETY: `db` is a live connection whose lock the caller holds; the message is copied
    // before any other call on it.
    let msg = unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(db.as_ptr())) };
    failed(rc, &msg.to_string_lossy())
}

fn failed(code: c_int, message: &str) -> StoreError {
    StoreError::Sqlite {
        code,
        message: message.to_owned(),
    }
}

/// A prepared statement, finalized on drop.
pub(crate) struct Stmt<'c> {
    raw: *mut ffi::sqlite3_stmt,
    db: NonNull<ffi::sqlite3>,
    /// Borrows the connection: a statement cannot outlive the lock on its handle.
    _conn: PhantomData<&'c ()>,
}

impl Stmt<'_> {
    /// Binds `vals` to the parameters in order, steps the statement to its end and resets it.
    /// Returns the first column of the first row it produced (`RETURNING id`), if any.
    pub(crate) fn run(&mut self, vals: &[Val<'_>]) -> Result<Option<i64>, StoreError> {
        let result = self.bind_and_step(vals);
        // SAFETY: `raw` is a live statement of our connection. Resetting and clearing before
        // returning means no bound pointer into `vals` outlives this call.
        unsafe {
            ffi::sqlite3_reset(self.raw);
            ffi::sqlite3_clear_bindings(self.raw);
        }
        result
    }

    /// Runs an `INSERT` like [`Stmt::run`]; returns the new row's id, or `None` when it
    /// inserted nothing (an `ON CONFLICT … DO NOTHING` that met a conflict). Unlike `RETURNING`,
    /// which makes SQLite open and close a temporary table on every run, this reads the
    /// connection's last insert.
    pub(crate) fn insert(&mut self, vals: &[Val<'_>]) -> Result<Option<i64>, StoreError> {
        self.run(vals)?;
        // SAFETY: `db` is our live, locked connection and this statement just completed on it,
        // so its change count and last rowid are this statement's.
        let inserted = unsafe { ffi::sqlite3_changes64(self.db.as_ptr()) } > 0;
        Ok(inserted.then(|| unsafe { ffi::sqlite3_last_insert_rowid(self.db.as_ptr()) }))
    }

    fn bind_and_step(&mut self, vals: &[Val<'_>]) -> Result<Option<i64>, StoreError> {
        // SAFETY: `raw` is live.
        let wanted = unsafe { ffi::sqlite3_bind_parameter_count(self.raw) };
        if usize::try_from(wanted).ok() != Some(vals.len()) {
            // A statement and its values out of step is a bug here, not bad data: refuse
            // rather than bind NULL to what was left out.
            return Err(failed(
                ffi::SQLITE_RANGE,
                &format!("{} values for {wanted} parameters", vals.len()),
            ));
        }
        for (i, v) in vals.iter().enumerate() {
            let at =
                c_int::try_from(i + 1).map_err(|_| failed(ffi::SQLITE_RANGE, "too many values"))?;
            // SAFETY: `raw` is live; text is bound without a copy (SQLITE_STATIC), valid
            // because `run` unbinds before `vals` can go away.
            let rc = unsafe {
                match *v {
                    Val::Null => ffi::sqlite3_bind_null(self.raw, at),
                    Val::Int(n) => ffi::sqlite3_bind_int64(self.raw, at, n),
                    Val::Text(s) => ffi::sqlite3_bind_text64(
                        self.raw,
                        at,
                        s.as_ptr().cast(),
                        s.len() as u64,
                        ffi::SQLITE_STATIC(),
                        ffi::SQLITE_UTF8 as u8,
                    ),
                }
            };
            if rc != ffi::SQLITE_OK {
                return Err(error(self.db, rc));
            }
        }
        let mut first = None;
        loop {
            // SAFETY: `raw` is live and fully bound.
            match unsafe { ffi::sqlite3_step(self.raw) } {
                ffi::SQLITE_DONE => return Ok(first),
                ffi::SQLITE_ROW => {
                    if first.is_none() {
                        // SAFETY: a row is current.
                        first = Some(unsafe { ffi::sqlite3_column_int64(self.raw, 0) });
                    }
                }
                rc => return Err(error(self.db, rc)),
            }
        }
    }
}

impl Drop for Stmt<'_> {
    fn drop(&mut self) {
        // SAFETY: `raw` came from `sqlite3_prepare_v3` on a connection still locked by us
        // (the borrow of `conn` proves it lives) and is finalized exactly once.
        unsafe {
            ffi::sqlite3_finalize(self.raw);
        }
    }
}

/// Runs CPU-bound work on the current thread, telling a multi-threaded runtime to move its
/// other tasks elsewhere meanwhile.
pub(crate) fn blocking<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(f)
        }
        _ => f(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::Connection;

    #[tokio::test]
    async fn values_bind_as_given_and_a_count_mismatch_is_refused() {
        let mut c = sqlx::SqliteConnection::connect("sqlite::memory:")
            .await
            .unwrap();
        let conn = RawConn::new(c.lock_handle().await.unwrap());
        conn.prepare("CREATE TABLE t (a, b)")
            .unwrap()
            .run(&[])
            .unwrap();
        let mut insert = conn
            .prepare("INSERT INTO t (a, b) VALUES (?, ?) RETURNING rowid")
            .unwrap();
        let err = insert.run(&[Val::Int(1)]).unwrap_err();
        assert!(
            err.to_string().contains("1 values for 2 parameters"),
            "{err}"
        );
        // An empty string is text, not NULL; text with quotes and unicode is kept as is.
        assert_eq!(insert.run(&["".into(), Val::Null]).unwrap(), Some(1));
        assert_eq!(
            insert.run(&["it's \"ü\"".into(), 7i64.into()]).unwrap(),
            Some(2)
        );
        let mut count = conn
            .prepare("SELECT count(*) FROM t WHERE a = ? AND b IS NULL")
            .unwrap();
        assert_eq!(count.run(&["".into()]).unwrap(), Some(1));
        assert_eq!(count.run(&[Val::Null]).unwrap(), Some(0));
        let mut exact = conn.prepare("SELECT b FROM t WHERE a = ?").unwrap();
        assert_eq!(exact.run(&["it's \"ü\"".into()]).unwrap(), Some(7));
        // A refused statement says what SQLite said.
        let Err(err) = conn.prepare("INSERT INTO missing VALUES (1)") else {
            panic!("prepared a statement on a missing table");
        };
        assert!(err.to_string().contains("no such table: missing"), "{err}");
    }
}
