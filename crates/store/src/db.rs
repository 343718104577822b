//! The metadata database: one SQLite file in WAL mode with `synchronous=FULL`, so a committed
//! transaction survives a crash; the schema is created on first open and its version checked on
//! every open.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::config::DbConfig;
use rusqlite::Connection;

use crate::error::{Result, StoreError};
use crate::generation::Generation;

const SCHEMA: &str = include_str!("schema.sql");
/// Each step takes the schema from the version before it to its own; `schema.sql` is version 1.
const MIGRATIONS: &[(i64, &str)] = &[
    (2, include_str!("migrations/2.sql")),
    (3, include_str!("migrations/3.sql")),
    (4, include_str!("migrations/4.sql")),
    (5, include_str!("migrations/5.sql")),
    (6, include_str!("migrations/6.sql")),
    (7, include_str!("migrations/7.sql")),
    (8, include_str!("migrations/8.sql")),
    (9, include_str!("migrations/9.sql")),
    (10, include_str!("migrations/10.sql")),
    (11, include_str!("migrations/11.sql")),
];
pub const SCHEMA_VERSION: i64 = 11;

/// One writer connection (SQLite has one writer) and a few readers, which WAL lets run beside
/// it and each other.
pub struct Db {
    conn: Mutex<Connection>,
    readers: Vec<Mutex<Connection>>,
    next_reader: std::sync::atomic::AtomicUsize,
    /// Bumped each time the writer connection is released: after whatever it committed. The
    /// object cache's generation (`cache.rs`'s rule), kept here so that no write can forget it.
    writes: Generation,
}

const READERS: usize = 4;

fn configure(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA busy_timeout = 5000;",
    )?;
    // A cached statement keeps its plan whatever values are bound. Without this SQLite
    // re-prepares a statement each time a bound value could change its plan — the object
    // lookup's join did, at a fifth of a HEAD's time (docs/performance.md). No query here
    // depends on a bound value for its plan (no LIKE on a parameter; partial indexes test
    // literals).
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    Ok(())
}

impl Db {
    pub fn open(path: &Path) -> Result<Db> {
        let conn = Connection::open(path)?;
        configure(&conn)?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if !(0..=SCHEMA_VERSION).contains(&version) {
            return Err(StoreError::Corrupt(format!(
                "metadata schema version {version}; this build reads up to {SCHEMA_VERSION}"
            )));
        }
        if version < SCHEMA_VERSION {
            // One transaction for all the steps: a crash mid-way leaves the old version whole.
            let tx = conn.unchecked_transaction()?;
            if version == 0 {
                tx.execute_batch(SCHEMA)?;
            }
            for (step, sql) in MIGRATIONS {
                if *step > version.max(1) {
                    tx.execute_batch(sql)?;
                }
            }
            tx.execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION}"))?;
            tx.commit()?;
        }
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            let reader = Connection::open(path)?;
            configure(&reader)?;
            reader.execute_batch("PRAGMA query_only = ON;")?;
            readers.push(Mutex::new(reader));
        }
        Ok(Db {
            conn: Mutex::new(conn),
            readers,
            next_reader: std::sync::atomic::AtomicUsize::new(0),
            writes: Generation::default(),
        })
    }

    /// A read-only connection: a free one if any, else the next in turn. It sees every
    /// committed transaction.
    pub fn read(&self) -> MutexGuard<'_, Connection> {
        let start = self
            .next_reader
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        for i in 0..self.readers.len() {
            if let Ok(guard) = self.readers[(start + i) % self.readers.len()].try_lock() {
                return guard;
            }
        }
        self.readers[start % self.readers.len()]
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    /// The writer connection; one caller at a time (SQLite has one writer anyway).
    pub fn lock(&self) -> Writer<'_> {
        // A panic while holding the lock cannot leave a half transaction: rusqlite rolls back
        // on drop. The connection stays usable.
        Writer {
            conn: self.conn.lock().unwrap_or_else(|e| e.into_inner()),
            writes: &self.writes,
        }
    }

    /// How many times the writer connection has been released: changes after every commit.
    pub fn writes(&self) -> &Generation {
        &self.writes
    }
}

/// The writer connection, held; releasing it counts as a write (whether or not anything was
/// committed: a spare invalidation is harmless, a missed one is not).
pub struct Writer<'a> {
    conn: MutexGuard<'a, Connection>,
    writes: &'a Generation,
}

impl std::ops::Deref for Writer<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        &self.conn
    }
}

impl std::ops::DerefMut for Writer<'_> {
    fn deref_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }
}

impl Drop for Writer<'_> {
    fn drop(&mut self) {
        self.writes.bump();
    }
}

/// The next id of `sequence` (`buckets`, `objects`): larger than every id it issued before,
/// so an id is never reused after its row is deleted (see `migrations/4.sql`).
pub(crate) fn next_id(conn: &Connection, sequence: &str) -> Result<i64> {
    Ok(conn.query_row(
        "UPDATE id_sequences SET last = last + 1 WHERE name = ?1 RETURNING last",
        [sequence],
        |r| r.get(0),
    )?)
}

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
