//! The period a figure covers, and the buckets its trend is drawn in:
//! Gregorian or Hijri (Umm al-Qura) months or quarters.

use serde::{Deserialize, Serialize};

use crate::error::ErrorKey;
use crate::time::SaudiDate;

/// A period as Unix seconds, `[start, end)`, in Saudi days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub start: i64,
    pub end: i64,
}

const DAY: i64 = 86_400;
/// The longest period a dashboard covers (5 years of months in its chart).
pub const MAX_PERIOD_DAYS: i64 = 5 * 366;

impl Period {
    /// The period of `from`..=`to`; both empty: the last six months up to
    /// today (`today`: a Unix time within it).
    pub fn parse(from: &str, to: &str, today: i64) -> Result<Self, ErrorKey> {
        let today = SaudiDate::of(today);
        let end = match to.trim() {
            "" => today,
            text => SaudiDate::parse(text).ok_or(ErrorKey::ReportPeriod)?,
        };
        let start = match from.trim() {
            "" => month_start(end, -5),
            text => SaudiDate::parse(text).ok_or(ErrorKey::ReportPeriod)?,
        };
        let period = Period {
            start: start.start(),
            end: end.start() + DAY,
        };
        if period.start >= period.end || period.end - period.start > MAX_PERIOD_DAYS * DAY {
            return Err(ErrorKey::ReportPeriod);
        }
        Ok(period)
    }

    /// The period of the same length just before.
    pub fn previous(self) -> Self {
        Period {
            start: 2 * self.start - self.end,
            end: self.start,
        }
    }

    /// `YYYY-MM-DD` of the first day, as `benefits.given_on` stores days.
    pub fn first_day(self) -> String {
        SaudiDate::of(self.start).to_string()
    }

    /// `YYYY-MM-DD` of the day after the last.
    pub fn day_after(self) -> String {
        SaudiDate::of(self.end).to_string()
    }

    /// `YYYY-MM-DD` of the last day (for the form).
    pub fn last_day(self) -> String {
        SaudiDate::of(self.end - DAY).to_string()
    }

    /// The Gregorian months it touches, as `YYYY-MM`, oldest first.
    pub fn months(self) -> Vec<String> {
        let mut out = Vec::new();
        let mut month = month_start(SaudiDate::of(self.start), 0);
        while month.start() < self.end {
            out.push(month_key(month.start()));
            month = month_start(month, 1);
        }
        out
    }
}

/// `YYYY-MM` of the Saudi day a Unix time falls on.
pub fn month_key(unix_seconds: i64) -> String {
    let day = SaudiDate::of(unix_seconds).to_string();
    day[..7].to_string()
}

/// The first day of the month `delta` months from `date`'s.
fn month_start(date: SaudiDate, delta: i64) -> SaudiDate {
    let text = date.to_string();
    let (year, month): (i64, i64) = (
        text[..4].parse().unwrap_or(2000),
        text[5..7].parse().unwrap_or(1),
    );
    let index = year * 12 + (month - 1) + delta;
    let (y, m) = (index.div_euclid(12), index.rem_euclid(12) + 1);
    SaudiDate::parse(&format!("{y:04}-{m:02}-01")).unwrap_or(date)
}

/// What one bar of the trend covers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Grain {
    #[default]
    Month,
    Quarter,
}

/// Which calendar the trend's months and quarters follow. Associations
/// report to ministries by Hijri month as often as by Gregorian.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Calendar {
    #[default]
    Gregorian,
    /// Umm al-Qura, the Hijri calendar of Saudi Arabia.
    Hijri,
}

impl Grain {
    pub fn parse(text: &str) -> Self {
        if text == "quarter" {
            Grain::Quarter
        } else {
            Grain::Month
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Grain::Month => "month",
            Grain::Quarter => "quarter",
        }
    }
}

impl Calendar {
    pub fn parse(text: &str) -> Self {
        if text == "hijri" {
            Calendar::Hijri
        } else {
            Calendar::Gregorian
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Calendar::Gregorian => "gregorian",
            Calendar::Hijri => "hijri",
        }
    }
}

/// The bucket a day falls in: `2020-01` or `2020-Q1`, and in the Hijri
/// calendar `1441-05` or `1441-Q2` (a Hijri quarter is three Hijri months).
pub fn bucket_of(day: SaudiDate, grain: Grain, calendar: Calendar) -> String {
    let date = match calendar {
        Calendar::Gregorian => day.to_string(),
        Calendar::Hijri => day.hijri(),
    };
    let (year, month) = (&date[..4.min(date.len())], date.get(5..7).unwrap_or("01"));
    match grain {
        Grain::Month => format!("{year}-{month}"),
        Grain::Quarter => {
            let quarter = (month.parse::<u32>().unwrap_or(1) - 1) / 3 + 1;
            format!("{year}-Q{quarter}")
        }
    }
}

/// Counts per bucket of the period, zero-filled and oldest first, from
/// (time, count) pairs.
pub fn per_bucket(
    period: Period,
    grain: Grain,
    calendar: Calendar,
    counts: &[(i64, i64)],
) -> Vec<(String, i64)> {
    let mut buckets: Vec<(String, i64)> = Vec::new();
    let mut day = period.start;
    while day < period.end {
        let key = bucket_of(SaudiDate::of(day), grain, calendar);
        if buckets.last().is_none_or(|(last, _)| *last != key) {
            buckets.push((key, 0));
        }
        day += DAY;
    }
    for &(at, n) in counts {
        if at < period.start || at >= period.end {
            continue;
        }
        let key = bucket_of(SaudiDate::of(at), grain, calendar);
        if let Some(slot) = buckets.iter_mut().find(|(b, _)| *b == key) {
            slot.1 += n;
        }
    }
    buckets
}

/// The Hijri months' names, Arabic and English, for the trend's labels.
pub const HIJRI_MONTHS: [(&str, &str); 12] = [
    ("محرم", "Muharram"),
    ("صفر", "Safar"),
    ("ربيع الأول", "Rabi al-Awwal"),
    ("ربيع الآخر", "Rabi al-Thani"),
    ("جمادى الأولى", "Jumada al-Ula"),
    ("جمادى الآخرة", "Jumada al-Akhirah"),
    ("رجب", "Rajab"),
    ("شعبان", "Shaban"),
    ("رمضان", "Ramadan"),
    ("شوال", "Shawwal"),
    ("ذو القعدة", "Dhu al-Qadah"),
    ("ذو الحجة", "Dhu al-Hijjah"),
];

/// A bucket's label for a reader: a Hijri month by its name and year
/// (`رمضان 1447`), anything else as its key.
pub fn bucket_label(key: &str, calendar: Calendar, english: bool) -> String {
    let named = (calendar == Calendar::Hijri && !key.contains('Q'))
        .then(|| key.split_once('-'))
        .flatten()
        .and_then(|(year, month)| {
            let (ar, en) = HIJRI_MONTHS.get(month.parse::<usize>().ok()?.checked_sub(1)?)?;
            Some(format!("{} {year}", if english { en } else { ar }))
        });
    named.unwrap_or_else(|| key.to_string())
}
