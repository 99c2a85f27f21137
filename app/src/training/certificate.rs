//! Certificate codes: random, typed back from paper without mistakes.

/// The alphabet of certificate codes: Crockford's base32 (no I, L, O, U), so a
/// code read aloud or typed from paper is not mistaken.
const CODE_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters in a certificate code: 20 × 5 = 100 random bits, beyond guessing.
pub const CODE_LENGTH: usize = 20;

/// Formats 100 random bits (the low 100 of `bits`) as a code in groups of
/// four: `7QK2-M9XD-…`.
pub fn format_certificate_code(bits: u128) -> String {
    let mut out = String::with_capacity(CODE_LENGTH + CODE_LENGTH / 4);
    for i in 0..CODE_LENGTH {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        let index = (bits >> (5 * (CODE_LENGTH - 1 - i))) & 0x1f;
        out.push(char::from(CODE_ALPHABET[index as usize]));
    }
    out
}

/// A code as typed (any case, spaces or dashes, O for 0, I/L for 1) in its
/// stored form; `None` when it cannot be a code.
pub fn normalize_certificate_code(input: &str) -> Option<String> {
    let mut chars = Vec::with_capacity(CODE_LENGTH);
    for c in input.chars() {
        let c = match c.to_ascii_uppercase() {
            '-' | ' ' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        };
        if !CODE_ALPHABET.contains(&(c as u8)) || !c.is_ascii() {
            return None;
        }
        chars.push(c);
    }
    if chars.len() != CODE_LENGTH {
        return None;
    }
    let bits = chars.iter().fold(0u128, |acc, c| {
        let value = CODE_ALPHABET
            .iter()
            .position(|a| *a == *c as u8)
            .unwrap_or(0);
        (acc << 5) | value as u128
    });
    Some(format_certificate_code(bits))
}
