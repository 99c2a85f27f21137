//! Precompresses the built static assets (brotli and gzip) next to the
//! originals, so the file server answers with `Content-Encoding` without
//! compressing on every request.

use std::io::Write;
use std::path::Path;

/// Extensions worth compressing.
const COMPRESSIBLE: [&str; 7] = ["js", "wasm", "css", "svg", "html", "json", "webmanifest"];

/// Writes `<file>.br` and `<file>.gz` for every compressible file under `root`
/// that is newer than its compressed copies. Returns how many files were done.
pub fn precompress_dir(root: &Path) -> std::io::Result<usize> {
    let mut done = 0;
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let compressible = path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| COMPRESSIBLE.contains(&e));
            if compressible && is_stale(&path)? {
                compress(&path)?;
                done += 1;
            }
        }
    }
    Ok(done)
}

fn sibling(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    name.into()
}

fn is_stale(path: &Path) -> std::io::Result<bool> {
    let modified = std::fs::metadata(path)?.modified()?;
    for suffix in [".br", ".gz"] {
        match std::fs::metadata(sibling(path, suffix)).and_then(|m| m.modified()) {
            Ok(compressed) if compressed >= modified => {}
            _ => return Ok(true),
        }
    }
    Ok(false)
}

fn compress(path: &Path) -> std::io::Result<()> {
    let data = std::fs::read(path)?;
    let mut br = Vec::new();
    {
        let params = brotli::enc::BrotliEncoderParams {
            quality: 11,
            lgwin: 22,
            ..Default::default()
        };
        brotli::BrotliCompress(&mut data.as_slice(), &mut br, &params)?;
    }
    std::fs::write(sibling(path, ".br"), br)?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&data)?;
    std::fs::write(sibling(path, ".gz"), gz.finish()?)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compresses_once_and_skips_fresh_copies() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.js");
        std::fs::write(&file, "console.log('تكامل');".repeat(100)).unwrap();
        std::fs::write(dir.path().join("b.png"), [0u8; 10]).unwrap();
        assert_eq!(precompress_dir(dir.path()).unwrap(), 1);
        assert!(sibling(&file, ".br").exists());
        assert!(sibling(&file, ".gz").exists());
        assert!(!dir.path().join("b.png.br").exists());
        assert_eq!(precompress_dir(dir.path()).unwrap(), 0);
    }
}
