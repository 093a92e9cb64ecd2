//! The English string table as the app fetches it when English is chosen
//! (the Persian one is in the main module; most readers never need the
//! English one, which was 6.8 KB of every first load). One source for the
//! app's build script, which generates `Strings::unpack` and the file's
//! name, and for `cargo xtask build`, which writes the file into `dist/`.

use std::collections::BTreeMap;

/// Between two values of a packed table; no value may contain it.
pub const SEPARATOR: char = '\u{1f}';

/// A table's values in key order, joined by [`SEPARATOR`].
pub fn pack(table: &BTreeMap<String, String>) -> String {
    table.values().map(String::as_str).collect::<Vec<_>>().join(&SEPARATOR.to_string())
}

/// The packed table's file name in `dist/`, named by its contents (FNV-1a,
/// 64 bits) so that the app asks for exactly the table it was built with
/// and the server may let browsers keep it for good.
pub fn file_name(packed: &str) -> String {
    let hash = packed.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    format!("strings-en-{hash:016x}.txt")
}
