//! Building the [`Catalog`] from the data files.

use std::collections::HashMap;

use super::keys::KeyTypes;
use super::lookup::Catalog;
use super::parse::{parse, ParseError};
use super::types::Service;

/// Builds a catalogue from `(file name, contents)` pairs: the global keys and the services.
pub(super) fn load(global: (&str, &str), services: &[(&str, &str)]) -> Result<Catalog, ParseError> {
    let (global_file, global_text) = global;
    let parsed = parse(global_file, global_text)?;
    if parsed.header.is_some() {
        return Err(error(
            global_file,
            "the global keys file has no [service] section",
        ));
    }
    let mut global_keys = KeyTypes::default();
    for key in &parsed.condition_keys {
        global_keys.insert(&key.name, key.key_type);
    }
    let mut all_keys = global_keys.clone();

    let mut catalog_services = Vec::new();
    let mut by_prefix = HashMap::new();
    for &(file, text) in services {
        let parsed = parse(file, text)?;
        let Some(header) = parsed.header else {
            return Err(error(file, "a service file needs a [service] section"));
        };
        if by_prefix
            .insert(header.prefix.to_ascii_lowercase(), catalog_services.len())
            .is_some()
        {
            return Err(error(
                file,
                &format!("service `{}` loaded twice", header.prefix),
            ));
        }
        for key in &parsed.condition_keys {
            all_keys.insert(&key.name, key.key_type);
        }
        let action_index = parsed
            .actions
            .iter()
            .enumerate()
            .map(|(i, a)| (a.name.to_ascii_lowercase(), i))
            .collect();
        catalog_services.push(Service {
            prefix: header.prefix,
            name: header.name,
            source: header.source,
            actions: parsed.actions,
            resource_types: parsed.resource_types,
            condition_keys: parsed.condition_keys,
            action_index,
        });
    }
    Ok(Catalog {
        services: catalog_services,
        by_prefix,
        global_keys,
        all_keys,
    })
}

fn error(file: &str, message: &str) -> ParseError {
    ParseError {
        file: file.to_string(),
        line: 1,
        message: message.to_string(),
    }
}
