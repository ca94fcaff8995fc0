//! Percent-encoding as SigV4 and the console's URLs need it: every byte but the unreserved
//! characters (`A-Z a-z 0-9 - . _ ~`, RFC 3986) becomes `%XX` with upper-case hex, and decoding
//! reads `%XX` back, leaving a malformed escape as it is. The percent-encoding crate did the
//! same with a general character-set type and a 256-entry table of strings.

/// `text` with every byte but the unreserved characters encoded; `/` too unless `keep_slash`.
pub fn encode(text: &str, keep_slash: bool) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~')
            || (keep_slash && b == b'/')
        {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        }
    }
    out
}

/// `text` with each `%XX` read as a byte; bytes that are not UTF-8 become U+FFFD.
pub fn decode(text: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = match bytes.get(i..i + 3) {
            Some([b'%', hi, lo]) => hex(*hi).zip(hex(*lo)).map(|(h, l)| h << 4 | l),
            _ => None,
        };
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_all_but_unreserved() {
        assert_eq!(encode("a-z_0.9~", false), "a-z_0.9~");
        assert_eq!(encode("a b/c+é", false), "a%20b%2Fc%2B%C3%A9");
        assert_eq!(encode("/aws/a b", true), "/aws/a%20b");
    }

    #[test]
    fn decodes_escapes_and_leaves_malformed_ones() {
        assert_eq!(decode("a%20b%2fc%C3%A9"), "a b/cé");
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz%4"), "%zz%4");
        assert_eq!(decode("%FF"), "\u{FFFD}");
    }

    // The percent-encoding crate (a dev-dependency now) as the independent check.
    const UNRESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    const PATH: &percent_encoding::AsciiSet = &UNRESERVED.remove(b'/');

    proptest::proptest! {
        #[test]
        fn agrees_with_the_percent_encoding_crate(text in "\\PC*|[%0-9a-fA-F/ +]*") {
            let theirs = percent_encoding::utf8_percent_encode(&text, UNRESERVED).to_string();
            proptest::prop_assert_eq!(encode(&text, false), theirs);
            let theirs = percent_encoding::utf8_percent_encode(&text, PATH);
            proptest::prop_assert_eq!(encode(&text, true), theirs.to_string());
            let theirs = percent_encoding::percent_decode_str(&text).decode_utf8_lossy();
            proptest::prop_assert_eq!(decode(&text), theirs);
            proptest::prop_assert_eq!(decode(&encode(&text, false)), text);
        }
    }
}
