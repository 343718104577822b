//! The error of a scenario that could not be read: its JSON path, position and what is wrong.

use std::fmt;

use policy::json::{JsonError, Pos};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    pub path: String,
    pub pos: Pos,
    pub message: String,
}

impl ScenarioError {
    /// `{"error":{"path","line","column","message"}}`: the answer line of a scenario that
    /// could not be read.
    pub fn to_json(&self) -> String {
        #[derive(serde::Serialize)]
        struct Line<'a> {
            error: Fields<'a>,
        }
        #[derive(serde::Serialize)]
        struct Fields<'a> {
            path: &'a str,
            line: u32,
            column: u32,
            message: &'a str,
        }
        serde_json::to_string(&Line {
            error: Fields {
                path: &self.path,
                line: self.pos.line,
                column: self.pos.column,
                message: &self.message,
            },
        })
        .expect("an error line always serializes")
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} (line {}, column {})",
            self.path, self.message, self.pos.line, self.pos.column
        )
    }
}

impl std::error::Error for ScenarioError {}

/// An error raised inside a `Deserialize` impl has no place yet (line 0); the positioned
/// deserializer gives it the place of the value being read.
impl serde::de::Error for ScenarioError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        ScenarioError {
            path: String::new(),
            pos: Pos::default(),
            message: message.to_string(),
        }
    }
}

impl From<JsonError> for ScenarioError {
    fn from(e: JsonError) -> Self {
        ScenarioError {
            path: String::new(),
            pos: e.pos,
            message: e.message,
        }
    }
}
