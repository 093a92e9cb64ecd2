//! The build's one file walker and one file hash: what names a build
//! (`dist/app-<hash>/`, the service worker's version) and tells whether the
//! client is stale.

use std::path::Path;

use crate::Result;

/// Every file under `path` (or `path` itself if it is a file), relative to
/// `base`, with `/` separators.
pub fn files_under(base: &Path, path: &Path, out: &mut Vec<String>) -> Result {
    if path.is_dir() {
        for entry in
            std::fs::read_dir(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?.filter_map(std::result::Result::ok)
        {
            files_under(base, &entry.path(), out)?;
        }
    } else if let Ok(rel) = path.strip_prefix(base) {
        if path.exists() {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}

/// The SHA-256, in hex, of `files` (relative to `base`, sorted): each one's
/// name and contents. What names a build (`dist/app-<hash>/`, the service
/// worker's version) and tells whether the client is stale.
pub fn hash_files(base: &Path, files: &[String]) -> Result<String> {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for f in files {
        hasher.update(f.as_bytes());
        hasher.update(std::fs::read(base.join(f)).map_err(|e| format!("cannot read {f}: {e}"))?);
    }
    Ok(hex::encode(hasher.finalize()))
}
