//! The committed vectors are botocore's current output: reruns tests/tools/gen_vectors.py
//! with `--check` when the project's Python environment (.venv, botocore) is present.

use std::path::Path;
use std::process::Command;

#[test]
fn committed_vectors_equal_a_fresh_botocore_run() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = root.join(".venv/bin/python");
    if !python.exists() {
        // The Rust comparisons still run against the committed vectors; only the
        // regeneration check needs botocore (installed by scripts/bootstrap.sh).
        eprintln!("skipped: {} not found", python.display());
        return;
    }
    let out = Command::new(python)
        .arg(root.join("tests/tools/gen_vectors.py"))
        .arg("--check")
        .current_dir(root)
        .output()
        .expect("run gen_vectors.py");
    assert!(
        out.status.success(),
        "vectors are stale or botocore changed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
