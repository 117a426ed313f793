//! Diagnostics for rule packs: a stable code, a message and a location.
//!
//! Codes never change meaning once released; trust teams grep for them in CI logs. The table
//! lives in `docs/rule-packs.md` and the golden tests in `crate/tests/diagnostics/`.

use serde::Serialize;
use std::fmt;

/// A stable diagnostic code (`E001`…, `W001`…).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    /// Not valid JSON.
    JsonSyntax,
    /// `candor_pack` missing or not a supported version.
    UnsupportedFormat,
    /// A required key is missing.
    MissingKey,
    /// A value has the wrong JSON type.
    WrongType,
    /// A key the format does not know.
    UnknownKey,
    /// An id defined twice.
    DuplicateId,
    /// A regex that does not compile.
    BadRegex,
    /// A regex whose compiled form exceeds the size limit.
    RegexTooBig,
    /// A pattern longer than the cap.
    PatternTooLong,
    /// More rules than the cap.
    TooManyRules,
    /// A value outside its allowed set or syntax.
    InvalidValue,
    /// A reference to something that does not exist.
    UnknownReference,
    /// A CSS selector that does not parse.
    BadSelector,
    /// A rule with neither or both of `pattern` and `list`.
    MatcherChoice,
    /// The pack is larger than the cap.
    PackTooLarge,
    /// More list entries than the cap.
    TooManyListEntries,
    /// A rule that can never fire.
    UnreachableRule,
    /// A rule that targets a protected characteristic without a justification.
    ProtectedCharacteristic,
    /// A rule that targets a protected characteristic, with a written justification.
    JustifiedProtected,
    /// A translation with a malformed language tag, a wrong type or an empty text.
    BadTranslation,
    /// A translation of something the pack does not have (a rule id, advice, a verification script).
    TranslationUnknown,
    /// A translated verification script whose number of steps differs from the pack's.
    TranslationSteps,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::JsonSyntax => "E001",
            Code::UnsupportedFormat => "E002",
            Code::MissingKey => "E003",
            Code::WrongType => "E004",
            Code::UnknownKey => "E005",
            Code::DuplicateId => "E006",
            Code::BadRegex => "E007",
            Code::RegexTooBig => "E008",
            Code::PatternTooLong => "E009",
            Code::TooManyRules => "E010",
            Code::InvalidValue => "E011",
            Code::UnknownReference => "E012",
            Code::BadSelector => "E013",
            Code::MatcherChoice => "E014",
            Code::PackTooLarge => "E015",
            Code::TooManyListEntries => "E016",
            Code::ProtectedCharacteristic => "E017",
            Code::UnreachableRule => "W001",
            Code::JustifiedProtected => "W002",
            Code::BadTranslation => "E018",
            Code::TranslationUnknown => "W003",
            Code::TranslationSteps => "W004",
        }
    }

    pub fn severity(self) -> Severity {
        match self {
            Code::UnreachableRule | Code::JustifiedProtected | Code::TranslationUnknown | Code::TranslationSteps => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in a pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// JSON pointer (RFC 6901) to the offending value; `""` is the whole document.
    pub pointer: String,
    /// 1-based line where the value starts.
    pub line: u32,
    /// 1-based column (in characters) where the value starts.
    pub column: u32,
}

impl Diagnostic {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// `file:line:column: error[E007]: message (at /rules/3/pattern)` is formatted by the CLI;
    /// this is the location-less part.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}:{}: {sev}[{}]: {}", self.line, self.column, self.code, self.message)?;
        if !self.pointer.is_empty() {
            write!(f, " (at {})", self.pointer)?;
        }
        Ok(())
    }
}
