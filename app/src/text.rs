//! Pure text rules shared by client and server: digit folding and Arabic
//! normalization for search and duplicate checks (DESIGN.md §5, §7).

/// Replaces Eastern-Arabic (٠–٩) and Persian (۰–۹) digits with ASCII digits and
/// the Arabic decimal/thousands separators (٫ ٬) with `.` and `,`.
pub fn fold_digits(input: &str) -> String {
    input
        .chars()
        .map(|c| match c {
            '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
            '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
            '\u{066B}' => '.',
            '\u{066C}' => ',',
            other => other,
        })
        .collect()
}

/// True for the Arabic diacritics (tashkeel), Quranic marks and the superscript alef.
fn is_tashkeel(c: char) -> bool {
    matches!(c, '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}')
}

/// Normalizes Arabic text so that spelling variants compare equal: strips tashkeel
/// and tatweel, folds أ إ آ ٱ → ا, ة → ه, ى → ي, folds digits, lowercases Latin
/// letters and collapses whitespace. Both the stored text and the query go
/// through this function, so it must stay deterministic and cheap.
pub fn normalize_arabic(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut pending_space = false;
    for c in fold_digits(input).chars() {
        if is_tashkeel(c) || c == '\u{0640}' {
            continue;
        }
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        match c {
            'أ' | 'إ' | 'آ' | 'ٱ' => out.push('ا'),
            'ة' => out.push('ه'),
            'ى' => out.push('ي'),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// The parts of a person's name as the search compares them: normalised
/// ([`normalize_arabic`]), split on spaces and punctuation, "عبد X" joined
/// into one part (`عبد الله` and `عبدالله` are one name), repeats dropped.
/// The query's parts go through this function too.
pub fn name_parts(name: &str) -> Vec<String> {
    let normalized = normalize_arabic(name);
    let words: Vec<&str> = normalized
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut parts: Vec<String> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let word = words[i];
        if word == "عبد" && i + 1 < words.len() {
            parts.push(format!("{word}{}", words[i + 1]));
            i += 2;
            continue;
        }
        parts.push(word.to_string());
        i += 1;
    }
    let mut seen = std::collections::HashSet::new();
    parts.retain(|p| seen.insert(p.clone()));
    parts
}

/// The keys stored for a name: its [`name_parts`], and each part that
/// begins with the article (`الزهراني`) also without it (`زهراني`), so a
/// family name is found with or without its article.
pub fn name_keys(name: &str) -> Vec<String> {
    let mut keys = Vec::new();
    for part in name_parts(name) {
        match part.strip_prefix("ال") {
            Some(bare) if bare.chars().count() >= 2 && !keys.iter().any(|k| k == bare) => {
                keys.push(bare.to_string());
            }
            _ => {}
        }
        if !keys.contains(&part) {
            keys.push(part);
        }
    }
    keys
}

/// The first string after every string that begins with `prefix` (in code
/// point order, which is UTF-8 byte order): `prefix <= s < upper` holds
/// exactly for the strings `s` that begin with `prefix`. `None` when no
/// such bound exists (empty prefix).
pub fn prefix_upper_bound(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let mut next = last as u32 + 1;
        if (0xD800..0xE000).contains(&next) {
            next = 0xE000;
        }
        if let Some(c) = char::from_u32(next) {
            chars.push(c);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// A text cell for a CSV export that spreadsheets will not run: a cell that
/// starts with `=`, `+`, `-`, `@` (or a tab or carriage return) is a formula
/// to Excel and LibreOffice, so it gets a leading apostrophe (OWASP's advice).
pub fn csv_cell(value: &str) -> std::borrow::Cow<'_, str> {
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}").into(),
        _ => value.into(),
    }
}

/// Masks an identity number for display outside its owner's pages: `1•••••••89`.
pub fn mask_identifier(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() < 4 {
        return "•".repeat(chars.len());
    }
    let mut out = String::new();
    out.push(chars[0]);
    out.extend(std::iter::repeat_n('•', chars.len() - 3));
    out.extend(&chars[chars.len() - 2..]);
    out
}

/// Parses an amount of riyals (Eastern digits, Arabic separators, up to two
/// decimals) into halalas; thousands separators are ignored.
pub fn parse_riyals(input: &str) -> Option<i64> {
    let folded: String = fold_digits(input.trim())
        .chars()
        .filter(|c| *c != ',' && !c.is_whitespace())
        .collect();
    let (whole, fraction) = match folded.split_once('.') {
        Some((w, f)) => (w, f),
        None => (folded.as_str(), ""),
    };
    if whole.is_empty()
        || whole.len() > 9
        || fraction.len() > 2
        || !whole
            .chars()
            .chain(fraction.chars())
            .all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let cents: i64 = format!("{fraction:0<2}").parse().ok()?;
    Some(whole * 100 + cents)
}

/// Halalas as riyals with Western digits: `5000`, `25.50`.
pub fn format_riyals(halalas: i64) -> String {
    if halalas % 100 == 0 {
        format!("{}", halalas / 100)
    } else {
        format!("{}.{:02}", halalas / 100, halalas % 100)
    }
}

/// Percent-encodes every byte outside the unreserved set (RFC 3986).
pub fn url_encode(text: &str) -> String {
    url_encode_keeping(text, b"")
}

/// As [`url_encode`], keeping the bytes of `keep` as they are (a path
/// carried in a query parameter stays readable with `/`).
pub fn url_encode_keeping(text: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) || keep.contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn csv_cells_never_start_a_formula() {
        assert_eq!(super::csv_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(super::csv_cell("+966"), "'+966");
        assert_eq!(super::csv_cell("-1"), "'-1");
        assert_eq!(super::csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(super::csv_cell("نورة"), "نورة");
        assert_eq!(super::csv_cell(""), "");
    }

    use super::*;

    #[test]
    fn riyals_in_every_common_form() {
        assert_eq!(parse_riyals("5000"), Some(500_000));
        assert_eq!(parse_riyals("٥٬٠٠٠"), Some(500_000));
        assert_eq!(parse_riyals("25.5"), Some(2_550));
        assert_eq!(parse_riyals("٢٥٫٥٠"), Some(2_550));
        assert_eq!(parse_riyals("0"), Some(0));
        for bad in ["", "-5", "1.234", "abc", "1e5", "9999999999"] {
            assert_eq!(parse_riyals(bad), None, "{bad}");
        }
        assert_eq!(format_riyals(500_000), "5000");
        assert_eq!(format_riyals(2_550), "25.50");
    }

    #[test]
    fn folds_eastern_and_persian_digits_and_separators() {
        assert_eq!(fold_digits("١٢٣٤٥٦٧٨٩٠"), "1234567890");
        assert_eq!(fold_digits("۱۲۳"), "123");
        assert_eq!(fold_digits("٢٥٫٥٠"), "25.50");
        assert_eq!(fold_digits("١٬٠٠٠"), "1,000");
        assert_eq!(fold_digits("abc"), "abc");
    }

    #[test]
    fn strips_tashkeel_and_tatweel() {
        assert_eq!(normalize_arabic("مَعْمُول"), "معمول");
        assert_eq!(normalize_arabic("معـــمول"), "معمول");
    }

    #[test]
    fn folds_alef_forms_teh_marbuta_and_alef_maqsura() {
        assert_eq!(normalize_arabic("أحمد"), "احمد");
        assert_eq!(normalize_arabic("إبراهيم"), "ابراهيم");
        assert_eq!(normalize_arabic("آمنة"), "امنه");
        assert_eq!(normalize_arabic("مصطفى"), "مصطفي");
    }

    #[test]
    fn collapses_whitespace_and_lowercases_latin() {
        assert_eq!(normalize_arabic("  Jeddah   جدة \t"), "jeddah جده");
        assert_eq!(normalize_arabic(""), "");
    }

    #[test]
    fn name_parts_join_abd_and_drop_repeats() {
        assert_eq!(name_parts("عبد الله  محمد"), vec!["عبدالله", "محمد"]);
        assert_eq!(name_parts("عبدالله محمد محمد"), vec!["عبدالله", "محمد"]);
        assert_eq!(name_parts("فاطِمَة بنت-أحمد"), vec!["فاطمه", "بنت", "احمد"]);
        assert_eq!(
            name_keys("نورة الزهراني"),
            vec!["نوره", "زهراني", "الزهراني"]
        );
        assert_eq!(name_keys("ال"), vec!["ال"]);
    }

    #[test]
    fn prefix_bounds_enclose_exactly_the_prefixed() {
        let upper = prefix_upper_bound("محم").unwrap();
        for inside in ["محم", "محمد", "محمود"] {
            assert!("محم" <= inside && inside < upper.as_str(), "{inside}");
        }
        for outside in ["مح", "محن", "احمد"] {
            assert!(!("محم" <= outside && outside < upper.as_str()), "{outside}");
        }
        assert_eq!(prefix_upper_bound(""), None);
    }

    #[test]
    fn masks_identifiers() {
        assert_eq!(mask_identifier("1234567889"), "1•••••••89");
        assert_eq!(mask_identifier("12"), "••");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(10_000))]

        #[test]
        fn normalization_never_panics_and_is_idempotent(input in "\\PC*") {
            let once = normalize_arabic(&input);
            proptest::prop_assert_eq!(normalize_arabic(&once), once.clone());
            proptest::prop_assert!(!once.starts_with(' ') && !once.ends_with(' '));
        }

        #[test]
        fn digit_folding_never_panics_and_keeps_length(input in "\\PC*") {
            proptest::prop_assert_eq!(fold_digits(&input).chars().count(), input.chars().count());
        }

        #[test]
        fn masking_never_panics_nor_reveals_the_middle(input in "[0-9]{0,20}") {
            let masked = mask_identifier(&input);
            proptest::prop_assert_eq!(masked.chars().count(), input.chars().count());
            if input.len() >= 4 {
                proptest::prop_assert_eq!(masked.chars().filter(|c| c.is_ascii_digit()).count(), 3);
            }
        }
    }
}
