//! Just enough URL parsing for adapter selection: scheme, host, path and query of an absolute
//! http(s) URL.
//!
//! The `url` crate would pull IDNA and ICU normalisation tables into the wasm module (hundreds of
//! KB) for nothing: browsers hand us `location.href` with the host already in ASCII (punycode),
//! and saved pages carry the same form in their canonical links.

/// An absolute URL split into the parts Candor uses. The host is lowercase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebUrl {
    pub scheme: String,
    pub host: String,
    pub path: String,
    pub query: Option<String>,
    pub fragment: Option<String>,
}

impl WebUrl {
    /// Parses `scheme://[user@]host[:port][/path][?query][#fragment]`. Returns `None` for
    /// relative URLs, empty or malformed hosts and bad ports.
    pub fn parse(s: &str) -> Option<WebUrl> {
        let s = s.trim();
        let (scheme, rest) = s.split_once("://")?;
        let mut chars = scheme.chars();
        if !chars.next()?.is_ascii_alphabetic() || !chars.all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c)) {
            return None;
        }
        let auth_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let authority = &rest[..auth_end];
        let after = &rest[auth_end..];
        let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
            let (h, tail) = v6.split_once(']')?;
            (format!("[{h}]"), tail.strip_prefix(':'))
        } else {
            match hostport.split_once(':') {
                Some((h, p)) => (h.to_string(), Some(p)),
                None => (hostport.to_string(), None),
            }
        };
        if host.is_empty() || !host.chars().all(|c| c.is_ascii_alphanumeric() || ".-_[]:".contains(c)) {
            return None;
        }
        if let Some(p) = port {
            if !p.is_empty() && (p.len() > 5 || !p.bytes().all(|b| b.is_ascii_digit())) {
                return None;
            }
        }
        let (after, fragment) = match after.split_once('#') {
            Some((a, f)) => (a, Some(f.to_string()).filter(|f| !f.is_empty())),
            None => (after, None),
        };
        let (path, query) = match after.split_once('?') {
            Some((p, q)) => (p, Some(q.to_string())),
            None => (after, None),
        };
        Some(WebUrl {
            scheme: scheme.to_ascii_lowercase(),
            host: host.to_ascii_lowercase(),
            path: if path.is_empty() { "/".into() } else { path.to_string() },
            query,
            fragment,
        })
    }

    pub fn is_http(&self) -> bool {
        matches!(self.scheme.as_str(), "http" | "https")
    }

    /// Path plus `?query` and `#fragment`, what site adapters' `url` patterns match against.
    /// Single-page apps (Recruitee, Telegram Web) route in the fragment.
    pub fn path_and_query(&self) -> String {
        let mut s = self.path.clone();
        if let Some(q) = &self.query {
            s.push('?');
            s.push_str(q);
        }
        if let Some(f) = &self.fragment {
            s.push('#');
            s.push_str(f);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_urls() {
        let u = WebUrl::parse("https://User@WWW.Upwork.com:443/freelancers/~01ab?x=1#top").unwrap();
        assert_eq!((u.scheme.as_str(), u.host.as_str(), u.path.as_str()), ("https", "www.upwork.com", "/freelancers/~01ab"));
        assert_eq!(u.path_and_query(), "/freelancers/~01ab?x=1#top");
        assert_eq!(WebUrl::parse("https://app.recruitee.com/#/candidates/42").unwrap().path_and_query(), "/#/candidates/42");
        assert_eq!(WebUrl::parse("http://example.org").unwrap().path, "/");
        assert_eq!(WebUrl::parse("https://[::1]:8443/a").unwrap().host, "[::1]");
    }

    #[test]
    fn rejects_bad_urls() {
        for bad in ["/relative", "https://", "https://exa mple.org/", "1http://x", "https://x:99999999/", "javascript:alert(1)"] {
            assert_eq!(WebUrl::parse(bad), None, "{bad}");
        }
    }
}
