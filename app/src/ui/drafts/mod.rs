//! What a person typed into a form the server refused, kept for an hour so
//! that the page the browser is sent back to (without JavaScript, a refused
//! form post is a redirect) shows it again instead of empty fields.
//!
//! A draft is stored under a random token that goes into the redirect's
//! address, and is read back only by the person who typed it.

mod db;

pub use db::{DRAFT_SECS, keep, read};
