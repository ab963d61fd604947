//! Store errors.

/// A failed database operation.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint refused the write; `field` names the column (`name`, `uri`).
    #[error("another record already has this {field}")]
    Conflict {
        /// The clashing field.
        field: &'static str,
    },
    /// The database URL or backend is not supported.
    #[error("{0}")]
    Unsupported(String),
    /// A stored value could not be read back (corrupt row).
    #[error("corrupt stored value in {column}: {message}")]
    Corrupt {
        /// Column.
        column: &'static str,
        /// What was wrong.
        message: String,
    },
    /// Migrations failed.
    #[error("database migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Any other database error.
    #[error("database error")]
    Database(#[source] sqlx::Error),
    /// SQLite refused a statement run through its C API (the inventory's bulk writes).
    #[error("database error: {message} (SQLite code {code})")]
    Sqlite {
        /// SQLite's result code.
        code: i32,
        /// SQLite's message.
        message: String,
    },
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e
            && db.is_unique_violation()
        {
            let msg = db.message();
            if msg.contains("name") {
                return Self::Conflict { field: "name" };
            }
            if msg.contains("uri") {
                return Self::Conflict { field: "uri" };
            }
        }
        Self::Database(e)
    }
}
