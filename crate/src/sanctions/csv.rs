//! A small RFC 4180 reader: comma-separated fields, `"`-quoted fields that may hold commas,
//! doubled quotes and line breaks, records ended by CRLF or LF.
//!
//! Tolerances, as the real files need them: text after a closing quote up to the next comma is
//! kept (`"A" x` → `A x`), a quote inside an unquoted field is literal, blank lines are skipped,
//! and the DOS end-of-file byte (0x1A) that OFAC's legacy files end with is ignored.

/// One record and the line it starts on (1-based).
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub line: usize,
    pub fields: Vec<String>,
}

/// A quoted field that never closes: everything after it would be swallowed, so the file is
/// rejected rather than half-read.
#[derive(Debug, Clone, PartialEq)]
pub struct UnterminatedQuote {
    pub line: usize,
}

/// Parses `text` into records.
pub fn parse(text: &str) -> Result<Vec<Record>, UnterminatedQuote> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut line = 1usize;
    let mut record_line = 1usize;
    let mut chars = text.chars().peekable();
    // Whether the current record has any content (a blank line is no record).
    let mut started = false;
    while let Some(c) = chars.next() {
        match c {
            '"' if field.is_empty() => {
                started = true;
                let quote_line = line;
                loop {
                    match chars.next() {
                        None => return Err(UnterminatedQuote { line: quote_line }),
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            field.push('"');
                        }
                        Some('"') => break,
                        Some(ch) => {
                            if ch == '\n' {
                                line += 1;
                            }
                            field.push(ch);
                        }
                    }
                }
            }
            ',' => {
                started = true;
                fields.push(std::mem::take(&mut field));
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                if started || !field.is_empty() {
                    fields.push(std::mem::take(&mut field));
                    records.push(Record { line: record_line, fields: std::mem::take(&mut fields) });
                }
                started = false;
                line += 1;
                record_line = line;
            }
            '\u{1a}' => {}
            c => {
                started = true;
                field.push(c);
            }
        }
    }
    if started || !field.is_empty() {
        fields.push(field);
        records.push(Record { line: record_line, fields });
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str) -> Vec<Vec<String>> {
        parse(text).unwrap().into_iter().map(|r| r.fields).collect()
    }

    #[test]
    fn quoted_fields() {
        let got = fields("1,\"A, B\",\"say \"\"hi\"\"\"\r\n2,\"line\nbreak\",-0- \r\n\x1a");
        assert_eq!(got, vec![vec!["1", "A, B", "say \"hi\""], vec!["2", "line\nbreak", "-0- "]]);
        let recs = parse("a\n\"x\ny\",b\nc\n").unwrap();
        assert_eq!(recs.iter().map(|r| r.line).collect::<Vec<_>>(), vec![1, 2, 4]);
    }

    #[test]
    fn tolerances() {
        assert_eq!(fields("\"A\" x,b\n\nq\"t,\"\"\n"), vec![vec!["A x", "b"], vec!["q\"t", ""]]);
        assert_eq!(fields("a,\n"), vec![vec!["a", ""]]);
        assert_eq!(fields(""), Vec::<Vec<String>>::new());
        assert_eq!(parse("1,\"open\n2,3\n"), Err(UnterminatedQuote { line: 1 }));
    }
}
