//! ATS API exports, for bulk screening: Greenhouse Harvest candidates, Lever opportunities and
//! Ashby candidates, as the APIs return them (JSON). Each record becomes a candidate with the
//! same fields a page would give, so the same rules apply.
//!
//! Formats recognised (by shape):
//! - Greenhouse Harvest `GET /v1/candidates`: an array of `{first_name, last_name, title,
//!   company, email_addresses[], phone_numbers[], website_addresses[], social_media_addresses[],
//!   addresses[], employments[], educations[], applications[{answers[], source}]}`;
//! - Lever `GET /v1/opportunities`: `{"data": [{name, headline, location, emails[], phones[],
//!   links[], tags[]}]}`;
//! - Ashby `candidate.list`: `{"results": [{name, primaryEmailAddress, emailAddresses[],
//!   phoneNumbers[], socialLinks[], position, company, school, location}]}`.

use crate::candidate::{Candidate, FieldText};
use crate::field::Field;
use serde_json::Value;

/// The site id and candidates of an export, or `None` if the JSON is none of the formats.
pub fn read(v: &Value) -> Option<(&'static str, Vec<Candidate>)> {
    if let Some(items) = v.as_array() {
        if items.iter().any(|i| i.get("first_name").is_some() && (i.get("applications").is_some() || i.get("email_addresses").is_some())) {
            return Some(("greenhouse", items.iter().map(greenhouse).collect()));
        }
    }
    if let Some(items) = v.get("data").and_then(Value::as_array) {
        if items.iter().any(|i| i.get("name").is_some() && (i.get("emails").is_some() || i.get("headline").is_some())) {
            return Some(("lever", items.iter().map(lever).collect()));
        }
    }
    if let Some(items) = v.get("results").and_then(Value::as_array) {
        if items.iter().any(|i| i.get("name").is_some() && (i.get("primaryEmailAddress").is_some() || i.get("emailAddresses").is_some())) {
            return Some(("ashby", items.iter().map(ashby).collect()));
        }
    }
    None
}

struct Builder(Candidate);

impl Builder {
    fn new() -> Self {
        Builder(Candidate::default())
    }

    fn push(&mut self, field: Field, sub: Option<&'static str>, record: u32, v: Option<&Value>) {
        let text = match v {
            Some(Value::String(s)) => s.trim().to_string(),
            Some(Value::Number(n)) => n.to_string(),
            _ => return,
        };
        if !text.is_empty() {
            self.0.texts.push(FieldText::plain(field, sub, record, text, None));
        }
    }

    /// Every `key` of the objects in array `arr` (e.g. `email_addresses[].value`).
    fn each(&mut self, field: Field, arr: Option<&Value>, key: &str) {
        for (i, item) in arr.and_then(Value::as_array).into_iter().flatten().enumerate() {
            match item {
                Value::String(_) => self.push(field, None, i as u32, Some(item)),
                _ => self.push(field, None, i as u32, item.get(key)),
            }
        }
    }

    fn finish(mut self, name: String, id: Option<&Value>) -> Candidate {
        let name = crate::candidate::clean_text(&name);
        if !name.is_empty() {
            self.0.texts.insert(0, FieldText::plain(Field::Name, None, 0, name.clone(), None));
            self.0.name = Some(name);
        }
        self.0.profile_id = id.map(|v| v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()));
        self.0
    }
}

fn greenhouse(c: &Value) -> Candidate {
    let mut b = Builder::new();
    let title = [c.get("title"), c.get("company")].iter().filter_map(|v| v.and_then(Value::as_str)).collect::<Vec<_>>().join(", ");
    b.push(Field::Headline, None, 0, Some(&Value::String(title)));
    b.each(Field::Contacts, c.get("email_addresses"), "value");
    b.each(Field::Contacts, c.get("phone_numbers"), "value");
    b.each(Field::Contacts, c.get("website_addresses"), "value");
    b.each(Field::Contacts, c.get("social_media_addresses"), "value");
    b.each(Field::Location, c.get("addresses"), "value");
    for (i, e) in c.get("employments").and_then(Value::as_array).into_iter().flatten().enumerate() {
        b.push(Field::Experience, Some("employer"), i as u32, e.get("company_name"));
        b.push(Field::Experience, Some("title"), i as u32, e.get("title"));
        let dates = format!("{} - {}", e.get("start_date").and_then(Value::as_str).map(|d| d.get(..7).unwrap_or(d)).unwrap_or(""), e.get("end_date").and_then(Value::as_str).map(|d| d.get(..7).unwrap_or(d)).unwrap_or("Present"));
        b.push(Field::Experience, Some("dates"), i as u32, Some(&Value::String(dates)));
    }
    for (i, e) in c.get("educations").and_then(Value::as_array).into_iter().flatten().enumerate() {
        b.push(Field::Education, Some("school"), i as u32, e.get("school_name"));
        b.push(Field::Education, Some("degree"), i as u32, e.get("degree"));
    }
    let mut record = 0;
    for app in c.get("applications").and_then(Value::as_array).into_iter().flatten() {
        for a in app.get("answers").and_then(Value::as_array).into_iter().flatten() {
            b.push(Field::Text, None, record, a.get("answer"));
            record += 1;
        }
    }
    let name = format!("{} {}", c.get("first_name").and_then(Value::as_str).unwrap_or(""), c.get("last_name").and_then(Value::as_str).unwrap_or(""));
    b.finish(name, c.get("id"))
}

fn lever(c: &Value) -> Candidate {
    let mut b = Builder::new();
    b.push(Field::Headline, None, 0, c.get("headline"));
    b.push(Field::Location, None, 0, c.get("location"));
    b.each(Field::Contacts, c.get("emails"), "value");
    b.each(Field::Contacts, c.get("phones"), "value");
    b.each(Field::Contacts, c.get("links"), "url");
    b.each(Field::Text, c.get("tags"), "name");
    let name = c.get("name").and_then(Value::as_str).unwrap_or("").to_string();
    b.finish(name, c.get("id"))
}

fn ashby(c: &Value) -> Candidate {
    let mut b = Builder::new();
    let headline = [c.get("position"), c.get("company")].iter().filter_map(|v| v.and_then(Value::as_str)).collect::<Vec<_>>().join(", ");
    b.push(Field::Headline, None, 0, Some(&Value::String(headline)));
    b.push(Field::Location, None, 0, c.get("location").and_then(|l| l.get("locationSummary")));
    b.push(Field::Contacts, None, 0, c.get("primaryEmailAddress").and_then(|e| e.get("value")));
    b.each(Field::Contacts, c.get("emailAddresses"), "value");
    b.each(Field::Contacts, c.get("phoneNumbers"), "value");
    b.each(Field::Contacts, c.get("socialLinks"), "url");
    b.push(Field::Education, Some("school"), 0, c.get("school"));
    let name = c.get("name").and_then(Value::as_str).unwrap_or("").to_string();
    b.finish(name, c.get("id"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_the_three_formats() {
        let gh: Value = serde_json::json!([{"id": 53883394, "first_name": "Ana", "last_name": "Lima", "title": "Engineer", "company": "Initech",
            "email_addresses": [{"value": "ana@example.com", "type": "personal"}], "phone_numbers": [], "applications": [{"answers": [{"question": "Q", "answer": "I prefer to be paid in USDT"}]}],
            "employments": [{"company_name": "Initech", "title": "Dev", "start_date": "2020-01-01T00:00:00Z", "end_date": null}]}]);
        let (site, cands) = read(&gh).unwrap();
        assert_eq!((site, cands[0].name.as_deref(), cands[0].profile_id.as_deref()), ("greenhouse", Some("Ana Lima"), Some("53883394")));
        assert!(cands[0].texts.iter().any(|t| t.field == Field::Experience && t.sub == Some("dates") && t.text == "2020-01 - Present"));
        let lv = serde_json::json!({"data": [{"id": "abc", "name": "Bo", "headline": "Dev", "emails": ["bo@example.com"], "phones": [{"value": "+1 555"}]}]});
        assert_eq!(read(&lv).unwrap().0, "lever");
        let ab = serde_json::json!({"results": [{"id": "x", "name": "Cy", "primaryEmailAddress": {"value": "cy@example.com"}}]});
        assert_eq!(read(&ab).unwrap().0, "ashby");
        assert!(read(&serde_json::json!({"foo": 1})).is_none());
    }
}
