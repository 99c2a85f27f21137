//! Saudi time, in one place: a calendar day ([`SaudiDate`]) read from a form
//! and shown as Gregorian `YYYY-MM-DD` beside its Umm al-Qura (Hijri) date,
//! its boundaries as Unix seconds, and times of day. Stored times are Unix
//! seconds, UTC; the kingdom keeps UTC+3 all year (no daylight saving).

use std::fmt;

use crate::text::fold_digits;

/// Saudi time's offset from UTC.
pub const SAUDI_OFFSET_SECONDS: i64 = 3 * 3600;

const DAY: i64 = 86_400;

/// A day of the Gregorian calendar in Saudi time, years 1900–2100. Built by
/// [`SaudiDate::parse`] (user input) or [`SaudiDate::of`] (a stored time), so
/// holding one means it is a real day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SaudiDate {
    year: i64,
    month: i64,
    day: i64,
}

impl SaudiDate {
    /// Parses `YYYY-MM-DD` (Eastern digits accepted, one-digit month and day
    /// allowed).
    pub fn parse(input: &str) -> Option<Self> {
        let folded = fold_digits(input.trim());
        let mut parts = folded.split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        let well_formed = parts.next().is_none()
            && y.len() == 4
            && (1..=2).contains(&m.len())
            && (1..=2).contains(&d.len());
        if !well_formed {
            return None;
        }
        let (year, month, day) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
        let date = Self { year, month, day };
        ((1900..=2100).contains(&year) && (1..=days_in_month(year, month)?).contains(&day))
            .then_some(date)
    }

    /// The Saudi day a Unix time falls on.
    pub fn of(unix_seconds: i64) -> Self {
        // Howard Hinnant's days-to-civil algorithm.
        let z = (unix_seconds + SAUDI_OFFSET_SECONDS).div_euclid(DAY) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Self { year, month, day }
    }

    pub fn year(self) -> i64 {
        self.year
    }

    /// The same day `months` months later, on the month's last day when it
    /// is shorter (31 January + 1 month: 28 or 29 February); `None` past 2100.
    pub fn add_months(self, months: i64) -> Option<Self> {
        let index = self.year * 12 + (self.month - 1) + months;
        let (year, month) = (index.div_euclid(12), index.rem_euclid(12) + 1);
        let day = self.day.min(days_in_month(year, month)?);
        (1900..=2100)
            .contains(&year)
            .then_some(Self { year, month, day })
    }

    /// Whole days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Self) -> i64 {
        (later.start() - self.start()).div_euclid(DAY)
    }

    /// The Unix time of the day's first second (00:00 Saudi time).
    pub fn start(self) -> i64 {
        // Howard Hinnant's days-from-civil algorithm.
        let y = if self.month <= 2 {
            self.year - 1
        } else {
            self.year
        };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (self.month + 9) % 12;
        let doy = (153 * mp + 2) / 5 + self.day - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        (era * 146_097 + doe - 719_468) * DAY - SAUDI_OFFSET_SECONDS
    }

    /// The same day in the Umm al-Qura calendar (the Hijri calendar of Saudi
    /// Arabia), `YYYY-MM-DD`. Only the server has the calendar's data; the
    /// browser build answers an empty string (its pages are rendered on the
    /// server).
    pub fn hijri(self) -> String {
        #[cfg(feature = "ssr")]
        {
            use icu_calendar::Date;
            use icu_calendar::cal::Hijri;
            let (Ok(year), Ok(month), Ok(day)) = (
                i32::try_from(self.year),
                u8::try_from(self.month),
                u8::try_from(self.day),
            ) else {
                return String::new();
            };
            match Date::try_new_iso(year, month, day) {
                Ok(iso) => {
                    let hijri = iso.to_calendar(Hijri::new_umm_al_qura());
                    format!(
                        "{:04}-{:02}-{:02}",
                        hijri.era_year().year,
                        hijri.month().ordinal,
                        hijri.day_of_month().0
                    )
                }
                Err(_) => String::new(),
            }
        }
        #[cfg(not(feature = "ssr"))]
        String::new()
    }
}

/// A day typed in the Umm al-Qura calendar, as people copy it from an ID
/// card: `YYYY-MM-DD` or `YYYY/MM/DD`, or day first (`DD/MM/YYYY`), Eastern
/// digits accepted, years 1300–1500. Only its shape is checked here (the
/// browser has no calendar data); [`HijriDay::to_gregorian`] (server) finds
/// the day or refuses a day the month does not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HijriDay {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl HijriDay {
    /// Reads a typed Hijri day (see the type's note).
    pub fn parse(input: &str) -> Option<Self> {
        let folded = fold_digits(input.trim()).replace('/', "-");
        let parts: Vec<&str> = folded.split('-').map(str::trim).collect();
        let [a, m, b] = parts.as_slice() else {
            return None;
        };
        let (y, d) = match (a.len(), b.len()) {
            (4, 1..=2) => (a, b),
            (1..=2, 4) => (b, a),
            _ => return None,
        };
        if !(1..=2).contains(&m.len()) {
            return None;
        }
        let day = Self {
            year: y.parse().ok()?,
            month: m.parse().ok()?,
            day: d.parse().ok()?,
        };
        ((1300..=1500).contains(&day.year)
            && (1..=12).contains(&day.month)
            && (1..=30).contains(&day.day))
        .then_some(day)
    }

    /// The Gregorian day it is (`None` when the month has no such day).
    #[cfg(feature = "ssr")]
    pub fn to_gregorian(self) -> Option<SaudiDate> {
        use icu_calendar::Date;
        use icu_calendar::cal::{Hijri, Iso};
        let hijri = Date::try_new_hijri_with_calendar(
            self.year,
            self.month,
            self.day,
            Hijri::new_umm_al_qura(),
        )
        .ok()?;
        let iso = hijri.to_calendar(Iso);
        let date = SaudiDate {
            year: i64::from(iso.year().extended_year()),
            month: i64::from(iso.month().ordinal),
            day: i64::from(iso.day_of_month().0),
        };
        // The calendar carries a day past the month's end into the next
        // month; such a day was not on anyone's card.
        (date.hijri() == format!("{:04}-{:02}-{:02}", self.year, self.month, self.day))
            .then_some(date)
    }
}

impl fmt::Display for SaudiDate {
    /// `YYYY-MM-DD`, Western digits in both languages (DESIGN.md §7).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: i64, month: i64) -> Option<i64> {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    Some(match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    })
}

/// A Unix time as its Saudi Gregorian date, `YYYY-MM-DD`.
pub fn format_date(unix_seconds: i64) -> String {
    SaudiDate::of(unix_seconds).to_string()
}

/// A Unix time as its Saudi Umm al-Qura date, `YYYY-MM-DD` (see [`SaudiDate::hijri`]).
pub fn format_hijri(unix_seconds: i64) -> String {
    SaudiDate::of(unix_seconds).hijri()
}

/// The Unix time of the first second of a `YYYY-MM-DD` day (see [`SaudiDate::parse`]).
pub fn day_start(input: &str) -> Option<i64> {
    SaudiDate::parse(input).map(SaudiDate::start)
}

/// An `HH:MM` time of day (Eastern digits accepted) as seconds after midnight.
pub fn parse_time_of_day(input: &str) -> Option<i64> {
    let folded = fold_digits(input.trim());
    let (h, m) = folded.split_once(':')?;
    let (h, m): (i64, i64) = (h.parse().ok()?, m.get(..2)?.parse().ok()?);
    ((0..24).contains(&h) && (0..60).contains(&m)).then_some(h * 3600 + m * 60)
}

/// `HH:MM` of a Unix time in Saudi time.
pub fn format_time_of_day(unix_seconds: i64) -> String {
    let seconds = (unix_seconds + SAUDI_OFFSET_SECONDS).rem_euclid(DAY);
    format!("{:02}:{:02}", seconds / 3600, seconds % 3600 / 60)
}

/// Hours in which no message but an urgent one is sent to a family (Saudi
/// time, minutes after midnight; the window may cross midnight: 22:00–08:00
/// by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub start_minute: i64,
    pub end_minute: i64,
}

impl Default for QuietHours {
    fn default() -> Self {
        Self {
            start_minute: 22 * 60,
            end_minute: 8 * 60,
        }
    }
}

impl QuietHours {
    /// Whether `unix_seconds` falls in the quiet window (start included,
    /// end excluded). An empty window (start = end) is never quiet.
    pub fn contains(self, unix_seconds: i64) -> bool {
        let minute = (unix_seconds + SAUDI_OFFSET_SECONDS).rem_euclid(86_400) / 60;
        let (s, e) = (self.start_minute, self.end_minute);
        if s <= e {
            (s..e).contains(&minute)
        } else {
            minute >= s || minute < e
        }
    }

    /// Parses `HH:MM-HH:MM` (e.g. `22:00-08:00`).
    pub fn parse(value: &str) -> Option<Self> {
        let (start, end) = value.split_once('-')?;
        Some(Self {
            start_minute: parse_time_of_day(start)? / 60,
            end_minute: parse_time_of_day(end)? / 60,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_round_trips_through_its_start() {
        for date in [
            "2026-11-29",
            "2000-02-29",
            "1970-01-01",
            "2099-12-31",
            "1900-03-01",
        ] {
            let day = SaudiDate::parse(date).unwrap();
            assert_eq!(day.to_string(), date);
            assert_eq!(SaudiDate::of(day.start()), day);
            assert_eq!(SaudiDate::of(day.start() + DAY - 1), day);
            assert_ne!(SaudiDate::of(day.start() - 1), day);
        }
        assert_eq!(day_start("٢٠٢٦-١١-٢٩"), day_start("2026-11-29"));
        assert_eq!(day_start("2026-1-5"), day_start("2026-01-05"));
    }

    #[test]
    fn a_hijri_day_is_read_in_the_orders_cards_use() {
        let day = HijriDay {
            year: 1405,
            month: 3,
            day: 12,
        };
        for typed in ["1405-03-12", "1405/3/12", "12/03/1405", "١٤٠٥/٠٣/١٢"] {
            assert_eq!(HijriDay::parse(typed), Some(day), "{typed}");
        }
        for bad in [
            "1405-13-01",
            "1405-00-01",
            "1405-01-31",
            "1299-01-01",
            "05-03-12",
            "1405-03",
            "",
        ] {
            assert_eq!(HijriDay::parse(bad), None, "{bad}");
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_hijri_day_becomes_its_gregorian_day() {
        // 1 Ramadan 1447 is 18 February 2026 (Umm al-Qura).
        let ramadan = HijriDay::parse("1447-09-01")
            .unwrap()
            .to_gregorian()
            .unwrap();
        assert_eq!(ramadan.to_string(), "2026-02-18");
        assert_eq!(ramadan.hijri(), "1447-09-01");
        let card = HijriDay::parse("١٤٣١/٠٣/١٨")
            .unwrap()
            .to_gregorian()
            .unwrap();
        assert_eq!(card.to_string(), "2010-03-04");
        // Every day of 1405 round-trips; a 30th the month lacks is refused.
        let mut refused = 0;
        for month in 1..=12 {
            for day in 1..=30 {
                match (HijriDay {
                    year: 1405,
                    month,
                    day,
                })
                .to_gregorian()
                {
                    Some(date) => assert_eq!(date.hijri(), format!("1405-{month:02}-{day:02}")),
                    None => refused += 1,
                }
            }
        }
        assert!((5..=7).contains(&refused), "{refused} months of 29 days");
    }

    #[test]
    fn impossible_days_are_refused() {
        for bad in [
            "2026-02-30",
            "2100-02-29",
            "2026-13-01",
            "2026-00-10",
            "26-01-01",
            "1899-12-31",
            "2026-01-01-01",
            "",
            "abc",
        ] {
            assert_eq!(SaudiDate::parse(bad), None, "{bad}");
        }
        assert!(SaudiDate::parse("2024-02-29").is_some());
    }

    #[test]
    fn midnight_is_saudi_midnight() {
        // 2026-11-28 21:00 UTC is 2026-11-29 00:00 in Riyadh.
        let start = day_start("2026-11-29").unwrap();
        assert_eq!(format_time_of_day(start), "00:00");
        assert_eq!(format_date(start - 1), "2026-11-28");
    }

    #[test]
    fn times_of_day() {
        assert_eq!(parse_time_of_day("16:30"), Some(16 * 3600 + 30 * 60));
        assert_eq!(parse_time_of_day("١٦:٠٠"), Some(16 * 3600));
        assert_eq!(parse_time_of_day("24:00"), None);
        assert_eq!(parse_time_of_day("7"), None);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn hijri_dates_follow_umm_al_qura() {
        // The Hijri new year 1447 fell on 2025-06-26 in Saudi Arabia.
        assert_eq!(format_hijri(1750928400), "1447-01-01");
        assert_eq!(format_hijri(1750842000), "1446-12-29");
        // 2026-11-29 21:30 UTC is already the 30th in Riyadh.
        assert_eq!(format_date(1_795_987_800), "2026-11-30");
    }
}
