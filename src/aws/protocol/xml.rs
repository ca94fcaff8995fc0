//! XML answers of the Query protocol: quick-xml's reader builds a small element tree that the
//! services' decoders read by member name, and `<ErrorResponse>` becomes a [`WireError`].
//! Unknown elements are ignored; missing optional ones are `None`.
//!
//! A tree read by name suits these answers better than serde's derives: the decoders pick a
//! few members out of large shapes, lists come wrapped (`<NodeGroups><NodeGroup>`), and an
//! error body and a result share one reader.
//!
//! A document that is not well formed (unclosed or mismatched tags, malformed attributes, an
//! unknown or unterminated entity anywhere, text outside the root) is refused as a whole; text
//! mixed between child elements is ignored.

use super::{snippet, status_message, DecodeError, WireError};
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::Reader;

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
    /// missing wrapper is an empty list.
    pub fn list(&self, wrapper: &str, item: &str) -> Vec<&Element> {
        self.child(wrapper)
            .map(|w| w.children.iter().filter(|c| c.name == item).collect())
            .unwrap_or_default()
    }

    /// Each item of a list member decoded by `decode`; the first error stops it.
    pub fn decode_list<T>(
        &self,
        wrapper: &str,
        item: &str,
        decode: impl FnMut(&Element) -> Result<T, DecodeError>,
    ) -> Result<Vec<T>, DecodeError> {
        self.list(wrapper, item).into_iter().map(decode).collect()
    }

    /// The texts of a list of leaves (`<MemberClusters><ClusterId>a</ClusterId>…`).
    pub fn texts(&self, wrapper: &str, item: &str) -> Vec<String> {
        self.list(wrapper, item)
            .into_iter()
            .map(|e| e.text.clone())
            .collect()
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

/// A failure of [`decode`] with the start of the body.
fn unexpected(e: DecodeError, body: &[u8]) -> DecodeError {
    DecodeError::new(format!("unexpected XML ({e}): {}", snippet(body)))
}

/// Parses a whole document into its root element. Malformed input (unclosed or mismatched
/// tags, unknown entities, text outside the root, bytes that are not UTF-8) is an error.
pub fn parse(body: &[u8]) -> Result<Element, DecodeError> {
    let text = std::str::from_utf8(body).map_err(|_| DecodeError::new("not UTF-8"))?;
    let mut reader = Reader::from_str(text);
    // Mismatched end tags are errors (quick-xml checks them by default); keep that explicit.
    reader.config_mut().check_end_names = true;
    let mut open: Vec<Element> = Vec::new();
    let mut root = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| DecodeError::new(format!("at byte {}: {e}", reader.error_position())))?;
        match event {
            Event::Start(start) => open.push(element(&start)?),
            Event::Empty(start) => close(element(&start)?, &mut open, &mut root)?,
            Event::End(_) => {
                let done = open
                    .pop()
                    .ok_or_else(|| DecodeError::new("an end tag opens nothing"))?;
                close(done, &mut open, &mut root)?;
            }
            Event::Text(text) => add_text(&mut open, &text.xml10_content())?,
            Event::CData(cdata) => add_text(&mut open, &cdata.xml10_content())?,
            Event::GeneralRef(reference) => add_text(&mut open, &resolve(&reference)?)?,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
            Event::Eof => {
                if !open.is_empty() {
                    return Err(DecodeError::new("the document ends inside an element"));
                }
                return root.ok_or_else(|| DecodeError::new("no root element"));
            }
        }
    }
}

/// A new element from its start tag, its attributes checked (and then ignored).
fn element(start: &BytesStart<'_>) -> Result<Element, DecodeError> {
    for attribute in start.attributes() {
        attribute.map_err(|e| DecodeError::new(format!("malformed attribute: {e}")))?;
    }
    let name = start.local_name().into_inner();
    if name.is_empty() {
        return Err(DecodeError::new("an element has no name"));
    }
    Ok(Element {
        name: name.to_string(),
        text: String::new(),
        children: Vec::new(),
    })
}

/// Hands a finished element to its parent, or makes it the root.
fn close(
    done: Element,
    open: &mut [Element],
    root: &mut Option<Element>,
) -> Result<(), DecodeError> {
    match open.last_mut() {
        Some(parent) => parent.children.push(done),
        None if root.is_none() => *root = Some(done),
        None => return Err(DecodeError::new("a second root element")),
    }
    Ok(())
}

/// Text belongs to the innermost open element; outside the root only whitespace may stand.
fn add_text(open: &mut [Element], text: &str) -> Result<(), DecodeError> {
    match open.last_mut() {
        Some(element) => element.text.push_str(text),
        None if text.trim().is_empty() => {}
        None => return Err(DecodeError::new("text outside the root element")),
    }
    Ok(())
}

/// `&amp;` and the other predefined entities, and character references (`&#65;`, `&#x42;`).
fn resolve(reference: &BytesRef<'_>) -> Result<String, DecodeError> {
    let unknown = || DecodeError::new(format!("unknown entity &{};", reference.as_ref()));
    if let Some(c) = reference.resolve_char_ref().map_err(|_| unknown())? {
        return Ok(c.to_string());
    }
    quick_xml::escape::resolve_xml_entity(reference.as_ref())
        .map(str::to_string)
        .ok_or_else(unknown)
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
        // quick-xml reads attributes not separated by whitespace; the console ignores
        // attributes, so such a document reads like any other.
        assert!(parse(b"<a x=\"1\"y=\"2\"></a>").is_ok());
        let e = decode(b"<a>", |_| Ok(())).unwrap_err();
        assert!(e.detail().starts_with("unexpected XML ("), "{e}");
    }
}
