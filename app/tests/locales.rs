//! The Arabic messages write numbers in Western digits, as the rest of the
//! site shows them (DESIGN.md §7: the common choice of Saudi government
//! sites); inputs still accept Eastern-Arabic digits.

#[test]
fn arabic_messages_use_western_digits() {
    let arabic = include_str!("../locales/ar.json");
    let eastern: Vec<&str> = arabic
        .lines()
        .filter(|line| line.chars().any(|c| ('\u{0660}'..='\u{0669}').contains(&c)))
        .map(str::trim)
        .collect();
    assert!(
        eastern.is_empty(),
        "Eastern-Arabic digits in app/locales/ar.json:\n{}",
        eastern.join("\n")
    );
}
