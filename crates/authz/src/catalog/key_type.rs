//! The data type of a condition key.

/// A condition key's data type, as the SAR's condition-key tables and the global-keys page name
/// them. `ArrayOf…` types are multivalued keys (use them with `ForAnyValue`/`ForAllValues`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyType {
    String,
    ArrayOfString,
    Numeric,
    ArrayOfNumeric,
    Date,
    ArrayOfDate,
    Bool,
    ArrayOfBool,
    Arn,
    ArrayOfArn,
    IpAddress,
    ArrayOfIpAddress,
    Binary,
    ArrayOfBinary,
}

impl KeyType {
    /// The SAR's spelling (`ARN`, `IPAddress`, `Bool`); `Arn`, `IpAddress` and `Boolean` are
    /// accepted too.
    pub fn parse(token: &str) -> Option<KeyType> {
        let t = match token {
            "String" => KeyType::String,
            "ArrayOfString" => KeyType::ArrayOfString,
            "Numeric" => KeyType::Numeric,
            "ArrayOfNumeric" => KeyType::ArrayOfNumeric,
            "Date" => KeyType::Date,
            "ArrayOfDate" => KeyType::ArrayOfDate,
            "Bool" | "Boolean" => KeyType::Bool,
            "ArrayOfBool" | "ArrayOfBoolean" => KeyType::ArrayOfBool,
            "ARN" | "Arn" => KeyType::Arn,
            "ArrayOfARN" | "ArrayOfArn" => KeyType::ArrayOfArn,
            "IPAddress" | "IpAddress" => KeyType::IpAddress,
            "ArrayOfIPAddress" | "ArrayOfIpAddress" => KeyType::ArrayOfIpAddress,
            "Binary" => KeyType::Binary,
            "ArrayOfBinary" => KeyType::ArrayOfBinary,
            _ => return None,
        };
        Some(t)
    }

    /// Is this a multivalued (`ArrayOf…`) type?
    pub fn is_array(self) -> bool {
        self != self.element()
    }

    /// The type of one value: `ArrayOfString` → `String`; a single-valued type is itself.
    pub fn element(self) -> KeyType {
        match self {
            KeyType::ArrayOfString => KeyType::String,
            KeyType::ArrayOfNumeric => KeyType::Numeric,
            KeyType::ArrayOfDate => KeyType::Date,
            KeyType::ArrayOfBool => KeyType::Bool,
            KeyType::ArrayOfArn => KeyType::Arn,
            KeyType::ArrayOfIpAddress => KeyType::IpAddress,
            KeyType::ArrayOfBinary => KeyType::Binary,
            single => single,
        }
    }
}
