//! Reading form fields: trimmed, bounded, empty as absent.

/// Trims a form field to `max` characters; empty is `None`.
pub(super) fn field(value: Option<String>, max: usize) -> Option<String> {
    value
        .map(|v| v.trim().chars().take(max).collect::<String>())
        .filter(|v| !v.is_empty())
}

/// Parses an integer form field (Eastern digits accepted) within bounds.
pub(super) fn int_field(value: &str, range: std::ops::RangeInclusive<i64>) -> Option<i64> {
    crate::text::fold_digits(value.trim())
        .parse::<i64>()
        .ok()
        .filter(|v| range.contains(v))
}
