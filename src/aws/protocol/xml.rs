//! XML answers of the Query protocol: a small element tree read by hand-written decoders, and
//! `<ErrorResponse>` into a [`WireError`]. Unknown elements are ignored; missing optional ones
//! are `None`.
//!
//! A tree rather than serde: quick-xml's serde deserializer and the derived decoders were about
//! 280 KB of the console's wasm code, this is about 20 KB (see bench/README.md).
//!
//! A document that is not well formed (unclosed or mismatched tags, malformed attributes, an
//! unknown or unterminated entity anywhere, text outside the root) is refused as a whole; text
//! mixed between child elements is ignored.

use super::{snippet, status_message, DecodeError, WireError};

/// One element: its local name (any `prefix:` dropped), its text (entities decoded, CDATA
/// kept, whitespace as written, as quick-xml gave it) and its child elements. Attributes,
/// comments and processing instructions are skipped: AWS answers carry nothing in them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Element {
    name: String,
    text: String,
    children: Vec<Element>,
}

impl Element {
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The element's own text (for a leaf, its value).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The first child called `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The items of a list member `<wrapper><item/>…</wrapper>`, in document order; a
    /// missing wrapper is an empty list. A plain `Vec`: an iterator chain here was compiled
    /// again for every decoder that walks a list (about 1 KB of wasm each).
    pub fn list(&self, wrapper: &str, item: &str) -> Vec<&Element> {
        let mut out = Vec::new();
        if let Some(w) = self.child(wrapper) {
            for c in &w.children {
                if c.name == item {
                    out.push(c);
                }
            }
        }
        out
    }

    /// Each item of a list member decoded by `decode`; the first error stops it.
    pub fn decode_list<T>(
        &self,
        wrapper: &str,
        item: &str,
        mut decode: impl FnMut(&Element) -> Result<T, DecodeError>,
    ) -> Result<Vec<T>, DecodeError> {
        let items = self.list(wrapper, item);
        let mut out = Vec::with_capacity(items.len());
        for element in items {
            out.push(decode(element)?);
        }
        Ok(out)
    }

    /// The texts of a list of leaves (`<MemberClusters><ClusterId>a</ClusterId>…`).
    pub fn texts(&self, wrapper: &str, item: &str) -> Vec<String> {
        let items = self.list(wrapper, item);
        let mut out = Vec::with_capacity(items.len());
        for e in items {
            out.push(e.text.clone());
        }
        out
    }

    /// The child called `name`, which must be there.
    pub fn required(&self, name: &str) -> Result<&Element, DecodeError> {
        self.child(name)
            .ok_or_else(|| DecodeError::new(format!("missing <{name}> in <{}>", self.name)))
    }

    /// The text of a required child (it may be empty).
    pub fn string(&self, name: &str) -> Result<String, DecodeError> {
        self.required(name).map(|c| c.text.clone())
    }

    /// The text of a child, empty when the child is missing.
    pub fn string_or_empty(&self, name: &str) -> String {
        self.child(name).map(|c| c.text.clone()).unwrap_or_default()
    }

    /// The text of a child; `None` when missing, empty or only whitespace.
    pub fn opt_string(&self, name: &str) -> Option<String> {
        self.child(name)
            .map(|c| c.text.as_str())
            .filter(|t| !t.trim().is_empty())
            .map(str::to_string)
    }

    /// An `xs:boolean` child (`true`/`false`/`1`/`0`); `None` when missing or empty.
    pub fn opt_bool(&self, name: &str) -> Result<Option<bool>, DecodeError> {
        match self.opt_string(name).as_deref().map(str::trim) {
            None => Ok(None),
            Some("true" | "1") => Ok(Some(true)),
            Some("false" | "0") => Ok(Some(false)),
            Some(other) => Err(DecodeError::new(format!(
                "<{name}> is \"{other}\", not a boolean"
            ))),
        }
    }

    /// An unsigned number child; `None` when missing or empty.
    pub fn opt_u32(&self, name: &str) -> Result<Option<u32>, DecodeError> {
        self.opt_string(name)
            .map(|t| {
                t.trim()
                    .parse()
                    .map_err(|_| DecodeError::new(format!("<{name}> is \"{t}\", not a number")))
            })
            .transpose()
    }
}

/// Parses `body` and hands its root element to `read`; a failure of either names what was
/// wrong and shows the start of the body.
pub fn decode<T>(
    body: &[u8],
    read: impl FnOnce(&Element) -> Result<T, DecodeError>,
) -> Result<T, DecodeError> {
    parse(body)
        .and_then(|root| read(&root))
        .map_err(|e| unexpected(e, body))
}

/// A failure of [`decode`] with the start of the body. Not generic: one copy for every
/// decoder.
fn unexpected(e: DecodeError, body: &[u8]) -> DecodeError {
    DecodeError::new(format!("unexpected XML ({e}): {}", snippet(body)))
}

/// Parses a whole document into its root element. Malformed input (unclosed or mismatched
/// tags, unknown entities, text outside the root, bytes that are not UTF-8) is an error.
pub fn parse(body: &[u8]) -> Result<Element, DecodeError> {
    let text = std::str::from_utf8(body).map_err(|_| DecodeError::new("not UTF-8"))?;
    Parser {
        src: text,
        pos: 0,
        open: Vec::new(),
    }
    .document()
}

/// The elements being read, innermost last, each with its name as written.
struct Parser<'a> {
    src: &'a str,
    pos: usize,
    open: Vec<(&'a str, Element)>,
}

fn err(what: &str) -> DecodeError {
    DecodeError::new(what)
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    /// Moves past `end`, answering what came before it.
    fn take_until(&mut self, end: &str, what: &str) -> Result<&'a str, DecodeError> {
        let rest = self.rest();
        let at = rest
            .find(end)
            .ok_or_else(|| err(&format!("unterminated {what}")))?;
        self.pos += at + end.len();
        Ok(&rest[..at])
    }

    fn document(mut self) -> Result<Element, DecodeError> {
        loop {
            let rest = self.rest();
            let Some(lt) = rest.find('<') else {
                self.text(rest)?;
                if !self.open.is_empty() {
                    return Err(err("the document ends inside an element"));
                }
                return Err(err("no root element"));
            };
            self.text(&rest[..lt])?;
            self.pos += lt;
            let rest = self.rest();
            if rest.starts_with("<?") {
                self.take_until("?>", "processing instruction")?;
            } else if rest.starts_with("<!--") {
                self.take_until("-->", "comment")?;
            } else if rest.starts_with("<![CDATA[") {
                self.pos += "<![CDATA[".len();
                let data = self.take_until("]]>", "CDATA section")?;
                match self.open.last_mut() {
                    Some((_, element)) => element.text.push_str(data),
                    None => return Err(err("CDATA outside the root element")),
                }
            } else if rest
                .get(..9)
                .is_some_and(|d| d.eq_ignore_ascii_case("<!DOCTYPE"))
            {
                self.skip_declaration()?;
            } else if rest.starts_with("</") {
                self.pos += 2;
                let name = self.take_until(">", "end tag")?.trim_end();
                if let Some(root) = self.close(name)? {
                    return Ok(root);
                }
            } else {
                self.pos += 1;
                let tag = self.start_tag()?;
                let (tag, empty) = match tag.strip_suffix('/') {
                    Some(t) => (t, true),
                    None => (tag, false),
                };
                let name = tag.split(is_xml_space).next().unwrap_or("");
                if name.is_empty() {
                    return Err(err("a tag without a name"));
                }
                check_attributes(&tag[name.len()..])?;
                let element = Element {
                    name: local_name(name).to_string(),
                    text: String::new(),
                    children: Vec::new(),
                };
                self.open.push((name, element));
                if empty {
                    if let Some(root) = self.close(name)? {
                        return Ok(root);
                    }
                }
            }
        }
    }

    /// The inside of a start tag, up to its `>` (a `>` inside a quoted attribute value does
    /// not end it).
    fn start_tag(&mut self) -> Result<&'a str, DecodeError> {
        let rest = self.rest();
        let mut quote = None;
        for (i, c) in rest.char_indices() {
            match (quote, c) {
                (None, '>') => {
                    self.pos += i + 1;
                    return Ok(&rest[..i]);
                }
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                _ => {}
            }
        }
        Err(err("unterminated start tag"))
    }

    /// Skips `<!DOCTYPE …>` (with any internal subset in brackets).
    fn skip_declaration(&mut self) -> Result<(), DecodeError> {
        let mut depth = 0usize;
        for (i, c) in self.rest().char_indices() {
            match c {
                '[' => depth += 1,
                ']' => depth = depth.saturating_sub(1),
                '>' if depth == 0 => {
                    self.pos += i + 1;
                    return Ok(());
                }
                _ => {}
            }
        }
        Err(err("unterminated declaration"))
    }

    /// Character data between tags, entities decoded; outside the root only whitespace.
    /// Every entity is checked, even in elements no decoder reads: a document that is not
    /// well formed is refused as a whole.
    fn text(&mut self, raw: &str) -> Result<(), DecodeError> {
        match self.open.last_mut() {
            Some((_, element)) => unescape(raw, &mut element.text),
            None if raw.trim_matches(is_xml_space).is_empty() => Ok(()),
            None => Err(err("text outside the root element")),
        }
    }

    /// Ends the innermost element, which must be `name`; answers the root once it closes.
    fn close(&mut self, name: &str) -> Result<Option<Element>, DecodeError> {
        let (open_name, element) = self
            .open
            .pop()
            .ok_or_else(|| err(&format!("</{name}> closes nothing")))?;
        if open_name != name {
            return Err(err(&format!("<{open_name}> is closed by </{name}>")));
        }
        match self.open.last_mut() {
            Some((_, parent)) => {
                parent.children.push(element);
                Ok(None)
            }
            None => Ok(Some(element)),
        }
    }
}

/// Attributes are skipped, but must be well formed: `name="value"` or `name='value'`, each
/// after whitespace.
fn check_attributes(mut rest: &str) -> Result<(), DecodeError> {
    let bad = || err("a malformed attribute");
    loop {
        let trimmed = rest.trim_start_matches(is_xml_space);
        if trimmed.is_empty() {
            return Ok(());
        }
        if trimmed.len() == rest.len() {
            return Err(bad());
        }
        let (key, value) = trimmed.split_once('=').ok_or_else(bad)?;
        let key = key.trim_end_matches(is_xml_space);
        if key.is_empty() || key.contains(|c: char| is_xml_space(c) || c == '"' || c == '\'') {
            return Err(bad());
        }
        let value = value.trim_start_matches(is_xml_space);
        let quote = value
            .chars()
            .next()
            .filter(|q| matches!(q, '"' | '\''))
            .ok_or_else(bad)?;
        let end = value[1..].find(quote).ok_or_else(bad)?;
        rest = &value[1 + end + 1..];
    }
}

fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

fn local_name(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// Appends `raw` to `out` with the five predefined entities and character references
/// (`&#38;`, `&#x26;`) decoded.
fn unescape(raw: &str, out: &mut String) -> Result<(), DecodeError> {
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp + 1..];
        let semi = rest
            .find(';')
            .ok_or_else(|| err("an entity without its ';'"))?;
        let entity = &rest[..semi];
        let c = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => entity
                .strip_prefix('#')
                .and_then(|n| match n.strip_prefix('x') {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => n.parse().ok(),
                })
                .filter(|&n| n != 0)
                .and_then(char::from_u32)
                .ok_or_else(|| err(&format!("unknown entity &{};", snippet(entity.as_bytes()))))?,
        };
        out.push(c);
        rest = &rest[semi + 1..];
    }
    out.push_str(rest);
    Ok(())
}

/// Reads `<ErrorResponse><Error><Code>..</Code><Message>..</Message></Error><RequestId>..`
/// (or EC2-style `<Response><Errors><Error>`, which relays sometimes answer).
/// A body that is not such a document still gives an error: the HTTP status as the code and
/// its reason phrase as the message, as botocore does.
pub fn parse_error(status: u16, body: &[u8], header_request_id: Option<&str>) -> WireError {
    let doc = parse(body).ok();
    let error = doc.as_ref().and_then(|d| {
        d.child("Error")
            .or_else(|| d.list("Errors", "Error").first().copied())
    });
    let found = error.and_then(|e| Some((e.opt_string("Code")?, e.string_or_empty("Message"))));
    let request_id = doc
        .as_ref()
        .and_then(|d| d.child("RequestId").or_else(|| d.child("RequestID")))
        .map(|r| r.text.clone());
    let request_id = request_id
        .filter(|s| !s.trim().is_empty())
        .or_else(|| header_request_id.map(str::to_string));
    match found {
        Some((code, message)) => WireError {
            code: code.trim().to_string(),
            message: message.trim().to_string(),
            request_id,
        },
        None => WireError {
            code: status.to_string(),
            message: status_message(status, body),
            request_id,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_query_error_document() {
        let body = br#"<ErrorResponse xmlns="http://elasticache.amazonaws.com/doc/2015-02-02/">
          <Error><Type>Sender</Type><Code>InvalidGlobalReplicationGroupState</Code>
          <Message>The global replication group is not available</Message></Error>
          <RequestId>8d7f7f3e-1111-2222-3333-444455556666</RequestId></ErrorResponse>"#;
        let e = parse_error(400, body, Some("from-header"));
        assert_eq!(e.code, "InvalidGlobalReplicationGroupState");
        assert_eq!(e.message, "The global replication group is not available");
        assert_eq!(
            e.request_id.as_deref(),
            Some("8d7f7f3e-1111-2222-3333-444455556666")
        );
    }

    #[test]
    fn an_unreadable_error_body_still_gives_the_status() {
        let e = parse_error(503, b"", Some("rid"));
        assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            ("503", "Service Unavailable")
        );
        assert_eq!(e.request_id.as_deref(), Some("rid"));
        let e = parse_error(403, b"<html>Forbidden by proxy</html>", None);
        assert_eq!(e.code, "403");
    }

    #[test]
    fn ec2_style_error_lists_are_read_too() {
        let body = b"<Response><Errors><Error><Code>Throttling</Code><Message>slow</Message>\
                     </Error></Errors><RequestID>r-9</RequestID></Response>";
        let e = parse_error(400, body, None);
        assert_eq!(
            (e.code.as_str(), e.message.as_str(), e.request_id.as_deref()),
            ("Throttling", "slow", Some("r-9"))
        );
    }

    #[test]
    fn entities_cdata_comments_and_prefixes() {
        let root = parse(
            br#"<?xml version="1.0" encoding="UTF-8"?>
            <!-- a comment --><a:R xmlns:a="urn:x" k = '>' >
              <T>  x &amp; y &lt;&gt;&quot;&apos; &#65;&#x42;  </T>
              <C><![CDATA[ <raw> & ]]></C>
              <Mixed> a <![CDATA[b]]> c </Mixed>
              <E/><F></F>
            </a:R>"#,
        )
        .unwrap();
        assert_eq!(root.name(), "R");
        assert_eq!(root.child("T").unwrap().text(), "  x & y <>\"' AB  ");
        assert_eq!(root.child("C").unwrap().text(), " <raw> & ");
        assert_eq!(root.child("Mixed").unwrap().text(), " a b c ");
        assert_eq!(root.opt_string("E"), None);
        assert_eq!(root.string("F").unwrap(), "");
        assert_eq!(root.opt_string("Missing"), None);
        assert!(root.string("Missing").is_err());
        assert_eq!(root.list("Nope", "x").len(), 0);
    }

    #[test]
    fn typed_values() {
        let root =
            parse(b"<R><B>true</B><Z>0</Z><N> 6379 </N><Bad>maybe</Bad><Neg>-1</Neg></R>").unwrap();
        assert_eq!(root.opt_bool("B"), Ok(Some(true)));
        assert_eq!(root.opt_bool("Z"), Ok(Some(false)));
        assert_eq!(root.opt_bool("Missing"), Ok(None));
        assert!(root.opt_bool("Bad").is_err());
        assert_eq!(root.opt_u32("N"), Ok(Some(6379)));
        assert!(root.opt_u32("Neg").is_err());
    }

    #[test]
    fn malformed_documents_are_errors() {
        for bad in [
            &b""[..],
            b"just text",
            b"<a>",
            b"<a></b>",
            b"</a>",
            b"<a",
            b"<a><!-- open",
            b"<a><!- x --></a>",
            b"<a x></a>",
            b"<a x=1></a>",
            b"<a x=\"1\"y=\"2\"></a>",
            b"<a><![CDATA[ open</a>",
            b"<>",
            b"<a>\xff</a>",
            b"text<a/>",
            b"<a><b>&bogus;</b></a>",
            b"<a><b>&#0;</b></a>",
            b"<a><b>&amp</b></a>",
            b"<a>x & y</a>",
            b"<a x=\"1></a>",
        ] {
            assert!(parse(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
        let e = decode(b"<a>", |_| Ok(())).unwrap_err();
        assert!(e.detail().starts_with("unexpected XML ("), "{e}");
    }
}
