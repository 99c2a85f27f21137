//! The photo pipeline: an upload is trusted for nothing. Its type is decided
//! by its bytes, its size and pixel count are bounded before decoding, it is
//! decoded, turned upright, and re-encoded as WebP at a few widths from the
//! pixels alone, so no metadata survives (phone photos carry the home's GPS
//! position). Files are stored under a server-generated name, in a directory
//! or an S3-compatible bucket ([`PhotoStore`]).

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use object_store::ObjectStore;
use object_store::path::Path as ObjectPath;

use super::{MAX_PHOTO_BYTES, photo_widths};

/// More pixels than any phone camera takes: beyond this is a decompression bomb.
const MAX_PIXELS: u64 = 50_000_000;
/// Memory a decode may allocate.
const MAX_DECODE_BYTES: u64 = 512 * 1024 * 1024;
/// WebP quality: photos of food and crafts stay sharp at a third of JPEG's size.
const WEBP_QUALITY: f32 = 78.0;

/// Why an upload was refused.
#[derive(Debug, thiserror::Error)]
pub enum PhotoError {
    #[error("the file is larger than 10 MB")]
    TooLarge,
    #[error("the file is not a JPEG, PNG or WebP image")]
    NotAnImage,
    #[error("the image is damaged or incomplete")]
    Corrupt,
    #[error("the image has too many pixels")]
    TooManyPixels,
    #[error("every photo decoder stayed busy")]
    Busy,
    #[error("the photo could not be stored: {0}")]
    Store(#[from] std::io::Error),
}

/// Photos are decoded a few at a time, for uploads and for widths made on
/// request alike: a decode may take hundreds of megabytes and a core for a
/// second, so a burst of uploads waits here instead of exhausting memory.
static DECODERS: LazyLock<tokio::sync::Semaphore> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    tokio::sync::Semaphore::new(cores.clamp(1, 4))
});

/// How long a decode waits for a free decoder before the answer is "busy".
const DECODE_WAIT: Duration = Duration::from_secs(20);

/// Runs `work` (a decode or an encode) on a blocking thread once a decoder is
/// free; [`PhotoError::Busy`] when none frees up within [`DECODE_WAIT`].
pub async fn decode<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, PhotoError> {
    let _permit = tokio::time::timeout(DECODE_WAIT, DECODERS.acquire())
        .await
        .map_err(|_| PhotoError::Busy)?
        .map_err(|_| PhotoError::Busy)?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| PhotoError::Store(std::io::Error::other(error)))
}

/// A photo ready to store: each width's WebP bytes, largest last.
pub struct Processed {
    pub width: u32,
    pub height: u32,
    pub variants: Vec<(u32, Vec<u8>)>,
}

/// Decodes, orients, resizes and re-encodes an upload. CPU-bound: call it
/// from a blocking task.
pub fn process(bytes: &[u8]) -> Result<Processed, PhotoError> {
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(PhotoError::TooLarge);
    }
    let format = image::guess_format(bytes).map_err(|_| PhotoError::NotAnImage)?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP
    ) {
        return Err(PhotoError::NotAnImage);
    }
    if format == ImageFormat::Jpeg && !jpeg_is_complete(bytes) {
        return Err(PhotoError::Corrupt);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| PhotoError::Corrupt)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(PhotoError::TooManyPixels);
    }
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(|error| match error {
        image::ImageError::Limits(_) => PhotoError::TooManyPixels,
        _ => PhotoError::Corrupt,
    })?;
    image.apply_orientation(orientation);
    let (width, height) = (image.width(), image.height());
    let variants = photo_widths(width)
        .map(|w| {
            let resized = if w == width {
                image.clone()
            } else {
                scale_to_width(&image, w)
            };
            (w, encode_webp(&resized))
        })
        .collect::<Vec<_>>();
    let (largest, _) = variants[variants.len() - 1];
    Ok(Processed {
        width: largest,
        height: ((u64::from(height) * u64::from(largest)) / u64::from(width)).max(1) as u32,
        variants,
    })
}

/// A JPEG decoder fills a cut-off file with grey instead of failing, so a
/// photo cut short by a dropped connection would be published half grey:
/// require the end-of-image marker after the last start-of-scan. (Inside the
/// compressed data every 0xFF byte is followed by 0x00, so neither marker can
/// appear by accident; an EXIF thumbnail's own markers come before the scan.)
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let last_scan = bytes.windows(2).rposition(|w| w == [0xFF, 0xDA]);
    let end = bytes.windows(2).rposition(|w| w == [0xFF, 0xD9]);
    matches!((last_scan, end), (Some(scan), Some(end)) if end > scan)
}

fn encode_webp(image: &DynamicImage) -> Vec<u8> {
    if image.color().has_alpha() {
        let rgba = image.to_rgba8();
        webp::Encoder::from_rgba(rgba.as_raw(), rgba.width(), rgba.height())
            .encode(WEBP_QUALITY)
            .to_vec()
    } else {
        let rgb = image.to_rgb8();
        webp::Encoder::from_rgb(rgb.as_raw(), rgb.width(), rgb.height())
            .encode(WEBP_QUALITY)
            .to_vec()
    }
}

/// A stored WebP file scaled down to `width`, or `None` if it does not decode
/// (it was written by this pipeline, so that means damage, not an attack).
fn resize_stored(bytes: &[u8], width: u32) -> Option<Vec<u8>> {
    let image = image::load_from_memory_with_format(bytes, ImageFormat::WebP).ok()?;
    Some(encode_webp(&scale_to_width(&image, width)))
}

/// The image at `width`, its height in proportion.
fn scale_to_width(image: &DynamicImage, width: u32) -> DynamicImage {
    let height = (u64::from(image.height()) * u64::from(width) / u64::from(image.width())).max(1);
    image.resize_exact(width, height as u32, image::imageops::FilterType::Triangle)
}

/// A new random file key: 128 bits, hex.
pub fn new_key() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The file name of one width of a stored photo.
pub fn file_name(key: &str, width: u32) -> String {
    format!("{key}-{width}.webp")
}

/// Whether `name` is a file name this pipeline writes (`<32 hex>-<width>.webp`),
/// so the file route never serves anything else.
pub fn is_photo_file_name(name: &str) -> bool {
    let Some(stem) = name.strip_suffix(".webp") else {
        return false;
    };
    let Some((key, width)) = stem.split_once('-') else {
        return false;
    };
    key.len() == 32
        && key.bytes().all(|b| b.is_ascii_hexdigit())
        && !width.is_empty()
        && width.len() <= 4
        && width.bytes().all(|b| b.is_ascii_digit())
}

/// An S3-compatible bucket for photos (several instances, no shared volume).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketSettings {
    pub bucket: String,
    /// The service's address (`https://…`; plain `http://` is allowed for a
    /// service on the same private network).
    pub endpoint: String,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

/// Where photo files live: a directory (one server, or a volume shared by
/// several) or an S3-compatible bucket. Files are written whole or not at all,
/// so a reader never sees half a photo.
#[derive(Clone)]
pub enum PhotoStore {
    Directory(PathBuf),
    Bucket(Arc<dyn ObjectStore>),
}

impl std::fmt::Debug for PhotoStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PhotoStore::Directory(dir) => write!(f, "PhotoStore::Directory({})", dir.display()),
            PhotoStore::Bucket(store) => write!(f, "PhotoStore::Bucket({store})"),
        }
    }
}

fn bucket_error(error: object_store::Error) -> PhotoError {
    PhotoError::Store(std::io::Error::other(error))
}

impl PhotoStore {
    /// The bucket when one is configured, else the directory.
    pub fn new(dir: &Path, bucket: Option<&BucketSettings>) -> Result<Self, PhotoError> {
        let Some(settings) = bucket else {
            return Ok(PhotoStore::Directory(dir.to_path_buf()));
        };
        let store = object_store::aws::AmazonS3Builder::new()
            .with_bucket_name(&settings.bucket)
            .with_endpoint(&settings.endpoint)
            .with_allow_http(settings.endpoint.starts_with("http://"))
            .with_region(&settings.region)
            .with_access_key_id(&settings.access_key_id)
            .with_secret_access_key(&settings.secret_access_key)
            // Path-style addresses: what S3-compatible services all accept.
            .with_virtual_hosted_style_request(false)
            .build()
            .map_err(bucket_error)?;
        Ok(PhotoStore::Bucket(Arc::new(store)))
    }

    /// Writes every width of a processed photo under `key`.
    pub async fn put(&self, key: &str, photo: &Processed) -> Result<(), PhotoError> {
        for (width, bytes) in &photo.variants {
            self.put_file(&file_name(key, *width), bytes).await?;
        }
        Ok(())
    }

    /// Writes one file whole: a reader sees the old state or the new file
    /// (financing keeps its checklist documents this way, under names the
    /// photo route never serves).
    pub async fn put_file(&self, name: &str, bytes: &[u8]) -> Result<(), PhotoError> {
        match self {
            PhotoStore::Directory(dir) => {
                tokio::fs::create_dir_all(dir).await?;
                let path = dir.join(name);
                // Unique per write: two requests filling the same width at
                // once must not write into one partial file.
                let partial = path.with_extension(format!("{}.partial", new_key()));
                tokio::fs::write(&partial, bytes).await?;
                tokio::fs::rename(&partial, &path).await?;
            }
            PhotoStore::Bucket(store) => {
                store
                    .put(&ObjectPath::from(name), bytes.to_vec().into())
                    .await
                    .map_err(bucket_error)?;
            }
        }
        Ok(())
    }

    /// Makes one missing width of a stored photo whose largest width is
    /// `largest`, from the next larger file it has, stores it and returns it;
    /// `None` when `width` is not one of the photo's widths or no larger file
    /// is left to make it from. Photos stored before a width was added to
    /// [`PHOTO_WIDTHS`](super::PHOTO_WIDTHS) get it this way on first request.
    pub async fn fill_width(
        &self,
        key: &str,
        largest: u32,
        width: u32,
    ) -> Result<Option<Vec<u8>>, PhotoError> {
        if !photo_widths(largest).any(|w| w == width) {
            return Ok(None);
        }
        for source in photo_widths(largest).filter(|w| *w > width) {
            let Some(bytes) = self.read(&file_name(key, source)).await? else {
                continue;
            };
            let resized = decode(move || resize_stored(&bytes, width)).await?;
            let Some(resized) = resized else {
                continue;
            };
            self.put_file(&file_name(key, width), &resized).await?;
            return Ok(Some(resized));
        }
        Ok(None)
    }

    /// Stores the photo `from` again under `to` (the generator's many
    /// products share a few pictures): a hard link, or a copy inside the bucket.
    pub async fn duplicate(&self, from: &str, to: &str, width: u32) -> Result<(), PhotoError> {
        for w in photo_widths(width) {
            match self {
                PhotoStore::Directory(dir) => {
                    tokio::fs::hard_link(dir.join(file_name(from, w)), dir.join(file_name(to, w)))
                        .await?
                }
                PhotoStore::Bucket(store) => store
                    .copy(
                        &ObjectPath::from(file_name(from, w)),
                        &ObjectPath::from(file_name(to, w)),
                    )
                    .await
                    .map_err(bucket_error)?,
            }
        }
        Ok(())
    }

    /// The bytes of a stored file, or `None` when there is no such file.
    pub async fn read(&self, name: &str) -> Result<Option<Vec<u8>>, PhotoError> {
        match self {
            PhotoStore::Directory(dir) => match tokio::fs::read(dir.join(name)).await {
                Ok(bytes) => Ok(Some(bytes)),
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(error) => Err(error.into()),
            },
            PhotoStore::Bucket(store) => match store.get(&ObjectPath::from(name)).await {
                Ok(found) => Ok(Some(found.bytes().await.map_err(bucket_error)?.to_vec())),
                Err(object_store::Error::NotFound { .. }) => Ok(None),
                Err(error) => Err(bucket_error(error)),
            },
        }
    }

    /// Removes every width of a stored photo of this (largest) width; missing
    /// files are not an error, and a failure is logged (an orphan file is
    /// harmless: nothing links to it).
    pub async fn remove(&self, key: &str, width: u32) {
        for w in photo_widths(width) {
            self.remove_file(&file_name(key, w)).await;
        }
    }

    /// Removes one stored file (a document, one width of a photo); a missing
    /// file is not an error, a failure is logged.
    pub async fn remove_file(&self, name: &str) {
        let result = match self {
            PhotoStore::Directory(dir) => match tokio::fs::remove_file(dir.join(name)).await {
                Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error.into()),
                _ => Ok(()),
            },
            PhotoStore::Bucket(store) => match store.delete(&ObjectPath::from(name)).await {
                Err(object_store::Error::NotFound { .. }) | Ok(()) => Ok(()),
                Err(error) => Err(bucket_error(error)),
            },
        };
        if let Err::<(), PhotoError>(error) = result {
            tracing::warn!(%error, file = %name, "removing a stored file failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageEncoder, Rgb, RgbImage};

    /// A photo-like gradient, so the encoders have real content.
    fn picture(width: u32, height: u32) -> RgbImage {
        RgbImage::from_fn(width, height, |x, y| {
            Rgb([(x * 255 / width) as u8, (y * 255 / height) as u8, 120])
        })
    }

    /// An EXIF block with a GPS position (21.5433 N, 39.1728 E: Jeddah) and an
    /// orientation tag, little-endian TIFF.
    fn exif_with_gps(orientation: u16) -> Vec<u8> {
        let mut tiff: Vec<u8> = b"II\x2a\x00\x08\x00\x00\x00".to_vec();
        // IFD0 at 8: two entries (Orientation, GPS IFD pointer).
        tiff.extend_from_slice(&2u16.to_le_bytes());
        tiff.extend_from_slice(&0x0112u16.to_le_bytes());
        tiff.extend_from_slice(&3u16.to_le_bytes());
        tiff.extend_from_slice(&1u32.to_le_bytes());
        tiff.extend_from_slice(&orientation.to_le_bytes());
        tiff.extend_from_slice(&[0, 0]);
        let gps_ifd = 8 + 2 + 2 * 12 + 4;
        tiff.extend_from_slice(&0x8825u16.to_le_bytes());
        tiff.extend_from_slice(&4u16.to_le_bytes());
        tiff.extend_from_slice(&1u32.to_le_bytes());
        tiff.extend_from_slice(&(gps_ifd as u32).to_le_bytes());
        tiff.extend_from_slice(&0u32.to_le_bytes());
        // GPS IFD: latitude ref "N" and latitude 21/1 32/1 36/1.
        let rationals = gps_ifd + 2 + 2 * 12 + 4;
        tiff.extend_from_slice(&2u16.to_le_bytes());
        tiff.extend_from_slice(&0x0001u16.to_le_bytes());
        tiff.extend_from_slice(&2u16.to_le_bytes());
        tiff.extend_from_slice(&2u32.to_le_bytes());
        tiff.extend_from_slice(b"N\0\0\0");
        tiff.extend_from_slice(&0x0002u16.to_le_bytes());
        tiff.extend_from_slice(&5u16.to_le_bytes());
        tiff.extend_from_slice(&3u32.to_le_bytes());
        tiff.extend_from_slice(&(rationals as u32).to_le_bytes());
        tiff.extend_from_slice(&0u32.to_le_bytes());
        for value in [21u32, 32, 36] {
            tiff.extend_from_slice(&value.to_le_bytes());
            tiff.extend_from_slice(&1u32.to_le_bytes());
        }
        tiff
    }

    fn jpeg(image: &RgbImage, exif: Option<Vec<u8>>) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
        if let Some(exif) = exif {
            encoder.set_exif_metadata(exif).unwrap();
        }
        encoder
            .write_image(
                image.as_raw(),
                image.width(),
                image.height(),
                image::ExtendedColorType::Rgb8,
            )
            .unwrap();
        out
    }

    fn png(image: &RgbImage) -> Vec<u8> {
        let mut out = Vec::new();
        image::codecs::png::PngEncoder::new(&mut out)
            .write_image(
                image.as_raw(),
                image.width(),
                image.height(),
                image::ExtendedColorType::Rgb8,
            )
            .unwrap();
        out
    }

    fn decoded(webp: &[u8]) -> DynamicImage {
        image::load_from_memory_with_format(webp, ImageFormat::WebP).unwrap()
    }

    #[test]
    fn jpeg_png_and_webp_are_reencoded_at_several_widths() {
        let source = picture(1600, 1200);
        let jpeg = jpeg(&source, None);
        let processed = process(&jpeg).unwrap();
        assert_eq!((processed.width, processed.height), (1280, 960));
        let widths: Vec<u32> = processed.variants.iter().map(|(w, _)| *w).collect();
        assert_eq!(widths, vec![320, 480, 640, 800, 1280]);
        for (w, bytes) in &processed.variants {
            assert_eq!(image::guess_format(bytes).unwrap(), ImageFormat::WebP);
            assert_eq!(decoded(bytes).width(), *w);
        }
        let small = png(&picture(200, 100));
        let processed = process(&small).unwrap();
        assert_eq!(processed.variants.len(), 1, "never upscaled");
        assert_eq!((processed.width, processed.height), (200, 100));
        // A WebP upload goes through the same pipeline.
        let webp = processed.variants[0].1.clone();
        assert_eq!(process(&webp).unwrap().width, 200);
    }

    #[test]
    fn gps_and_all_other_metadata_are_stripped_and_orientation_applied() {
        let source = picture(400, 300);
        let with_gps = jpeg(&source, Some(exif_with_gps(6)));
        assert!(
            with_gps.windows(4).any(|w| w == b"Exif"),
            "fixture carries EXIF"
        );
        let processed = process(&with_gps).unwrap();
        for (_, bytes) in &processed.variants {
            assert!(!bytes.windows(4).any(|w| w == b"Exif" || w == b"EXIF"));
            assert!(!bytes.windows(4).any(|w| w == b"XMP "));
        }
        // Orientation 6 (rotate 90°): the stored photo is upright, 300 × 400.
        assert_eq!((processed.width, processed.height), (300, 400));
        assert_eq!(decoded(&processed.variants[0].1).height(), 400);
    }

    #[test]
    fn disguised_corrupt_oversized_and_bomb_files_are_refused() {
        let text = "هذا ملف نصي وليس صورة".as_bytes();
        assert!(matches!(process(text), Err(PhotoError::NotAnImage)));
        let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;";
        assert!(matches!(process(gif), Err(PhotoError::NotAnImage)));
        let whole = jpeg(&picture(300, 200), None);
        let truncated = &whole[..whole.len() / 2];
        assert!(matches!(process(truncated), Err(PhotoError::Corrupt)));
        let huge = vec![0xFFu8; MAX_PHOTO_BYTES + 1];
        assert!(matches!(process(&huge), Err(PhotoError::TooLarge)));
        // A PNG header that claims 60 000 × 60 000 pixels: refused before any
        // pixel is allocated.
        let mut bomb = png(&picture(1, 1));
        bomb[16..20].copy_from_slice(&60_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&60_000u32.to_be_bytes());
        assert!(matches!(
            process(&bomb),
            Err(PhotoError::TooManyPixels | PhotoError::Corrupt)
        ));
    }

    #[test]
    fn only_generated_names_are_photo_files() {
        assert!(is_photo_file_name(
            "0123456789abcdef0123456789abcdef-640.webp"
        ));
        assert!(!is_photo_file_name("../etc/passwd"));
        assert!(!is_photo_file_name(
            "0123456789abcdef0123456789abcdef-640.webp.partial"
        ));
        assert!(!is_photo_file_name("short-640.webp"));
        assert!(!is_photo_file_name(&new_key()));
        assert!(is_photo_file_name(&format!("{}-320.webp", new_key())));
    }
}
