//! Candor's core: reads recruiter pages and marks the published warning signs that a remote IT
//! candidate is a false identity run for North Korea's IT-worker schemes.
//!
//! The crate knows nothing of the browser. The same code scans a page in the extension (through
//! the wasm bindings in `wasm.rs`) and a saved page on the command line (`main.rs`).
//!
//! Data flow: HTML → [`page`] (site adapter or generic) → [`Candidate`]s of field texts with
//! locators → [`Rules`] (compiled from [rule packs](pack)) → findings → [`score`] → [`Report`].
//!
//! ```
//! use candor::{Compiler, Scanner};
//! let rules = Compiler::with_builtin().build();
//! let html = r#"<html><body><h1>Sam Lee</h1>
//!   <p>Please send the company laptop to my friend's address, I am travelling.</p></body></html>"#;
//! let report = Scanner::new(&rules).scan_html("demo.html", None, html);
//! assert_eq!(report.candidates[0].name.as_deref(), Some("Sam Lee"));
//! ```

pub mod builtin;
pub mod candidate;
pub mod checks;
pub mod compile;
pub mod diagnostic;
pub mod eval;
pub mod expect;
pub mod fairness;
pub mod field;
pub mod json_locate;
pub mod jsonpath;
pub mod literal;
pub mod locale;
pub mod messages;
pub mod pack;
pub mod persona;
pub mod page;
pub mod report;
pub mod sanctions;
pub mod scan;
pub mod score;
pub mod trust;
#[doc(hidden)]
pub mod fuzzing;
pub mod weburl;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use candidate::{Candidate, FieldText};
pub use builtin::{builtin_pack, builtin_packs};
pub use compile::{lint, validation_digest, Compiler, Rules};
pub use diagnostic::{Code, Diagnostic};
pub use report::{Level, Report};
pub use scan::Scanner;
