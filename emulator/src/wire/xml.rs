//! A minimal XML writer for Query responses: elements, escaped text, nothing else.

use crate::models::Millis;
use crate::timefmt;

#[derive(Default)]
pub struct Xml {
    buf: String,
}

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

impl Xml {
    pub fn new() -> Self {
        Xml::default()
    }

    pub fn open(&mut self, tag: &str) -> &mut Self {
        self.buf.push('<');
        self.buf.push_str(tag);
        self.buf.push('>');
        self
    }

    pub fn close(&mut self, tag: &str) -> &mut Self {
        self.buf.push_str("</");
        self.buf.push_str(tag);
        self.buf.push('>');
        self
    }

    pub fn text(&mut self, tag: &str, value: &str) -> &mut Self {
        self.open(tag);
        self.buf.push_str(&escape(value));
        self.close(tag)
    }

    pub fn boolean(&mut self, tag: &str, value: bool) -> &mut Self {
        self.text(tag, if value { "true" } else { "false" })
    }

    pub fn int(&mut self, tag: &str, value: i64) -> &mut Self {
        self.text(tag, &value.to_string())
    }

    pub fn time(&mut self, tag: &str, t: Millis) -> &mut Self {
        self.text(tag, &timefmt::iso(t))
    }

    pub fn opt(&mut self, tag: &str, value: Option<&str>) -> &mut Self {
        if let Some(v) = value {
            self.text(tag, v);
        }
        self
    }

    /// `<list><item>v</item>...</list>`
    pub fn list<'a>(
        &mut self,
        tag: &str,
        item: &str,
        values: impl IntoIterator<Item = &'a str>,
    ) -> &mut Self {
        self.open(tag);
        for v in values {
            self.text(item, v);
        }
        self.close(tag)
    }

    pub fn finish(self) -> String {
        self.buf
    }
}
