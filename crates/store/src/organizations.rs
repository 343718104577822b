//! The organizations document (`migrations/7.sql`): read through the store's cache, replaced
//! whole in one transaction.

use std::sync::Arc;

use rusqlite::OptionalExtension;

use crate::error::StoreError;
use crate::Store;

impl Store {
    /// The organizations document, if any organization was ever made (shared: requests read
    /// it, and compare it with what they compiled last by pointer before content).
    pub fn organizations(&self) -> crate::Result<Option<Arc<str>>> {
        self.cache
            .organizations
            .get_or_load(&self.generation, &(), || {
                let conn = self.db.read();
                let text: Option<String> = conn
                    .query_row("SELECT document FROM organizations WHERE id = 1", [], |r| {
                        r.get(0)
                    })
                    .optional()?;
                Ok::<_, StoreError>(Some(text.map(Arc::from)))
            })
            .map(Option::flatten)
    }

    /// Reads the document and replaces it with what `change` makes of it, under the writer
    /// lock (no other change can interleave). `change` answers the new document and a value
    /// for the caller; an `Err` writes nothing.
    pub fn change_organizations<T, E: From<StoreError>>(
        &self,
        change: impl FnOnce(Option<String>) -> Result<(String, T), E>,
    ) -> Result<T, E> {
        let mut conn = self.db.lock();
        let tx = conn.transaction().map_err(StoreError::from)?;
        let current: Option<String> = tx
            .query_row("SELECT document FROM organizations WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(StoreError::from)?;
        let (document, answer) = change(current)?;
        tx.execute(
            "INSERT INTO organizations (id, document) VALUES (1, ?1)
             ON CONFLICT(id) DO UPDATE SET document = ?1",
            [&document],
        )
        .map_err(StoreError::from)?;
        tx.commit().map_err(StoreError::from)?;
        self.changed();
        Ok(answer)
    }
}
