//! Photos as the platform keeps them: the size of an upload, the widths a
//! photo is stored at and their addresses (shared by server and pages), and,
//! on the server, the pipeline that decodes, cleans and stores them
//! ([`pipeline`]). The marketplace's products are its first user.

pub mod documents;
#[cfg(feature = "ssr")]
pub mod http;
#[cfg(feature = "ssr")]
pub mod pipeline;

use crate::paths::PHOTO_FILES;

/// Largest accepted upload.
pub const MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;

/// Widths a photo is stored at (never upscaled), for `srcset`. Chosen so a
/// phone finds one just above what it shows: a card is 290–470 device pixels
/// wide (320, 480), a product photo 660–720 on a common phone (800), 1,080 on
/// the sharpest (1280). Photos stored before a width was added get it made on
/// their first request ([`pipeline::PhotoStore::fill_width`]).
pub const PHOTO_WIDTHS: [u32; 5] = [320, 480, 640, 800, 1280];

/// The `srcset` of a stored photo: each stored width up to the photo's own.
pub fn photo_srcset(key: &str, width: u32) -> String {
    photo_widths(width)
        .map(|w| format!("{PHOTO_FILES}/{key}-{w}.webp {w}w"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The widths a photo of this width is stored at: the standard widths below
/// it, and its own width when it is narrower than the largest.
pub fn photo_widths(width: u32) -> impl Iterator<Item = u32> {
    let largest = width.min(PHOTO_WIDTHS[PHOTO_WIDTHS.len() - 1]);
    PHOTO_WIDTHS
        .into_iter()
        .filter(move |w| *w < largest)
        .chain(std::iter::once(largest))
}

/// The URL of a photo at (at most) this width.
pub fn photo_url(key: &str, width: u32, wanted: u32) -> String {
    photo_url_under(PHOTO_FILES, key, width, wanted)
}

/// The URL of a photo served under `base` (products' photos, associations'
/// logos) at (at most) this width.
pub fn photo_url_under(base: &str, key: &str, width: u32, wanted: u32) -> String {
    let chosen = photo_widths(width)
        .find(|w| *w >= wanted)
        .unwrap_or(width.min(PHOTO_WIDTHS[PHOTO_WIDTHS.len() - 1]));
    format!("{base}/{key}-{chosen}.webp")
}
