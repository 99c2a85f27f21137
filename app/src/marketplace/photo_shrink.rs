//! Photos shrunk on the phone before upload. A phone photo is often 12
//! megapixels and 4 MB; the shop needs at most [`MAX_SIDE`] pixels.
//!
//! Without JavaScript, [`PhotoForm`] is a plain multipart form that sends
//! one photo as chosen. With it, the [`PhotoUpload`] island lets the family choose several
//! photos at once: each is decoded (the browser applies its EXIF
//! orientation), drawn at most [`MAX_SIDE`] px on a canvas and re-encoded as
//! JPEG, then listed with a preview, its size, and buttons to remove it or
//! move it up or down. "Upload" sends them one by one, in the list's order
//! (the first becomes the cover of a product without one), to the same
//! address as the plain form, with one progress bar. The server checks each
//! photo as it always did: it never trusts the client.

use leptos::prelude::*;

use crate::i18n::*;
use crate::ui::in_browser;

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

/// The product's photo form: a plain multipart form (one photo, without
/// JavaScript) inside the [`PhotoUpload`] island. Everything the island
/// shows is in this markup, translated: the chosen-photo row is a
/// `<template>`, the messages are `data-*` attributes, so the island takes no
/// props (and the browser's module decodes none). `room` is how many more
/// photos the product may have.
#[component]
pub fn PhotoForm(action: String, room: usize) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PhotoUpload>
            <form
                method="post"
                action=action
                enctype="multipart/form-data"
                class="stack photo-upload"
                data-room=room
                data-failed=t_string!(i18n, my_shop.photos_not_sent).to_string()
                data-too-many=t_string!(i18n, my_shop.too_many_photos).to_string()
            >
                <div class="field">
                    <label for="photo">{t!(i18n, my_shop.add_photo)}</label>
                    <input id="photo" type="file" name="photo" accept="image/jpeg,image/png,image/webp" required />
                </div>
                <ol class="chosen-photos" hidden></ol>
                <template class="chosen-photo">
                    <li>
                        <img class="photo-preview" alt=t_string!(i18n, my_shop.photo_preview).to_string() />
                        <span class="muted small"><bdi class="size"></bdi> " " {t!(i18n, my_shop.kilobytes)}</span>
                        <span class="chosen-actions">
                            <button type="button" class="button small secondary" data-move="-1">{t!(i18n, my_shop.move_up)}</button>
                            <button type="button" class="button small secondary" data-move="1">{t!(i18n, my_shop.move_down)}</button>
                            <button type="button" class="button small secondary" data-remove="">{t!(i18n, my_shop.remove_chosen)}</button>
                        </span>
                    </li>
                </template>
                <p class="field-error" role="alert"></p>
                <progress class="upload-progress" max="1000" value="0" hidden aria-label=t_string!(i18n, my_shop.sending_photos).to_string()></progress>
                <button type="submit" class="button secondary">{t!(i18n, my_shop.upload)}</button>
            </form>
        </PhotoUpload>
    }
}

/// Wakes the photo form in the browser. The list is drawn straight into the
/// server's markup (no reactive view): on a phone every kilobyte of the
/// module is paid on every island page, not only this one.
#[island]
pub fn PhotoUpload(children: Children) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(browser::wake);
    let on_change = in_browser!(leptos::ev::Event, browser::chosen);
    let on_click = in_browser!(leptos::ev::MouseEvent, browser::clicked);
    let on_submit = in_browser!(leptos::ev::SubmitEvent, browser::submitted);
    view! { <div on:change=on_change on:click=on_click on:submit=on_submit>{children()}</div> }
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::{Cell, RefCell};

    use leptos::prelude::*;
    use leptos::task::spawn_local;
    use leptos::wasm_bindgen::closure::Closure;
    use leptos::wasm_bindgen::{JsCast, JsValue};
    use leptos::web_sys::js_sys::{Array, Promise};
    use leptos::web_sys::{
        Blob, CanvasRenderingContext2d, Element, Event, File, FilePropertyBag, FormData,
        HtmlCanvasElement, HtmlInputElement, ImageBitmap, ProgressEvent, Url, XmlHttpRequest,
    };
    use wasm_bindgen_futures::JsFuture;

    use super::{QUALITY, kilobytes, moved, shrunk_size};
    use crate::ui::dom;

    /// A photo chosen and waiting to be sent, with its preview's address.
    struct Chosen {
        file: File,
        url: String,
    }

    thread_local! {
        static CHOSEN: RefCell<Vec<Chosen>> = const { RefCell::new(Vec::new()) };
        static SENDING: Cell<bool> = const { Cell::new(false) };
    }

    fn form() -> Option<Element> {
        document()
            .query_selector("form.photo-upload")
            .ok()
            .flatten()
    }

    fn say(form: &Element, message: Option<&str>) {
        if let Some(alert) = dom::find(form, ".field-error") {
            let text = message.and_then(|name| form.get_attribute(name));
            alert.set_text_content(text.as_deref());
        }
    }

    /// With JavaScript several photos can be chosen at once.
    pub fn wake() {
        if let Some(input) = form().and_then(|f| dom::find(&f, "input[type=file]")) {
            let _ = input.set_attribute("multiple", "");
        }
    }

    /// Shrinks the photos just chosen and adds them to the list, in the
    /// order chosen, as far as the product has room.
    pub fn chosen(event: &Event) {
        let (Some(form), Some(input)) = (
            form(),
            event
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok()),
        ) else {
            return;
        };
        let Some(files) = input.files() else {
            return;
        };
        let files: Vec<File> = (0..files.length()).filter_map(|i| files.get(i)).collect();
        // The list holds them now: the field is emptied so that nothing is sent twice.
        input.set_value("");
        let room = form
            .get_attribute("data-room")
            .and_then(|r| r.parse::<usize>().ok())
            .unwrap_or(0);
        let free = room.saturating_sub(CHOSEN.with(|c| c.borrow().len()));
        say(&form, (files.len() > free).then_some("data-too-many"));
        spawn_local(async move {
            for file in files.into_iter().take(free) {
                // What the browser cannot decode goes as it is: the server
                // checks and shrinks it as without JavaScript.
                let file = shrink(&file).await.unwrap_or(file);
                if let Ok(url) = Url::create_object_url_with_blob(&file) {
                    CHOSEN.with(|c| c.borrow_mut().push(Chosen { file, url }));
                }
            }
            draw(&form);
        });
    }

    /// "Move up", "Move down" and "Don't send" on a chosen photo.
    pub fn clicked(event: &Event) {
        let Some(button) = event
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|t| t.closest("button[data-index]").ok().flatten())
        else {
            return;
        };
        if SENDING.get() {
            return;
        }
        let index = button
            .get_attribute("data-index")
            .and_then(|i| i.parse::<usize>().ok())
            .unwrap_or(usize::MAX);
        CHOSEN.with(|c| {
            let mut list = c.borrow_mut();
            if let Some(by) = button.get_attribute("data-move") {
                moved(&mut list, index, by.parse().unwrap_or(0));
            } else if index < list.len() {
                let gone = list.remove(index);
                let _ = Url::revoke_object_url(&gone.url);
            }
        });
        if let Some(form) = form() {
            draw(&form);
        }
    }

    /// Draws the list from the chosen photos, with the page's own row.
    fn draw(form: &Element) {
        let (Some(list), Some(template)) = (
            dom::find(form, "ol.chosen-photos"),
            dom::template(form, "template.chosen-photo"),
        ) else {
            return;
        };
        list.set_inner_html("");
        CHOSEN.with(|c| {
            let chosen = c.borrow();
            for (index, photo) in chosen.iter().enumerate() {
                let Some(row) = dom::new_row(&template) else {
                    return;
                };
                // Whole numbers only: formatting an `f64` would pull the
                // float printer into the module.
                let bytes = photo.file.size() as u64;
                let _ = row.set_attribute("data-bytes", &bytes.to_string());
                if let Some(img) = dom::find(&row, "img") {
                    let _ = img.set_attribute("src", &photo.url);
                }
                if let Some(size) = dom::find(&row, ".size") {
                    size.set_text_content(Some(&kilobytes(bytes).to_string()));
                }
                if let Ok(buttons) = row.query_selector_all("button") {
                    for i in 0..buttons.length() {
                        let Some(button) =
                            buttons.item(i).and_then(|b| b.dyn_into::<Element>().ok())
                        else {
                            continue;
                        };
                        let _ = button.set_attribute("data-index", &index.to_string());
                        let stuck = match button.get_attribute("data-move").as_deref() {
                            Some("-1") => index == 0,
                            Some(_) => index + 1 == chosen.len(),
                            None => false,
                        };
                        let _ = button.toggle_attribute_with_force("disabled", stuck);
                    }
                }
                let _ = list.append_child(&row);
            }
            let _ = list.toggle_attribute_with_force("hidden", chosen.is_empty());
            if let Some(input) = dom::find(form, "input[type=file]") {
                let _ = input.toggle_attribute_with_force("required", chosen.is_empty());
            }
        });
    }

    /// "Upload": with photos in the list, they are sent one at a time, in
    /// order; with none, the plain post goes (the browser asks for a file).
    pub fn submitted(event: &Event) {
        if CHOSEN.with(|c| c.borrow().is_empty()) {
            return;
        }
        event.prevent_default();
        if SENDING.replace(true) {
            return;
        }
        let Some(form) = form() else {
            return;
        };
        let action = form.get_attribute("action").unwrap_or_default();
        let page = window().location().pathname().unwrap_or_default();
        say(&form, None);
        let progress = dom::find(&form, "progress.upload-progress");
        let show = move |fraction: f64| {
            if let Some(bar) = &progress {
                let permille = (fraction.clamp(0.0, 1.0) * 1000.0) as u32;
                let _ = bar.set_attribute("value", &permille.to_string());
                let _ = bar.toggle_attribute_with_force("hidden", false);
            }
        };
        spawn_local(async move {
            let sizes: Vec<f64> =
                CHOSEN.with(|c| c.borrow().iter().map(|p| p.file.size()).collect());
            let total = sizes.iter().sum::<f64>().max(1.0);
            let mut done = 0.0;
            show(0.0);
            for size in sizes {
                let Some(file) = CHOSEN.with(|c| c.borrow().first().map(|p| p.file.clone())) else {
                    break;
                };
                let show = show.clone();
                match send(&action, &file, move |sent| show((done + sent) / total)).await {
                    Ok(landed) if landed_on(&landed, &page) => {
                        done += size;
                        let gone = CHOSEN.with(|c| c.borrow_mut().remove(0));
                        let _ = Url::revoke_object_url(&gone.url);
                        draw(&form);
                    }
                    // Refused (the page's address carries the reason) or signed out.
                    Ok(landed) if !landed.is_empty() => {
                        let _ = window().location().set_href(&landed);
                        return;
                    }
                    // The connection dropped: the photos not sent stay listed.
                    _ => {
                        say(&form, Some("data-failed"));
                        if let Some(bar) = dom::find(&form, "progress.upload-progress") {
                            let _ = bar.toggle_attribute_with_force("hidden", true);
                        }
                        SENDING.set(false);
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
            .map(|u| u.pathname() == page && !u.search_params().has("error"))
            .unwrap_or(false)
    }

    /// Posts one photo as the plain form does (the server answers with a
    /// redirect, which the request follows) and reports the bytes sent.
    /// Answers the address it ended on, or "" when no page came back.
    async fn send(
        action: &str,
        file: &File,
        on_progress: impl Fn(f64) + 'static,
    ) -> Result<String, JsValue> {
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
