//! A small path language for reading fields out of JSON embedded in pages (`__NEXT_DATA__`,
//! LinkedIn's `<code>` blobs, JSON-LD).
//!
//! Segments are separated by `/`:
//! - `name`: the member `name` of an object (or element `name` of an array, if numeric);
//! - `*`: every element of an array, or every member value of an object;
//! - `*[key=value]`: like `*`, keeping only objects whose `key` is the string (or number)
//!   `value`.
//!
//! `props/pageProps/profile/name`, `included/*[$type=com.linkedin.voyager.identity.profile.Profile]/firstName`.

use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    All,
    Filter { key: String, value: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonPath {
    steps: Vec<Step>,
}

/// Most values one path may yield: a hostile blob cannot make extraction quadratic.
const MAX_VALUES: usize = 2_000;

impl JsonPath {
    pub fn parse(src: &str) -> Result<JsonPath, String> {
        if src.trim().is_empty() {
            return Err("empty path".into());
        }
        let mut steps = Vec::new();
        for seg in src.split('/') {
            let step = if seg == "*" {
                Step::All
            } else if let Some(filter) = seg.strip_prefix("*[") {
                let inner = filter.strip_suffix(']').ok_or_else(|| format!("segment \"{seg}\" lacks a closing ]"))?;
                let (key, value) = inner.split_once('=').ok_or_else(|| format!("filter \"{seg}\" must be *[key=value]"))?;
                if key.is_empty() {
                    return Err(format!("filter \"{seg}\" has an empty key"));
                }
                Step::Filter { key: key.to_string(), value: value.to_string() }
            } else if seg.is_empty() {
                return Err("empty segment (//)".into());
            } else {
                Step::Key(seg.to_string())
            };
            steps.push(step);
        }
        Ok(JsonPath { steps })
    }

    /// Every value the path reaches, in document order.
    pub fn select<'v>(&self, root: &'v Value) -> Vec<&'v Value> {
        let mut cur = vec![root];
        for step in &self.steps {
            let mut next = Vec::new();
            for v in cur {
                match (step, v) {
                    (Step::Key(k), Value::Object(m)) => next.extend(m.get(k)),
                    (Step::Key(k), Value::Array(a)) => next.extend(k.parse::<usize>().ok().and_then(|i| a.get(i))),
                    (Step::All, Value::Array(a)) => next.extend(a.iter()),
                    (Step::All, Value::Object(m)) => next.extend(m.values()),
                    (Step::Filter { key, value }, Value::Array(a)) => next.extend(a.iter().filter(|x| matches_filter(x, key, value))),
                    (Step::Filter { key, value }, Value::Object(m)) => next.extend(m.values().filter(|x| matches_filter(x, key, value))),
                    _ => {}
                }
                if next.len() >= MAX_VALUES {
                    next.truncate(MAX_VALUES);
                    break;
                }
            }
            cur = next;
        }
        cur
    }
}

fn matches_filter(v: &Value, key: &str, want: &str) -> bool {
    match v.get(key) {
        Some(Value::String(s)) => s == want,
        Some(Value::Number(n)) => n.to_string() == want,
        Some(Value::Bool(b)) => b.to_string() == want,
        _ => false,
    }
}

/// The text of a scalar JSON value; `None` for null, objects and arrays.
pub fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn selects_keys_wildcards_and_filters() {
        let doc = json!({"included": [
            {"$type": "Profile", "firstName": "Ada", "lastName": "L"},
            {"$type": "Position", "companyName": "Acme"},
            {"$type": "Position", "companyName": "Initech"}]});
        let p = JsonPath::parse("included/*[$type=Position]/companyName").unwrap();
        let got: Vec<_> = p.select(&doc).into_iter().filter_map(scalar_text).collect();
        assert_eq!(got, vec!["Acme", "Initech"]);
        assert_eq!(JsonPath::parse("included/0/firstName").unwrap().select(&doc), vec![&json!("Ada")]);
        assert!(JsonPath::parse("a//b").is_err());
        assert!(JsonPath::parse("*[x]").is_err());
    }
}
