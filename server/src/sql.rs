//! What SQLite and PostgreSQL spell differently, for the stores written
//! once for both (see `db`).

use sqlx::{Postgres, Sqlite};

/// What SQLite and PostgreSQL spell differently.
pub trait Dialect {
    /// Starts a transaction that will write: SQLite takes the write lock
    /// first (a concurrent writer then waits, `busy_timeout`, rather than
    /// failing on upgrading a read); PostgreSQL locks rows as it goes.
    const BEGIN_WRITE: &'static str;
    /// Appended to a SELECT of rows about to be updated in a transaction:
    /// PostgreSQL locks them (SQLite's write lock already covers it).
    const FOR_UPDATE: &'static str;
    /// Appended to the SELECT that claims work: rows another instance is
    /// claiming are skipped rather than waited for.
    const SKIP_LOCKED: &'static str;
    /// A column giving insertion order.
    const SEQ: &'static str;
    /// The engine's name, for logs and `/api/health`.
    const NAME: &'static str;
    /// Whether a statement built with many parameters numbers them (`$N`).
    /// SQLite's are anonymous (`?`): for a numbered one sqlx asks SQLite its
    /// name, a scan of the statement's parameters, so binding an 8,000-
    /// parameter INSERT by number took time quadratic in its length.
    const NUMBERED: bool;
}

impl Dialect for Sqlite {
    const BEGIN_WRITE: &'static str = "BEGIN IMMEDIATE";
    const FOR_UPDATE: &'static str = "";
    const SKIP_LOCKED: &'static str = "";
    const SEQ: &'static str = "rowid";
    const NAME: &'static str = "sqlite";
    const NUMBERED: bool = false;
}

impl Dialect for Postgres {
    const BEGIN_WRITE: &'static str = "BEGIN";
    const FOR_UPDATE: &'static str = " FOR UPDATE";
    const SKIP_LOCKED: &'static str = " FOR UPDATE SKIP LOCKED";
    const SEQ: &'static str = "seq";
    const NAME: &'static str = "postgres";
    const NUMBERED: bool = true;
}
