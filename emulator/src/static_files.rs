//! Static files of `--serve DIR`, with the content types browsers insist on (application/wasm)
//! and index.html for unknown paths so the console's deep links load. A file's gzip copy made
//! at build time (`app.wasm.br`, `app.wasm.gz`: scripts/lib/precompress.mjs) is sent in its
//! place to a browser that accepts that encoding, as a static web server with precompressed
//! files does.

use std::path::{Component, Path, PathBuf};

pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "txt" | "md" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        _ => "application/octet-stream",
    }
}

/// A precompressed copy's encoding, named as `Content-Encoding` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Brotli,
    Gzip,
}

impl Encoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Brotli => "br",
            Encoding::Gzip => "gzip",
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            Encoding::Brotli => ".br",
            Encoding::Gzip => ".gz",
        }
    }

    /// The names a browser may list this encoding under.
    fn matches(self, name: &str) -> bool {
        match self {
            Encoding::Brotli => name == "br",
            Encoding::Gzip => name == "gzip" || name == "x-gzip",
        }
    }
}

/// Whether an `Accept-Encoding` value accepts `encoding`: listed (or `*`) without `q=0`.
pub fn accepts(accept_encoding: &str, encoding: Encoding) -> bool {
    let mut verdict = None;
    for part in accept_encoding.split(',') {
        let mut fields = part.split(';');
        let name = fields.next().unwrap_or("").trim().to_ascii_lowercase();
        let refused = fields.any(|f| {
            let f = f.trim();
            f.strip_prefix("q=")
                .or_else(|| f.strip_prefix("Q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        if encoding.matches(&name) {
            return !refused;
        }
        if name == "*" {
            verdict = Some(!refused);
        }
    }
    verdict.unwrap_or(false)
}

/// The precompressed copy to send for `file`: brotli when the browser accepts it (the
/// smaller), else gzip; only a copy that is there and not older than the file (a stale copy
/// from an earlier build is never sent).
pub fn precompressed(file: &Path, accept_encoding: Option<&str>) -> Option<(PathBuf, Encoding)> {
    let accept_encoding = accept_encoding?;
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let original = modified(file)?;
    [Encoding::Brotli, Encoding::Gzip]
        .into_iter()
        .filter(|e| accepts(accept_encoding, *e))
        .find_map(|e| {
            let mut name = file.file_name()?.to_os_string();
            name.push(e.suffix());
            let copy = file.with_file_name(name);
            (modified(&copy)? >= original).then_some((copy, e))
        })
}

/// The file to serve for a URL path, or None (404). Never leaves `root`.
pub fn resolve(root: &Path, url_path: &str) -> Option<PathBuf> {
    // percent-encoding passes a stray `%` through as text; a path with a broken escape is
    // refused instead, as no browser sends one.
    let broken_escape = url_path.match_indices('%').any(|(i, _)| {
        url_path
            .get(i + 1..i + 3)
            .is_none_or(|hex| !hex.bytes().all(|b| b.is_ascii_hexdigit()))
    });
    if broken_escape {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(url_path)
        .decode_utf8()
        .ok()?;
    if decoded.contains('\0') || decoded.contains('\\') {
        return None;
    }
    let rel = Path::new(decoded.trim_start_matches('/'));
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    let root = root.canonicalize().ok()?;
    let mut candidate = root.join(rel);
    if candidate.is_dir() {
        candidate = candidate.join("index.html");
    }
    if candidate.is_file() {
        // Symlinks pointing outside the root are refused too.
        let real = candidate.canonicalize().ok()?;
        return real.starts_with(&root).then_some(real);
    }
    // Deep links (no file extension) get the single-page app.
    let looks_like_asset = rel.extension().is_some();
    let index = root.join("index.html");
    (!looks_like_asset && index.is_file()).then_some(index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serves_files_falls_back_and_refuses_traversal() {
        let dir = std::env::temp_dir().join(format!("emu-static-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("pkg")).unwrap();
        std::fs::write(dir.join("index.html"), "<html>").unwrap();
        std::fs::write(dir.join("pkg/app.wasm"), [0u8, 97, 115, 109]).unwrap();
        assert_eq!(
            resolve(&dir, "/pkg/app.wasm").map(|p| content_type(&p)),
            Some("application/wasm")
        );
        assert!(resolve(&dir, "/").unwrap().ends_with("index.html"));
        assert!(resolve(&dir, "/resources/use1/checkout")
            .unwrap()
            .ends_with("index.html"));
        assert_eq!(resolve(&dir, "/missing.js"), None);
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/pkg/../../x",
            "/%ZZ",
            "/a\\..\\b",
        ] {
            assert_eq!(resolve(&dir, bad), None, "{bad}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_encoding_is_accepted_unless_refused() {
        for yes in [
            "gzip",
            "gzip, deflate, br, zstd",
            "br;q=1.0, gzip;q=0.8",
            "*",
            "x-gzip",
        ] {
            assert!(accepts(yes, Encoding::Gzip), "{yes}");
        }
        for no in [
            "",
            "identity",
            "br",
            "gzip;q=0",
            "gzip; q=0.0, br",
            "*;q=0",
            "gzip;q=0, *",
        ] {
            assert!(!accepts(no, Encoding::Gzip), "{no}");
        }
        assert!(accepts("gzip, deflate, br", Encoding::Brotli));
        assert!(accepts("*", Encoding::Brotli));
        assert!(!accepts("gzip, deflate", Encoding::Brotli));
        assert!(!accepts("br;q=0, gzip", Encoding::Brotli));
    }

    #[test]
    fn precompressed_copy_only_when_accepted_and_fresh() {
        let dir = std::env::temp_dir().join(format!("emu-gz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("app.wasm");
        std::fs::write(&file, b"\0asm").unwrap();
        assert_eq!(precompressed(&file, Some("gzip")), None, "no copy yet");
        std::fs::write(dir.join("app.wasm.gz"), b"gz").unwrap();
        let gz = Some((dir.join("app.wasm.gz"), Encoding::Gzip));
        assert_eq!(
            precompressed(&file, Some("gzip, br")),
            gz,
            "no brotli copy yet"
        );
        std::fs::write(dir.join("app.wasm.br"), b"br").unwrap();
        let br = Some((dir.join("app.wasm.br"), Encoding::Brotli));
        assert_eq!(precompressed(&file, Some("gzip, br")), br);
        assert_eq!(precompressed(&file, Some("gzip, br;q=0")), gz);
        assert_eq!(precompressed(&file, Some("deflate")), None);
        assert_eq!(precompressed(&file, None), None);
        // A newer file than its copies (a rebuild without the precompress step): both are stale.
        let later = std::time::SystemTime::now() + std::time::Duration::from_secs(60);
        std::fs::File::options()
            .write(true)
            .open(&file)
            .unwrap()
            .set_modified(later)
            .unwrap();
        assert_eq!(precompressed(&file, Some("gzip, br")), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
