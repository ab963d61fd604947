//! User-chosen display names.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest name, in characters, that a user may give a resource.
pub const MAX_NAME_CHARS: usize = 64;

/// Why a name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// Empty or only whitespace.
    #[error("name must not be empty")]
    Empty,
    /// More than [`MAX_NAME_CHARS`] characters.
    #[error("name is {chars} characters long; at most {max} are allowed")]
    TooLong {
        /// Characters given.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// Contains a control character (newline, tab, NUL…).
    #[error("name must not contain control characters")]
    ControlCharacter,
    /// Leading or trailing whitespace.
    #[error("name must not start or end with whitespace")]
    SurroundingWhitespace,
}

/// A validated display name: 1–64 characters, any script, no control characters and no
/// surrounding whitespace. XML metacharacters are allowed: names never reach XML unescaped.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ResourceName(String);

impl ResourceName {
    /// Validates `s` as a name.
    pub fn parse(s: &str) -> Result<Self, NameError> {
        if s.trim().is_empty() {
            return Err(NameError::Empty);
        }
        let chars = s.chars().count();
        if chars > MAX_NAME_CHARS {
            return Err(NameError::TooLong {
                chars,
                max: MAX_NAME_CHARS,
            });
        }
        if s.chars().any(char::is_control) {
            return Err(NameError::ControlCharacter);
        }
        if s.trim() != s {
            return Err(NameError::SurroundingWhitespace);
        }
        Ok(Self(s.to_owned()))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ResourceName {
    type Error = NameError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<ResourceName> for String {
    fn from(n: ResourceName) -> Self {
        n.0
    }
}

impl fmt::Display for ResourceName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_unicode_and_xml_metacharacters() {
        assert_eq!(
            ResourceName::parse("Ünïcødé 主机").unwrap().as_str(),
            "Ünïcødé 主机"
        );
        assert_eq!(
            ResourceName::parse("<a&b>'\"").unwrap().as_str(),
            "<a&b>'\""
        );
    }

    #[test]
    fn refuses_bad_names() {
        assert_eq!(ResourceName::parse(""), Err(NameError::Empty));
        assert_eq!(ResourceName::parse("   "), Err(NameError::Empty));
        assert_eq!(
            ResourceName::parse(&"x".repeat(300)),
            Err(NameError::TooLong {
                chars: 300,
                max: 64
            })
        );
        assert_eq!(
            ResourceName::parse("a\nb"),
            Err(NameError::ControlCharacter)
        );
        assert_eq!(
            ResourceName::parse(" a"),
            Err(NameError::SurroundingWhitespace)
        );
        assert!(
            ResourceName::parse(&"é".repeat(64)).is_ok(),
            "limit counts characters, not bytes"
        );
    }
}
