//! A serde `Deserializer` over the positioned JSON tree, so the scenario format is declared as
//! plain derives and every error still names its JSON path, line and column.
//!
//! An error raised while a value is read (a wrong type, a missing or unknown field, a custom
//! check in a `Deserialize` impl) is located at the innermost value being read when it arose;
//! an unknown field is located at its key. Two wrappers carry what serde's data model cannot:
//! [`At`] gives a value together with its path and position, for checks that can only be made
//! once the whole scenario is read; [`Node`] gives a subtree whole, spans included, for policy
//! documents (whose own errors have positions inside the document).

use std::cell::{Cell, RefCell};
use std::marker::PhantomData;

use policy::json::{Json, Member, Pos, Value};
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::error::ScenarioError;

/// Reads `T` from `json`; paths start at the root (`""`).
pub fn from_json<'de, T: Deserialize<'de>>(json: &'de Json) -> Result<T, ScenarioError> {
    T::deserialize(Positioned {
        node: json,
        path: String::new(),
    })
}

/// `path` with one more field: `a.b`, or `b` at the root.
pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// A value with where it was written.
#[derive(Debug, Clone)]
pub struct At<T> {
    pub value: T,
    pub path: String,
    pub pos: Pos,
}

impl<T> At<T> {
    /// An error about this value, at its path and position.
    pub fn error(&self, message: impl Into<String>) -> ScenarioError {
        ScenarioError {
            path: self.path.clone(),
            pos: self.pos,
            message: message.into(),
        }
    }
}

/// A subtree, kept as the positioned tree it was written as.
#[derive(Debug, Clone)]
pub struct Node(pub Json);

// The names by which `At` and `Node` ask this deserializer for what serde's data model has no
// words for (the same device as toml's `Spanned`). Any other deserializer refuses them.
const AT: &str = "$gatehouse::At";
const AT_FIELDS: &[&str] = &["path", "line", "column", "value"];
const NODE: &str = "$gatehouse::Node";

thread_local! {
    // A `Node` is handed from the deserializer to `Node::deserialize` through this slot: set
    // and taken within one synchronous call, so it never holds anything between calls.
    static HANDED_OVER: RefCell<Option<Json>> = const { RefCell::new(None) };
}

struct Positioned<'de> {
    node: &'de Json,
    path: String,
}

impl<'de> Positioned<'de> {
    /// Locates an error that arose while this value was read and has no place yet.
    fn locate(&self, e: ScenarioError) -> ScenarioError {
        located(e, self.path.clone(), self.node.span.start)
    }
}

impl<'de> de::Deserializer<'de> for Positioned<'de> {
    type Error = ScenarioError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ScenarioError> {
        let read = match &self.node.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(text) => number(text, visitor),
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => visitor.visit_seq(Items {
                items: items.iter(),
                path: &self.path,
                index: 0,
            }),
            Value::Object(members) => {
                let current = Cell::new(None);
                let read = visitor.visit_map(Members {
                    members: members.iter(),
                    path: &self.path,
                    current: &current,
                });
                // An error between a key and its value (a duplicate field) is the key's.
                return read.map_err(|e| match current.get() {
                    Some(member) => locate_at_key(e, &self.path, member),
                    None => self.locate(e),
                });
            }
        };
        read.map_err(|e| self.locate(e))
    }

    /// `null` and absent are the same.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ScenarioError> {
        match self.node.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ScenarioError> {
        if name != AT {
            return self.deserialize_any(visitor);
        }
        visitor.visit_map(AtFields {
            at: Some(self),
            next: 0,
        })
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ScenarioError> {
        if name == NODE {
            HANDED_OVER.with(|slot| *slot.borrow_mut() = Some(self.node.clone()));
            return visitor.visit_unit();
        }
        visitor
            .visit_newtype_struct(Positioned {
                node: self.node,
                path: self.path.clone(),
            })
            .map_err(|e| self.locate(e))
    }

    /// A unit variant is written as its name.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ScenarioError> {
        match &self.node.value {
            Value::String(s) => visitor
                .visit_enum(de::value::BorrowedStrDeserializer::new(s))
                .map_err(|e| self.locate(e)),
            _ => self.deserialize_any(visitor),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map identifier ignored_any
    }
}

/// Integers as integers (exactly); anything else as a float.
fn number<'de, V: Visitor<'de>>(text: &str, visitor: V) -> Result<V::Value, ScenarioError> {
    if let Ok(n) = text.parse::<u64>() {
        visitor.visit_u64(n)
    } else if let Ok(n) = text.parse::<i64>() {
        visitor.visit_i64(n)
    } else {
        match text.parse::<f64>() {
            Ok(n) if n.is_finite() => visitor.visit_f64(n),
            _ => Err(de::Error::custom(format!("number {text} is out of range"))),
        }
    }
}

struct Items<'a, 'de> {
    items: std::slice::Iter<'de, Json>,
    path: &'a str,
    index: usize,
}

impl<'de> SeqAccess<'de> for Items<'_, 'de> {
    type Error = ScenarioError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, ScenarioError> {
        let Some(node) = self.items.next() else {
            return Ok(None);
        };
        let path = format!("{}[{}]", self.path, self.index);
        self.index += 1;
        let pos = node.span.start;
        seed.deserialize(Positioned {
            node,
            path: path.clone(),
        })
        .map(Some)
        .map_err(|e| located(e, path, pos))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct Members<'a, 'de> {
    members: std::slice::Iter<'de, Member>,
    path: &'a str,
    /// The member whose key was read last; none once the keys are exhausted.
    current: &'a Cell<Option<&'de Member>>,
}

/// Gives an error that has no place yet (line 0) this one.
fn located(mut e: ScenarioError, path: String, pos: Pos) -> ScenarioError {
    if e.pos == Pos::default() {
        e.path = path;
        e.pos = pos;
    }
    e
}

/// Locates an error that has no place yet at a member's key.
fn locate_at_key(e: ScenarioError, path: &str, member: &Member) -> ScenarioError {
    located(e, join(path, &member.key), member.key_span.start)
}

impl<'de> MapAccess<'de> for Members<'_, 'de> {
    type Error = ScenarioError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ScenarioError> {
        self.current.set(self.members.next());
        let Some(member) = self.current.get() else {
            return Ok(None);
        };
        let key = de::value::BorrowedStrDeserializer::<ScenarioError>::new(&member.key);
        // An unknown field is the key's fault: point at the key.
        seed.deserialize(key)
            .map(Some)
            .map_err(|e| locate_at_key(e, self.path, member))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, ScenarioError> {
        let member = self
            .current
            .get()
            .expect("serde asks for a value only after its key");
        let value = Positioned {
            node: &member.value,
            path: join(self.path, &member.key),
        };
        // A check made once the value is read (`try_from`) fails outside the value's own
        // deserializer: it is still the value's error.
        let (path, pos) = (value.path.clone(), member.value.span.start);
        seed.deserialize(value).map_err(|e| located(e, path, pos))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.members.len())
    }
}

/// The four fields `At` asks for, the last being the value itself.
struct AtFields<'de> {
    at: Option<Positioned<'de>>,
    next: usize,
}

impl<'de> MapAccess<'de> for AtFields<'de> {
    type Error = ScenarioError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ScenarioError> {
        let Some(name) = AT_FIELDS.get(self.next) else {
            return Ok(None);
        };
        self.next += 1;
        seed.deserialize(name.into_deserializer()).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, ScenarioError> {
        let at = self.at.as_ref().expect("the value is read last");
        match AT_FIELDS[self.next - 1] {
            "path" => seed.deserialize(at.path.clone().into_deserializer()),
            "line" => seed.deserialize(at.node.span.start.line.into_deserializer()),
            "column" => seed.deserialize(at.node.span.start.column.into_deserializer()),
            _ => seed.deserialize(self.at.take().expect("the value is read once")),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for At<T> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<At<T>, D::Error> {
        struct AtVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for AtVisitor<T> {
            type Value = At<T>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a value read from a positioned JSON tree")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<At<T>, A::Error> {
                let missing = || de::Error::custom("At is read only from a positioned tree");
                let (_, path): (String, String) = map.next_entry()?.ok_or_else(missing)?;
                let (_, line): (String, u32) = map.next_entry()?.ok_or_else(missing)?;
                let (_, column): (String, u32) = map.next_entry()?.ok_or_else(missing)?;
                let (_, value): (String, T) = map.next_entry()?.ok_or_else(missing)?;
                Ok(At {
                    value,
                    path,
                    pos: Pos { line, column },
                })
            }
        }

        deserializer.deserialize_struct(AT, AT_FIELDS, AtVisitor(PhantomData))
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Node, D::Error> {
        struct NodeVisitor;

        impl Visitor<'_> for NodeVisitor {
            type Value = Node;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a subtree of a positioned JSON tree")
            }

            fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
                HANDED_OVER
                    .with(|slot| slot.borrow_mut().take())
                    .map(Node)
                    .ok_or_else(|| E::custom("a Node is read only from a positioned tree"))
            }
        }

        deserializer.deserialize_newtype_struct(NODE, NodeVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use policy::json;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Outer {
        name: String,
        items: Option<Vec<Inner>>,
        whole: Option<Node>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        count: u32,
        label: Option<At<String>>,
    }

    fn read(text: &str) -> Result<Outer, ScenarioError> {
        from_json(&json::parse(text).unwrap())
    }

    fn at(e: &ScenarioError) -> (&str, u32, u32) {
        (e.path.as_str(), e.pos.line, e.pos.column)
    }

    #[test]
    fn values_paths_and_positions_are_read() {
        let outer = read("{\"name\": \"n\",\n \"items\": [{\"count\": 2, \"label\": \"x\"}],\n \"whole\": {\"a\": [1]}}").unwrap();
        assert_eq!(outer.name, "n");
        let items = outer.items.unwrap();
        assert_eq!(items[0].count, 2);
        let label = items[0].label.as_ref().unwrap();
        assert_eq!(label.value, "x");
        assert_eq!(label.path, "items[0].label");
        assert_eq!(
            label.pos,
            Pos {
                line: 2,
                column: 34
            }
        );
        let whole = outer.whole.unwrap().0;
        assert_eq!(
            whole.span.start,
            Pos {
                line: 3,
                column: 11
            }
        );
        assert!(whole.get("a").is_some());
    }

    #[test]
    fn null_is_absent() {
        let outer = read(r#"{"name": "n", "items": null, "whole": null}"#).unwrap();
        assert!(outer.items.is_none() && outer.whole.is_none());
    }

    #[test]
    fn a_wrong_type_is_located_at_the_value() {
        let e = read("{\"name\": \"n\",\n \"items\": [{\"count\": \"two\"}]}").unwrap_err();
        assert_eq!(at(&e), ("items[0].count", 2, 22), "{e}");
        assert!(e.message.contains("expected u32"), "{e}");
    }

    #[test]
    fn an_unknown_field_is_located_at_its_key() {
        let e = read("{\"name\": \"n\",\n  \"itmes\": []}").unwrap_err();
        assert_eq!(at(&e), ("itmes", 2, 3), "{e}");
        assert!(e.message.contains("unknown field `itmes`"), "{e}");
    }

    #[test]
    fn a_missing_field_is_located_at_its_object() {
        let e = read("{\"name\": \"n\", \"items\": [\n {}]}").unwrap_err();
        assert_eq!(at(&e), ("items[0]", 2, 2), "{e}");
        assert!(e.message.contains("missing field `count`"), "{e}");
    }

    #[test]
    fn a_duplicate_field_is_refused() {
        let e = read(r#"{"name": "n", "name": "m"}"#).unwrap_err();
        assert_eq!(at(&e).0, "name", "{e}");
        assert!(e.message.contains("duplicate field"), "{e}");
    }

    #[test]
    fn at_and_node_refuse_other_deserializers() {
        assert!(serde_json::from_str::<At<String>>("\"x\"").is_err());
        assert!(serde_json::from_str::<Node>("{}").is_err());
    }
}
