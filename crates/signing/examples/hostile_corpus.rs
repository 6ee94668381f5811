//! Writes the hostile corpus: `cargo run -p park-review-signing --example hostile_corpus
//! --features hostile [-- DIR]` (default `tests/hostile` at the workspace root). The files are
//! deterministic; `verify::tests` checks that the committed ones are exactly these.

use std::path::PathBuf;

use park_review_signing::hostile::{corpus, expectations};

fn main() -> std::io::Result<()> {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/hostile"));
    std::fs::create_dir_all(&dir)?;
    let corpus = corpus();
    for file in &corpus.files {
        std::fs::write(dir.join(file.name), &file.bytes)?;
    }
    std::fs::write(dir.join("trust.pem"), &corpus.trust_pem)?;
    std::fs::write(dir.join("expected.json"), expectations(&corpus))?;
    println!("{} files in {}", corpus.files.len(), dir.display());
    Ok(())
}
