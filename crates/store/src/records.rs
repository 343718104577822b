//! Records (`migrations/8.sql`): documents by kind and id, each in an account and region.
//! Reads by id go through the store's cache; every change is one transaction.

use std::sync::Arc;

use rusqlite::{params, OptionalExtension};

use crate::error::StoreError;
use crate::Store;

/// A record as listed: its id and document.
pub type Record = (String, Arc<str>);

impl Store {
    /// The record `kind`/`id`, if there is one.
    pub fn record(&self, kind: &str, id: &str) -> crate::Result<Option<Arc<str>>> {
        let key = (kind.to_string(), id.to_string());
        self.cache.records.get_or_load(&self.generation, &key, || {
            let conn = self.db.read();
            let text: Option<String> = conn
                .query_row(
                    "SELECT document FROM records WHERE kind = ?1 AND id = ?2",
                    [kind, id],
                    |r| r.get(0),
                )
                .optional()?;
            Ok::<_, StoreError>(text.map(Arc::from))
        })
    }

    /// The records of `kind` in an account and region, by id.
    pub fn records(&self, kind: &str, account: &str, region: &str) -> crate::Result<Vec<Record>> {
        let conn = self.db.read();
        let mut stmt = conn.prepare_cached(
            "SELECT id, document FROM records WHERE kind = ?1 AND account_id = ?2 AND region = ?3 ORDER BY id",
        )?;
        let rows = stmt.query_map([kind, account, region], |r| {
            Ok((r.get::<_, String>(0)?, Arc::from(r.get::<_, String>(1)?)))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Adds a record; one of that kind and id already there is `EntityAlreadyExists`.
    pub fn put_record(
        &self,
        kind: &str,
        id: &str,
        account: &str,
        region: &str,
        document: &str,
    ) -> crate::Result<()> {
        let inserted = self.db.lock().execute(
            "INSERT INTO records (kind, id, account_id, region, document) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(kind, id) DO NOTHING",
            params![kind, id, account, region, document],
        )?;
        if inserted == 0 {
            return Err(StoreError::EntityAlreadyExists(format!("{kind} {id}")));
        }
        self.changed();
        Ok(())
    }

    /// Reads the record and replaces it with what `change` makes of it (`None`: deletes it),
    /// under the writer lock. `change` sees `None` when there is no such record; an `Err`
    /// writes nothing.
    pub fn change_record<T, E: From<StoreError>>(
        &self,
        kind: &str,
        id: &str,
        change: impl FnOnce(Option<String>) -> Result<(Option<String>, T), E>,
    ) -> Result<T, E> {
        let mut conn = self.db.lock();
        let tx = conn.transaction().map_err(StoreError::from)?;
        let current: Option<String> = tx
            .query_row(
                "SELECT document FROM records WHERE kind = ?1 AND id = ?2",
                [kind, id],
                |r| r.get(0),
            )
            .optional()
            .map_err(StoreError::from)?;
        let existed = current.is_some();
        let (document, answer) = change(current)?;
        match document {
            Some(text) if existed => tx.execute(
                "UPDATE records SET document = ?3 WHERE kind = ?1 AND id = ?2",
                params![kind, id, text],
            ),
            Some(_) => {
                return Err(StoreError::NoSuchEntity(format!("{kind} {id}")).into());
            }
            None => tx.execute(
                "DELETE FROM records WHERE kind = ?1 AND id = ?2",
                params![kind, id],
            ),
        }
        .map_err(StoreError::from)?;
        tx.commit().map_err(StoreError::from)?;
        self.changed();
        Ok(answer)
    }
}
