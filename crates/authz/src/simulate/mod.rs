//! The offline simulator: DESIGN.md's scenario format in, one answer per scenario out.
//!
//! A file holds one scenario (JSON), a JSON array of them, or JSON lines. Each answer is one
//! JSON line, in order; a malformed scenario answers `{"error": {...}}` with its JSON path and
//! position, and the others are still answered.

pub mod answer;
mod error;
mod explain;
mod positioned;
mod scenario;

pub use answer::{answer_json, Answer};
pub use error::ScenarioError;
pub use explain::{explain_text, render};
pub use scenario::{read_scenario, Scenario};

use policy::json::{self, Json, Pos};

/// Splits an input file into its scenarios (each still to be read), or one error for the whole.
pub fn split_input(text: &str) -> Result<Vec<Json>, ScenarioError> {
    match json::parse(text) {
        Ok(doc) => match doc.value {
            json::Value::Array(items) => Ok(items),
            _ => Ok(vec![doc]),
        },
        // More than one value: JSON lines.
        Err(e) if e.message.starts_with("unexpected text after") => {
            let mut out = Vec::new();
            for (n, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let start = Pos {
                    line: n as u32 + 1,
                    column: 1,
                };
                out.push(json::parse_at(line, start).map_err(ScenarioError::from)?);
            }
            Ok(out)
        }
        Err(e) => Err(e.into()),
    }
}

/// Answers every scenario of an input file, one line each; `false` when any was malformed.
pub fn run(text: &str, explain: bool, mut emit: impl FnMut(&str)) -> bool {
    let items = match split_input(text) {
        Ok(items) => items,
        Err(e) => {
            emit(&e.to_json());
            return false;
        }
    };
    let mut ok = true;
    for item in &items {
        match read_scenario(item) {
            Ok(scenario) => {
                let decision = crate::authorize(&scenario.request(), true);
                if explain {
                    emit(&explain_text(&scenario, &decision));
                } else {
                    emit(&answer_json(&decision));
                }
            }
            Err(e) => {
                ok = false;
                emit(&e.to_json());
            }
        }
    }
    ok
}
