//! Photos shrunk on the phone before upload. A phone photo is often 12
//! megapixels and 4 MB; the shop needs at most [`MAX_SIDE`] pixels. With
//! JavaScript, the [`ShrinkPhoto`] island decodes the chosen photo (the
//! browser applies its EXIF orientation), draws it at most [`MAX_SIDE`] px on
//! a canvas, re-encodes it as JPEG and puts that file in the form's own file
//! field, with a preview. The form then posts as it always does, and the
//! server checks the photo as it always did: it never trusts the client.
//! Without JavaScript the plain upload is sent unchanged.

use leptos::prelude::*;

/// The longest side of a photo sent from the phone, in pixels.
pub const MAX_SIDE: u32 = 1600;
/// JPEG quality of the shrunk photo.
pub const QUALITY: f64 = 0.85;

/// The size a photo is drawn at: at most [`MAX_SIDE`] on its longer side,
/// never larger than it was.
pub fn shrunk_size(width: u32, height: u32) -> (u32, u32) {
    let longest = width.max(height);
    if longest <= MAX_SIDE || longest == 0 {
        return (width, height);
    }
    let scale = |side: u32| {
        ((side as u64 * MAX_SIDE as u64 + longest as u64 / 2) / longest as u64).max(1) as u32
    };
    (scale(width), scale(height))
}

/// Wraps the photo upload form. `preview_label` names the preview image.
#[island]
pub fn ShrinkPhoto(preview_label: String, children: Children) -> impl IntoView {
    let preview = RwSignal::new(None::<String>);
    let on_change = move |event: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        browser::chosen(&event, preview);
        #[cfg(not(feature = "hydrate"))]
        let _ = (event, preview);
    };
    view! {
        <div class="shrink-photo" on:change=on_change>
            {children()}
            <img
                class="photo-preview"
                alt=preview_label
                hidden=move || preview.with(Option::is_none)
                src=move || preview.get().unwrap_or_default()
            />
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use leptos::task::spawn_local;
    use leptos::wasm_bindgen::{JsCast, JsValue};
    use leptos::web_sys::js_sys::{Array, Promise};
    use leptos::web_sys::{
        Blob, CanvasRenderingContext2d, DataTransfer, Event, File, FilePropertyBag,
        HtmlCanvasElement, HtmlInputElement, ImageBitmap, Url,
    };
    use wasm_bindgen_futures::JsFuture;

    use super::{QUALITY, shrunk_size};

    pub fn chosen(event: &Event, preview: RwSignal<Option<String>>) {
        let Some(input) = event
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            .filter(|i| i.type_() == "file")
        else {
            return;
        };
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        spawn_local(async move {
            // Anything the browser cannot do here leaves the original file in
            // the form: the server checks and shrinks it as without JavaScript.
            if let Ok(shrunk) = shrink(&file).await {
                let transfer = DataTransfer::new().ok();
                if let Some(transfer) = transfer
                    && transfer.items().add_with_file(&shrunk).is_ok()
                    && let Some(files) = transfer.files()
                {
                    input.set_files(Some(&files));
                    if let Ok(url) = Url::create_object_url_with_blob(&shrunk) {
                        preview.set(Some(url));
                    }
                }
            }
        });
    }

    async fn shrink(file: &File) -> Result<File, JsValue> {
        let bitmap: ImageBitmap = JsFuture::from(window().create_image_bitmap_with_blob(file)?)
            .await?
            .dyn_into()?;
        let (width, height) = shrunk_size(bitmap.width(), bitmap.height());
        let canvas: HtmlCanvasElement = document().create_element("canvas")?.dyn_into()?;
        canvas.set_width(width);
        canvas.set_height(height);
        let context: CanvasRenderingContext2d = canvas
            .get_context("2d")?
            .ok_or_else(|| JsValue::from_str("no 2d context"))?
            .dyn_into()?;
        context.draw_image_with_image_bitmap_and_dw_and_dh(
            &bitmap,
            0.0,
            0.0,
            width as f64,
            height as f64,
        )?;
        bitmap.close();
        let encoded = Promise::new(&mut |resolve, _reject| {
            let _ = canvas.to_blob_with_type_and_encoder_options(
                &resolve,
                "image/jpeg",
                &JsValue::from_f64(QUALITY),
            );
        });
        let blob: Blob = JsFuture::from(encoded).await?.dyn_into()?;
        let options = FilePropertyBag::new();
        options.set_type("image/jpeg");
        let name = match file.name().rsplit_once('.') {
            Some((stem, _)) => format!("{stem}.jpg"),
            None => format!("{}.jpg", file.name()),
        };
        File::new_with_blob_sequence_and_options(&Array::of1(&blob), &name, &options)
    }
}

#[cfg(test)]
mod tests {
    use super::shrunk_size;

    #[test]
    fn photos_shrink_to_the_longest_side_and_keep_their_shape() {
        assert_eq!(shrunk_size(4000, 3000), (1600, 1200));
        assert_eq!(shrunk_size(3000, 4000), (1200, 1600));
        assert_eq!(shrunk_size(800, 600), (800, 600));
        assert_eq!(shrunk_size(10_000, 10), (1600, 2));
    }
}
