//! Photos shrunk on the phone before upload. A phone photo is often 12
//! megapixels and 4 MB; the shop needs at most [`MAX_SIDE`] pixels.
//!
//! Without JavaScript, [`PhotoUpload`] is a plain multipart form that sends
//! one photo as chosen. With it, the island lets the family choose several
//! photos at once: each is decoded (the browser applies its EXIF
//! orientation), drawn at most [`MAX_SIDE`] px on a canvas and re-encoded as
//! JPEG, then listed with a preview, its size, and buttons to remove it or
//! move it up or down. "Upload" sends them one by one, in the list's order
//! (the first becomes the cover of a product without one), to the same
//! address as the plain form, with one progress bar. The server checks each
//! photo as it always did: it never trusts the client.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

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

/// A size in whole kilobytes as the list shows it (at least 1).
pub fn kilobytes(bytes: u64) -> u64 {
    bytes.div_ceil(1024).max(1)
}

/// Moves the item at `from` one place up (`-1`) or down (`1`); anything
/// past either end leaves the list as it is.
pub fn moved<T>(items: &mut [T], from: usize, by: isize) {
    if let Some(to) = from.checked_add_signed(by)
        && to < items.len()
        && from < items.len()
    {
        items.swap(from, to);
    }
}

/// The form's words, translated by the page (the island carries no
/// translations of its own).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhotoUploadText {
    pub add: String,
    pub upload: String,
    pub preview: String,
    pub kilobytes: String,
    pub move_up: String,
    pub move_down: String,
    pub remove: String,
    pub sending: String,
    pub failed: String,
    pub too_many: String,
}

/// A photo chosen and waiting to be sent; its file stays in the browser.
#[derive(Debug, Clone, PartialEq)]
struct Chosen {
    id: u32,
    url: String,
    bytes: u64,
}

/// The product's photo form. `action` is the upload address, `room` how
/// many more photos the product may have.
#[island]
pub fn PhotoUpload(action: String, room: u32, text: PhotoUploadText) -> impl IntoView {
    let chosen = RwSignal::new(Vec::<Chosen>::new());
    let awake = RwSignal::new(false);
    let sending = RwSignal::new(false);
    let progress = RwSignal::new(0.0_f64);
    let message = RwSignal::new(None::<String>);
    #[cfg(feature = "hydrate")]
    Effect::new(move || awake.set(true));
    let text = StoredValue::new(text);
    let action = StoredValue::new(action);

    let on_change = move |event: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        browser::chosen(&event, room, chosen, message, text);
        #[cfg(not(feature = "hydrate"))]
        let _ = (event, room, message);
    };
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        // Nothing in the list: the plain post (the browser asks for a file).
        if chosen.with(Vec::is_empty) {
            return;
        }
        event.prevent_default();
        #[cfg(feature = "hydrate")]
        browser::send_all(action, chosen, sending, progress, message, text);
    };
    let shift = move |index: usize, by: isize| chosen.update(|list| moved(list, index, by));
    let remove = move |index: usize| {
        chosen.update(|list| {
            if index < list.len() {
                let gone = list.remove(index);
                #[cfg(feature = "hydrate")]
                browser::forget(&gone);
                #[cfg(not(feature = "hydrate"))]
                let _ = gone;
            }
        })
    };
    let label = move |pick: fn(&PhotoUploadText) -> &String| text.with_value(|t| pick(t).clone());

    view! {
        <form method="post" action=action.get_value() enctype="multipart/form-data" class="stack photo-upload" on:submit=on_submit>
            <div class="field">
                <label for="photo">{label(|t| &t.add)}</label>
                <input
                    id="photo"
                    type="file"
                    name="photo"
                    accept="image/jpeg,image/png,image/webp"
                    required=move || chosen.with(Vec::is_empty)
                    multiple=move || awake.get()
                    on:change=on_change
                />
            </div>
            <ol class="chosen-photos" hidden=move || chosen.with(Vec::is_empty)>
                {move || {
                    let list = chosen.get();
                    let last = list.len().saturating_sub(1);
                    list.into_iter().enumerate().map(|(index, photo)| view! {
                        <li data-bytes=photo.bytes>
                            <img class="photo-preview" src=photo.url alt=label(|t| &t.preview) />
                            <span class="muted small"><bdi>{kilobytes(photo.bytes)}</bdi> " " {label(|t| &t.kilobytes)}</span>
                            <span class="chosen-actions">
                                <button type="button" class="button small secondary" disabled=index == 0 on:click=move |_| shift(index, -1)>{label(|t| &t.move_up)}</button>
                                <button type="button" class="button small secondary" disabled=index == last on:click=move |_| shift(index, 1)>{label(|t| &t.move_down)}</button>
                                <button type="button" class="button small secondary" on:click=move |_| remove(index)>{label(|t| &t.remove)}</button>
                            </span>
                        </li>
                    }).collect_view()
                }}
            </ol>
            <p class="field-error" role="alert">{move || message.get()}</p>
            <progress class="upload-progress" max="1" prop:value=move || progress.get() hidden=move || !sending.get() aria-label=label(|t| &t.sending)></progress>
            <button type="submit" class="button secondary" disabled=move || sending.get()>{label(|t| &t.upload)}</button>
        </form>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::RefCell;

    use leptos::prelude::*;
    use leptos::task::spawn_local;
    use leptos::wasm_bindgen::closure::Closure;
    use leptos::wasm_bindgen::{JsCast, JsValue};
    use leptos::web_sys::js_sys::{Array, Promise};
    use leptos::web_sys::{
        Blob, CanvasRenderingContext2d, Event, File, FilePropertyBag, FormData,
        HtmlCanvasElement, HtmlInputElement, ImageBitmap, ProgressEvent, Url, XmlHttpRequest,
    };
    use wasm_bindgen_futures::JsFuture;

    use super::{Chosen, PhotoUploadText, QUALITY, shrunk_size};

    thread_local! {
        /// The chosen files, by their list id (a `File` cannot live in a signal).
        static FILES: RefCell<Vec<(u32, File)>> = const { RefCell::new(Vec::new()) };
        static NEXT_ID: RefCell<u32> = const { RefCell::new(0) };
    }

    /// Shrinks the photos just chosen and adds them to the list, in the
    /// order chosen, as far as the product has room.
    pub fn chosen(
        event: &Event,
        room: u32,
        list: RwSignal<Vec<Chosen>>,
        message: RwSignal<Option<String>>,
        text: StoredValue<PhotoUploadText>,
    ) {
        let Some(input) = event
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(files) = input.files() else {
            return;
        };
        let files: Vec<File> = (0..files.length()).filter_map(|i| files.get(i)).collect();
        // The list holds them now: the field is emptied so that nothing is sent twice.
        input.set_value("");
        let free = (room as usize).saturating_sub(list.with_untracked(Vec::len));
        message.set((files.len() > free).then(|| text.with_value(|t| t.too_many.clone())));
        spawn_local(async move {
            for file in files.into_iter().take(free) {
                // What the browser cannot decode goes as it is: the server
                // checks and shrinks it as without JavaScript.
                let file = shrink(&file).await.unwrap_or(file);
                let Ok(url) = Url::create_object_url_with_blob(&file) else {
                    continue;
                };
                let id = NEXT_ID.with(|n| {
                    let mut n = n.borrow_mut();
                    *n += 1;
                    *n
                });
                let bytes = file.size() as u64;
                FILES.with(|f| f.borrow_mut().push((id, file)));
                list.update(|l| l.push(Chosen { id, url, bytes }));
            }
        });
    }

    /// Drops a removed photo's file and preview.
    pub fn forget(photo: &Chosen) {
        FILES.with(|f| f.borrow_mut().retain(|(id, _)| *id != photo.id));
        let _ = Url::revoke_object_url(&photo.url);
    }

    /// Sends the list one photo at a time, in order. A photo the server
    /// refuses takes the family to the page with the server's translated
    /// reason (the photos sent before it are kept); a dropped connection
    /// keeps the unsent photos in the list to try again.
    pub fn send_all(
        action: StoredValue<String>,
        list: RwSignal<Vec<Chosen>>,
        sending: RwSignal<bool>,
        progress: RwSignal<f64>,
        message: RwSignal<Option<String>>,
        text: StoredValue<PhotoUploadText>,
    ) {
        if sending.get_untracked() {
            return;
        }
        sending.set(true);
        message.set(None);
        let page = window().location().pathname().unwrap_or_default();
        spawn_local(async move {
            let queue = list.get_untracked();
            let total: f64 = queue.iter().map(|c| c.bytes as f64).sum::<f64>().max(1.0);
            let mut done = 0.0;
            for photo in queue {
                let Some(file) = FILES.with(|f| {
                    f.borrow()
                        .iter()
                        .find(|(id, _)| *id == photo.id)
                        .map(|(_, file)| file.clone())
                }) else {
                    continue;
                };
                let on_progress = move |loaded: f64| progress.set((done + loaded) / total);
                match send(&action.get_value(), &file, on_progress).await {
                    Ok(landed) if landed_on(&landed, &page) => {
                        done += photo.bytes as f64;
                        progress.set(done / total);
                        forget(&photo);
                        list.update(|l| l.retain(|c| c.id != photo.id));
                    }
                    // Refused (the page's address carries the reason) or signed out.
                    Ok(landed) if !landed.is_empty() => {
                        let _ = window().location().set_href(&landed);
                        return;
                    }
                    _ => {
                        message.set(Some(text.with_value(|t| t.failed.clone())));
                        sending.set(false);
                        return;
                    }
                }
            }
            let _ = window().location().set_href(&page);
        });
    }

    /// Whether the upload's answer came back to the product's page with no error.
    fn landed_on(url: &str, page: &str) -> bool {
        Url::new(url)
            .map(|u| u.pathname() == page && !u.search().contains("error="))
            .unwrap_or(false)
    }

    /// Posts one photo as the plain form does (the server answers with a
    /// redirect, which the request follows) and reports the bytes sent.
    /// Answers the address it ended on, or "" when no page came back.
    async fn send(action: &str, file: &File, on_progress: impl Fn(f64) + 'static) -> Result<String, JsValue> {
        let request = XmlHttpRequest::new()?;
        request.open("POST", action)?;
        request.set_request_header("Accept", "text/html")?;
        let form = FormData::new()?;
        form.append_with_blob_and_filename("photo", file, &file.name())?;
        let progress = Closure::<dyn Fn(ProgressEvent)>::new(move |event: ProgressEvent| {
            on_progress(event.loaded());
        });
        request
            .upload()?
            .set_onprogress(Some(progress.as_ref().unchecked_ref()));
        let finished = Promise::new(&mut |resolve, reject| {
            request.set_onload(Some(&resolve));
            request.set_onerror(Some(&reject));
            request.set_onabort(Some(&reject));
        });
        request.send_with_opt_form_data(Some(&form))?;
        let answer = JsFuture::from(finished).await;
        drop(progress);
        answer?;
        Ok(match request.status()? {
            200..=299 => request.response_url(),
            _ => String::new(),
        })
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
    use super::{kilobytes, moved, shrunk_size};

    #[test]
    fn photos_shrink_to_the_longest_side_and_keep_their_shape() {
        assert_eq!(shrunk_size(4000, 3000), (1600, 1200));
        assert_eq!(shrunk_size(3000, 4000), (1200, 1600));
        assert_eq!(shrunk_size(800, 600), (800, 600));
        assert_eq!(shrunk_size(10_000, 10), (1600, 2));
    }

    #[test]
    fn chosen_photos_move_one_place_and_never_past_the_ends() {
        let mut list = vec!['a', 'b', 'c'];
        moved(&mut list, 2, -1);
        assert_eq!(list, ['a', 'c', 'b']);
        moved(&mut list, 0, -1);
        moved(&mut list, 2, 1);
        moved(&mut list, 7, -1);
        assert_eq!(list, ['a', 'c', 'b']);
        moved(&mut list, 0, 1);
        assert_eq!(list, ['c', 'a', 'b']);
    }

    #[test]
    fn sizes_are_shown_in_whole_kilobytes() {
        assert_eq!(kilobytes(0), 1);
        assert_eq!(kilobytes(1024), 1);
        assert_eq!(kilobytes(1025), 2);
        assert_eq!(kilobytes(312_000), 305);
    }
}
