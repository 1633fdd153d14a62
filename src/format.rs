//! Text for numbers, dates and durations: plain functions (tested natively), and [`Locale`],
//! which formats through the browser's `Intl` for a BCP 47 tag and falls back to the plain
//! functions elsewhere.

/// The locale numbers and dates are written in: a BCP 47 tag, or none for the plain formats
/// below (`1,250`, `2026-11-21`).
///
/// ```
/// use progress_widgets::format::Locale;
/// // Natively (and without a tag) the plain formats are used.
/// assert_eq!(Locale::default().number(1250.0), "1,250");
/// assert_eq!(Locale::default().millis_date(0), "1970-01-01");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Locale(pub Option<String>);

impl Locale {
    /// A count, grouped as the locale does.
    pub fn number(&self, value: f64) -> String {
        #[cfg(target_arch = "wasm32")]
        if let Some(tag) = &self.0 {
            if value.is_finite() {
                let rounded = (value * 100.0).round() / 100.0;
                return String::from(js_sys::Number::from(rounded).to_locale_string(tag));
            }
        }
        number(value)
    }

    /// The calendar date of an ISO-8601 timestamp, as the locale writes dates.
    pub fn iso_date(&self, iso: &str) -> String {
        #[cfg(target_arch = "wasm32")]
        if self.0.is_some() {
            let millis = js_sys::Date::parse(iso);
            if millis.is_finite() {
                return self.millis_date(millis as i64);
            }
        }
        iso_date(iso)
    }

    /// The UTC calendar date of a millisecond timestamp, as the locale writes dates.
    pub fn millis_date(&self, millis: i64) -> String {
        #[cfg(target_arch = "wasm32")]
        if let Some(tag) = &self.0 {
            let options = js_sys::Object::new();
            for (key, value) in [("year", "numeric"), ("month", "short"), ("day", "numeric"), ("timeZone", "UTC")] {
                let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
            }
            let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(millis as f64));
            return String::from(date.to_locale_date_string(tag, &options));
        }
        millis_date(millis)
    }
}

/// A count with thousands separators; fractions keep up to two decimals.
///
/// ```
/// use progress_widgets::format::number;
/// assert_eq!(number(1250.0), "1,250");
/// assert_eq!(number(1.5), "1.5");
/// assert_eq!(number(-12345.678), "-12,345.68");
/// ```
pub fn number(value: f64) -> String {
    if !value.is_finite() {
        return "–".into();
    }
    let rounded = (value * 100.0).round() / 100.0;
    let negative = rounded < 0.0;
    let abs = rounded.abs();
    let whole = abs.trunc() as u64;
    let cents = ((abs - abs.trunc()) * 100.0).round() as u64;
    let digits = whole.to_string();
    let mut out = String::with_capacity(digits.len() + 4);
    if negative {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if cents > 0 {
        let fraction = format!("{cents:02}");
        out.push('.');
        out.push_str(fraction.trim_end_matches('0'));
    }
    out
}

/// The calendar date of an ISO-8601 timestamp (`2023-12-27T10:58:40.064Z` → `2023-12-27`), or
/// the text itself if it does not start with a date.
///
/// ```
/// assert_eq!(progress_widgets::format::iso_date("2023-12-27T10:58:40.064Z"), "2023-12-27");
/// assert_eq!(progress_widgets::format::iso_date("soon"), "soon");
/// ```
pub fn iso_date(iso: &str) -> String {
    let date = iso.get(..10).unwrap_or(iso);
    let shape_ok = date.len() == 10
        && date.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if shape_ok { date.to_owned() } else { iso.to_owned() }
}

/// The UTC calendar date of a millisecond timestamp.
///
/// ```
/// assert_eq!(progress_widgets::format::millis_date(1644825600000), "2022-02-14");
/// assert_eq!(progress_widgets::format::millis_date(0), "1970-01-01");
/// ```
pub fn millis_date(millis: i64) -> String {
    // Howard Hinnant's days-to-civil algorithm.
    let days = millis.div_euclid(86_400_000);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// A remaining time, in its two largest units: `6d 23h`, `5h 12m`, `3m`, or `less than a minute`.
///
/// ```
/// use progress_widgets::format::duration;
/// assert_eq!(duration(604_800_000), "7d");
/// assert_eq!(duration(93_784_000), "1d 2h");
/// assert_eq!(duration(30_000), "less than a minute");
/// ```
pub fn duration(millis: i64) -> String {
    let minutes = millis.max(0) / 60_000;
    let (days, hours, mins) = (minutes / 1_440, minutes / 60 % 24, minutes % 60);
    match (days, hours, mins) {
        (0, 0, 0) => "less than a minute".into(),
        (0, 0, m) => format!("{m}m"),
        (0, h, 0) => format!("{h}h"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, 0, _) => format!("{d}d"),
        (d, h, _) => format!("{d}d {h}h"),
    }
}

/// A percentage for display, clamped to 0–100 and rounded.
///
/// ```
/// assert_eq!(progress_widgets::format::percent(0.333), "33%");
/// assert_eq!(progress_widgets::format::percent(1.7), "100%");
/// ```
pub fn percent(fraction: f64) -> String {
    format!("{}%", (fraction.clamp(0.0, 1.0) * 100.0).round() as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_group_thousands_and_trim_fractions() {
        assert_eq!(number(0.0), "0");
        assert_eq!(number(999.0), "999");
        assert_eq!(number(1000.0), "1,000");
        assert_eq!(number(1234567.0), "1,234,567");
        assert_eq!(number(2.50), "2.5");
        assert_eq!(number(0.999), "1");
        assert_eq!(number(f64::NAN), "–");
    }

    #[test]
    fn millisecond_dates_match_known_days() {
        assert_eq!(millis_date(1647417600000), "2022-03-16");
        assert_eq!(millis_date(951782400000), "2000-02-29");
        assert_eq!(millis_date(-86_400_000), "1969-12-31");
    }

    #[test]
    fn durations_never_go_negative() {
        assert_eq!(duration(-5), "less than a minute");
        assert_eq!(duration(3_600_000 * 5 + 60_000 * 12), "5h 12m");
        assert_eq!(duration(180_000), "3m");
    }
}
