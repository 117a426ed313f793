//! The field vocabulary shared by adapters and rules.
//!
//! Adapters extract text into these fields; rules target them. A fixed vocabulary lets the pack
//! compiler reject a typo (`"bios"`) instead of shipping a rule that never fires.

use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Name,
    Headline,
    Location,
    LocalTime,
    Bio,
    Skills,
    Experience,
    Education,
    Contacts,
    Messages,
    Proposals,
    Reviews,
    Verification,
    PlatformFlags,
    /// The profile photo's address (`img@src`): persona memory compares addresses, never images.
    Photo,
    Text,
}

impl Field {
    pub const ALL: [Field; 16] = [
        Field::Name,
        Field::Headline,
        Field::Location,
        Field::LocalTime,
        Field::Bio,
        Field::Skills,
        Field::Experience,
        Field::Education,
        Field::Contacts,
        Field::Messages,
        Field::Proposals,
        Field::Reviews,
        Field::Verification,
        Field::PlatformFlags,
        Field::Photo,
        Field::Text,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::Headline => "headline",
            Field::Location => "location",
            Field::LocalTime => "local_time",
            Field::Bio => "bio",
            Field::Skills => "skills",
            Field::Experience => "experience",
            Field::Education => "education",
            Field::Contacts => "contacts",
            Field::Messages => "messages",
            Field::Proposals => "proposals",
            Field::Reviews => "reviews",
            Field::Verification => "verification",
            Field::PlatformFlags => "platform_flags",
            Field::Photo => "photo",
            Field::Text => "text",
        }
    }

    pub fn parse(s: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// Sub-fields of a record field; empty for plain fields.
    pub fn sub_fields(self) -> &'static [&'static str] {
        match self {
            Field::Experience => &["employer", "title", "dates", "description"],
            Field::Education => &["school", "degree", "dates"],
            Field::Messages => &["author", "time", "text"],
            Field::Proposals => &["author", "text"],
            Field::Reviews => &["client", "date", "rating", "text"],
            _ => &[],
        }
    }

    /// Resolves a sub-field name to its static form.
    pub fn sub_field(self, name: &str) -> Option<&'static str> {
        self.sub_fields().iter().copied().find(|s| *s == name)
    }

    /// Fields with several values (every match is kept, not just the first).
    pub fn is_multi(self) -> bool {
        matches!(
            self,
            Field::Skills
                | Field::Experience
                | Field::Education
                | Field::Contacts
                | Field::Messages
                | Field::Proposals
                | Field::Reviews
                | Field::Verification
                | Field::PlatformFlags
                | Field::Text
        )
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rule's target: a field, or one sub-field of a record field (`experience.employer`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FieldRef {
    pub field: Field,
    pub sub: Option<&'static str>,
}

impl FieldRef {
    pub fn parse(s: &str) -> Option<FieldRef> {
        match s.split_once('.') {
            None => Field::parse(s).map(|field| FieldRef { field, sub: None }),
            Some((f, sub)) => {
                let field = Field::parse(f)?;
                field.sub_field(sub).map(|sub| FieldRef { field, sub: Some(sub) })
            }
        }
    }

    /// Whether text extracted as `field`/`sub` is covered by this target.
    pub fn covers(&self, field: Field, sub: Option<&str>) -> bool {
        self.field == field && (self.sub.is_none() || self.sub == sub)
    }
}

impl fmt::Display for FieldRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.sub {
            None => f.write_str(self.field.as_str()),
            Some(sub) => write!(f, "{}.{}", self.field, sub),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_field_refs() {
        assert_eq!(FieldRef::parse("bio"), Some(FieldRef { field: Field::Bio, sub: None }));
        let r = FieldRef::parse("experience.employer").unwrap();
        assert!(r.covers(Field::Experience, Some("employer")));
        assert!(!r.covers(Field::Experience, Some("title")));
        assert_eq!(FieldRef::parse("bio.employer"), None);
        assert_eq!(FieldRef::parse("bios"), None);
        assert_eq!(r.to_string(), "experience.employer");
    }
}
