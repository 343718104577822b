//! A JSON-protocol request's parameters, read with the API's own errors for a missing or
//! malformed one.

use std::collections::BTreeMap;

use base64::Engine;
use serde_json::{Map, Value};

use super::error::JsonError;

#[derive(Clone, Copy)]
pub struct Input<'a> {
    map: &'a Map<String, Value>,
    /// The API's error for a parameter that is missing or does not match its shape.
    refuse: fn(String) -> JsonError,
}

impl<'a> Input<'a> {
    pub fn new(map: &'a Map<String, Value>, refuse: fn(String) -> JsonError) -> Input<'a> {
        Input { map, refuse }
    }

    /// A parameter, `null` being absent.
    pub fn get(&self, name: &str) -> Option<&'a Value> {
        self.map.get(name).filter(|v| !v.is_null())
    }

    fn wrong_type(&self, name: &str, what: &str) -> JsonError {
        JsonError::new("SerializationException", format!("{name} must be {what}"))
    }

    /// A required string.
    pub fn string(&self, name: &str) -> Result<&'a str, JsonError> {
        self.optional(name)?
            .ok_or_else(|| (self.refuse)(format!("You must specify a value for {name}.")))
    }

    pub fn optional(&self, name: &str) -> Result<Option<&'a str>, JsonError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(self.wrong_type(name, "a string")),
        }
    }

    /// A required string that must match `valid` (the API's pattern and length).
    pub fn shaped(&self, name: &str, valid: impl Fn(&str) -> bool) -> Result<&'a str, JsonError> {
        let value = self.string(name)?;
        if !valid(value) {
            return Err((self.refuse)(format!(
                "The value of {name} does not match the required pattern."
            )));
        }
        Ok(value)
    }

    pub fn int(&self, name: &str) -> Result<Option<i64>, JsonError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| self.wrong_type(name, "an integer")),
        }
    }

    pub fn bool(&self, name: &str) -> Result<Option<bool>, JsonError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v
                .as_bool()
                .map(Some)
                .ok_or_else(|| self.wrong_type(name, "a boolean")),
        }
    }

    /// A blob: base64 in the JSON protocol.
    pub fn blob(&self, name: &str) -> Result<Option<Vec<u8>>, JsonError> {
        self.optional(name)?
            .map(|text| {
                base64::engine::general_purpose::STANDARD
                    .decode(text)
                    .map_err(|_| self.wrong_type(name, "base64"))
            })
            .transpose()
    }

    /// A map of strings to strings (an encryption context).
    pub fn string_map(&self, name: &str) -> Result<BTreeMap<String, String>, JsonError> {
        match self.get(name) {
            None => Ok(BTreeMap::new()),
            Some(Value::Object(m)) => m
                .iter()
                .map(|(k, v)| match v {
                    Value::String(s) => Ok((k.clone(), s.clone())),
                    _ => Err(self.wrong_type(name, "a map of strings")),
                })
                .collect(),
            Some(_) => Err(self.wrong_type(name, "a map of strings")),
        }
    }

    /// A list of strings.
    pub fn strings(&self, name: &str) -> Result<Vec<String>, JsonError> {
        match self.get(name) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| {
                    v.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| self.wrong_type(name, "a list of strings"))
                })
                .collect(),
            Some(_) => Err(self.wrong_type(name, "a list of strings")),
        }
    }
}
