//! Static files of `--serve DIR`, with the content types browsers insist on (application/wasm)
//! and index.html for unknown paths so the console's deep links load.

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

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The file to serve for a URL path, or None (404). Never leaves `root`.
pub fn resolve(root: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url_path)?;
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
}
