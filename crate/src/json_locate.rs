//! Maps JSON pointers to line:column positions in the source text.
//!
//! `serde_json::Value` forgets where values came from, so after validation we walk the text once
//! more with a small scanner that records where each value starts. It only runs when there are
//! diagnostics to place, and only on text that serde_json has already accepted.

use std::collections::HashMap;

/// Byte offsets of every value in a JSON document, keyed by JSON pointer.
pub struct Locations<'a> {
    text: &'a str,
    starts: HashMap<String, usize>,
}

impl<'a> Locations<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut scanner = Scanner { text: text.as_bytes(), pos: 0, starts: HashMap::new() };
        scanner.skip_ws();
        let mut pointer = String::new();
        // Text that serde_json accepted always scans; a failure only loses locations.
        let _ = scanner.value(&mut pointer);
        Locations { text, starts: scanner.starts }
    }

    /// Line and column (1-based) of the value at `pointer`, or of its nearest located ancestor.
    pub fn line_col(&self, pointer: &str) -> (u32, u32) {
        let mut p = pointer;
        loop {
            if let Some(&offset) = self.starts.get(p) {
                return line_col_of(self.text, offset);
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return (1, 1),
            }
        }
    }
}

/// Line and column (1-based, column in characters) of a byte offset.
pub fn line_col_of(text: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
    (line as u32, column as u32)
}

/// Escapes one reference token of a JSON pointer (RFC 6901).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

struct Scanner<'t> {
    text: &'t [u8],
    pos: usize,
    starts: HashMap<String, usize>,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn value(&mut self, pointer: &mut String) -> Option<()> {
        self.starts.insert(pointer.clone(), self.pos);
        match self.peek()? {
            b'{' => {
                self.pos += 1;
                self.skip_ws();
                if self.peek()? == b'}' {
                    self.pos += 1;
                    return Some(());
                }
                loop {
                    self.skip_ws();
                    let key = self.string()?;
                    self.skip_ws();
                    if self.peek()? != b':' {
                        return None;
                    }
                    self.pos += 1;
                    self.skip_ws();
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&escape_token(&key));
                    self.value(pointer)?;
                    pointer.truncate(len);
                    self.skip_ws();
                    match self.peek()? {
                        b',' => self.pos += 1,
                        b'}' => {
                            self.pos += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.pos += 1;
                self.skip_ws();
                if self.peek()? == b']' {
                    self.pos += 1;
                    return Some(());
                }
                let mut index = 0usize;
                loop {
                    self.skip_ws();
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&index.to_string());
                    self.value(pointer)?;
                    pointer.truncate(len);
                    index += 1;
                    self.skip_ws();
                    match self.peek()? {
                        b',' => self.pos += 1,
                        b']' => {
                            self.pos += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            b'"' => self.string().map(|_| ()),
            _ => {
                // number, true, false, null
                while matches!(self.peek(), Some(c) if !matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')) {
                    self.pos += 1;
                }
                Some(())
            }
        }
    }

    /// Reads a string literal and returns its decoded value.
    fn string(&mut self) -> Option<String> {
        if self.peek()? != b'"' {
            return None;
        }
        let start = self.pos;
        self.pos += 1;
        let mut escaped = false;
        loop {
            let c = self.peek()?;
            self.pos += 1;
            if escaped {
                escaped = false;
            } else if c == b'\\' {
                escaped = true;
            } else if c == b'"' {
                break;
            }
        }
        let raw = std::str::from_utf8(&self.text[start..self.pos]).ok()?;
        serde_json::from_str::<String>(raw).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_nested_values() {
        let text = "{\n  \"a\": [1,\n    {\"b/c\": \"x\"}]\n}";
        let loc = Locations::new(text);
        assert_eq!(loc.line_col(""), (1, 1));
        assert_eq!(loc.line_col("/a"), (2, 8));
        assert_eq!(loc.line_col("/a/1/b~1c"), (3, 13));
        // Unknown pointers fall back to the nearest ancestor.
        assert_eq!(loc.line_col("/a/1/zzz"), (3, 5));
    }

    #[test]
    fn columns_count_characters() {
        assert_eq!(line_col_of("é\"x\"", 2), (1, 2));
    }
}
