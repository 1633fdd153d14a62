//! Text for numbers, dates and durations: plain functions (tested natively), and [`Locale`],
//! which formats through the browser's `Intl` for a BCP 47 tag and falls back to the plain
//! functions elsewhere.

/// The locale numbers and dates are written in: a BCP 47 tag, or none for the plain formats
/// below (`1,250`, `2026-11-21`).
///
/// Every call into `Intl` is made so that a JavaScript exception comes back as an error (and the
/// plain format is used), never as an abort of the whole wasm instance, which would stop every
/// widget on the page.
///
/// ```
/// use progress_widgets::format::Locale;
/// // Natively (and without a tag) the plain formats are used.
/// assert_eq!(Locale::default().number(1250.0), "1,250");
/// assert_eq!(Locale::default().millis_date(0).as_deref(), Some("1970-01-01"));
/// assert_eq!(Locale::default().iso_date("not a date"), None);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Locale(pub Option<String>);

#[cfg(target_arch = "wasm32")]
pub(crate) mod intl {
    use wasm_bindgen::prelude::*;

    // JavaScript (`js/browser.js`), not `Reflect` calls from Rust: building `Intl`'s option
    // objects and caching its formatters take a few lines there and about 2 KB of wasm the other
    // way. Each function catches what `Intl` throws and returns `undefined` (`None`) instead.
    #[wasm_bindgen(module = "/js/browser.js")]
    extern "C" {
        /// `value` through the cached `Intl.NumberFormat(tag)`, or (`date`) the cached
        /// `Intl.DateTimeFormat(tag)` of UTC calendar dates (`value` in milliseconds).
        #[wasm_bindgen(js_name = intlFormat)]
        pub fn format_with(date: bool, tag: &str, value: f64) -> Option<String>;

        /// A span through `Intl.DurationFormat` (narrow; `parts` are amount and unit index
        /// pairs); `None` where the browser has none (Chrome before 129, Firefox before 136: they
        /// get the plain `1d 2h`).
        #[wasm_bindgen(js_name = intlSpan)]
        pub fn span(tag: &str, parts: &[f64]) -> Option<String>;

        /// Whether the cached `Intl.PluralRules(tag)` put `count` in the `one` category (where
        /// `Intl` throws, whether it is 1).
        #[wasm_bindgen(js_name = intlPluralIsOne)]
        pub fn plural_is_one(tag: &str, count: f64) -> bool;

        /// Whether `Intl.getCanonicalLocales` accepts `tag`.
        #[wasm_bindgen(js_name = intlAccepts)]
        pub fn accepts(tag: &str) -> bool;
    }
}

/// Whether `Intl` accepts `tag` (in a browser); natively, whether it looks like a BCP 47 tag.
///
/// ```
/// assert!(progress_widgets::format::is_valid_locale("de-DE"));
/// assert!(!progress_widgets::format::is_valid_locale("en-"));
/// ```
pub fn is_valid_locale(tag: &str) -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        intl::accepts(tag)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let mut parts = tag.split('-');
        let language = parts.next().unwrap_or_default();
        (2..=8).contains(&language.len())
            && language.bytes().all(|b| b.is_ascii_alphabetic())
            && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
    }
}

impl Locale {
    /// The locale for `tag`, or the default one when `Intl` rejects it (a bad page `lang` must
    /// not break a widget).
    ///
    /// ```
    /// use progress_widgets::format::Locale;
    /// assert_eq!(Locale::new(Some("x".into())), Locale(None));
    /// assert_eq!(Locale::new(Some("fr".into())), Locale(Some("fr".into())));
    /// ```
    pub fn new(tag: Option<String>) -> Self {
        Locale(tag.filter(|t| is_valid_locale(t)))
    }


    /// A count, grouped as the locale does, with at most two decimals.
    pub fn number(&self, value: f64) -> String {
        #[cfg(target_arch = "wasm32")]
        if let (Some(tag), true) = (&self.0, value.is_finite()) {
            if let Some(text) = intl::format_with(false, tag, round_cents(value)) {
                return text;
            }
        }
        number(value)
    }

    /// The calendar date of an ISO-8601 timestamp, as the locale writes dates; `None` when it
    /// is not a date.
    pub fn iso_date(&self, iso: &str) -> Option<String> {
        let date = iso_date(iso)?;
        #[cfg(target_arch = "wasm32")]
        if self.0.is_some() {
            let millis = js_sys::Date::parse(iso);
            if millis.is_finite() {
                return self.millis_date(millis as i64);
            }
        }
        Some(date)
    }

    /// The UTC calendar date of a millisecond timestamp, as the locale writes dates; `None`
    /// outside the range dates can have.
    pub fn millis_date(&self, millis: i64) -> Option<String> {
        if millis.unsigned_abs() > MAX_DATE_MILLIS {
            return None;
        }
        #[cfg(target_arch = "wasm32")]
        if let Some(tag) = &self.0 {
            if let Some(text) = intl::format_with(true, tag, millis as f64) {
                return Some(text);
            }
        }
        Some(millis_date(millis))
    }
}

impl Locale {
    /// A time span as the locale writes it: `Intl.DurationFormat` (narrow) where the browser has
    /// it, else [`span_text`].
    pub fn span(&self, parts: &[(i64, usize)]) -> String {
        #[cfg(target_arch = "wasm32")]
        if let Some(tag) = &self.0 {
            let mut pairs = Vec::with_capacity(parts.len() * 2);
            for &(amount, unit) in parts {
                pairs.push(amount as f64);
                pairs.push(unit as f64);
            }
            if let Some(text) = intl::span(tag, &pairs) {
                return text;
            }
        }
        span_text(parts)
    }
}

/// A number as JavaScript's `String(n)` writes it. In the browser JavaScript does the writing:
/// Rust's float formatting would add kilobytes to the wasm for a few rare cases.
///
/// ```
/// assert_eq!(progress_widgets::format::js_number_text(1.5), "1.5");
/// ```
pub fn js_number_text(value: f64) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        String::from(js_sys::Number::from(value).to_string_with_radix(10).unwrap_or_else(|_| "NaN".into()))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        value.to_string()
    }
}

/// `text` with its first letter upper-case and the rest lower-case, by Unicode's rules. In the
/// browser JavaScript applies them: Rust's case tables would add about 25 KB to the wasm.
///
/// ```
/// assert_eq!(progress_widgets::format::capitalize("ÄRGER"), "Ärger");
/// ```
pub fn capitalize(text: &str) -> String {
    if text.is_ascii() {
        let mut capitalized = text.to_ascii_lowercase();
        if let Some(first) = capitalized.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        return capitalized;
    }
    let mut chars = text.chars();
    let Some(first) = chars.next() else { return String::new() };
    #[cfg(target_arch = "wasm32")]
    {
        let first = js_sys::JsString::from(first.encode_utf8(&mut [0; 4]) as &str).to_upper_case();
        String::from(first) + &String::from(js_sys::JsString::from(chars.as_str()).to_lower_case())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        first.to_uppercase().chain(chars.flat_map(char::to_lowercase)).collect()
    }
}

/// The message of a JavaScript exception (an `Error`'s `message`, or the thrown string).
pub(crate) fn js_error_text(error: &wasm_bindgen::JsValue) -> String {
    use wasm_bindgen::JsCast;
    match error.dyn_ref::<js_sys::Error>() {
        Some(error) => error.message().into(),
        None => error.as_string().unwrap_or_else(|| "unknown error".to_owned()),
    }
}

/// The largest distance from the epoch a JavaScript date can have (±100,000,000 days).
const MAX_DATE_MILLIS: u64 = 8_640_000_000_000_000;

/// `value` rounded to cents, unless so large that it has none (where ×100 would overflow).
fn round_cents(value: f64) -> f64 {
    if value.abs() < 1e15 { (value * 100.0).round() / 100.0 } else { value }
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
    let rounded = round_cents(value);
    let negative = rounded < 0.0;
    let abs = rounded.abs();
    if abs >= 1e19 {
        // Past u64: whole digits only, ungrouped; counts this large are a fault upstream anyway.
        // In the browser JavaScript writes it (Rust's float formatting would cost the wasm bytes).
        #[cfg(target_arch = "wasm32")]
        return js_number_text(rounded);
        #[cfg(not(target_arch = "wasm32"))]
        return format!("{rounded:.0}");
    }
    let whole = abs.trunc() as u64;
    let cents = ((abs - abs.trunc()) * 100.0).round() as u64;
    // Below 1e19 but possibly above i64: split off the top digits rather than format a u64.
    let digits = match i64::try_from(whole) {
        Ok(whole) => int(whole, 1),
        Err(_) => int((whole / 1_000_000_000) as i64, 1) + &int((whole % 1_000_000_000) as i64, 9),
    };
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
        let fraction = int(cents as i64, 2);
        out.push('.');
        out.push_str(fraction.trim_end_matches('0'));
    }
    out
}

/// The calendar date of an ISO-8601 timestamp (`2023-12-27T10:58:40.064Z` → `2023-12-27`), or
/// `None` if it does not start with a real date.
///
/// ```
/// use progress_widgets::format::iso_date;
/// assert_eq!(iso_date("2023-12-27T10:58:40.064Z").as_deref(), Some("2023-12-27"));
/// assert_eq!(iso_date("soon"), None);
/// assert_eq!(iso_date("2023-13-45"), None);
/// ```
pub fn iso_date(iso: &str) -> Option<String> {
    let date = iso.get(..10)?;
    let b = date.as_bytes();
    // `YYYY-MM-DD`, checked and read digit by digit: `str::parse` is generic number parsing in the
    // wasm for two two-digit numbers.
    for (i, &c) in b.iter().enumerate() {
        if !(if i == 4 || i == 7 { c == b'-' } else { c.is_ascii_digit() }) {
            return None;
        }
    }
    let two = |i: usize| (b[i] - b'0') * 10 + (b[i + 1] - b'0');
    let (month, day) = (two(5), two(8));
    ((1..=12).contains(&month) && (1..=31).contains(&day) && date >= "0001").then(|| date.to_owned())
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
    int(year, 4) + "-" + &int(month, 2) + "-" + &int(day, 2)
}

/// An integer in decimal, at least `width` digits (zero-padded): `int(7, 2)` is `07`.
///
/// Every integer the widgets write goes through here: Rust's own integer formatting is one copy
/// of `core::fmt` machinery per integer type in the wasm.
///
/// ```
/// use progress_widgets::format::int;
/// assert_eq!(int(0, 1), "0");
/// assert_eq!(int(7, 2), "07");
/// assert_eq!(int(-1250, 1), "-1250");
/// assert_eq!(int(i64::MIN, 1), "-9223372036854775808");
/// ```
pub fn int(value: i64, width: usize) -> String {
    let mut digits = Vec::with_capacity(20);
    let mut rest = value.unsigned_abs();
    while rest > 0 || digits.len() < width.max(1) {
        digits.push(char::from(b'0' + (rest % 10) as u8));
        rest /= 10;
    }
    if value < 0 {
        digits.push('-');
    }
    // Chars, not bytes checked by `String::from_utf8`: its UTF-8 validator is 0.7 KB of wasm. A
    // loop, not `rev().collect()`: iterator adapters are code of their own.
    let mut text = String::with_capacity(digits.len());
    for &digit in digits.iter().rev() {
        text.push(digit);
    }
    text
}

/// The units of a time left, largest first, as `Intl.DurationFormat` names them.
pub const UNITS: [&str; 4] = ["days", "hours", "minutes", "seconds"];

/// What a countdown shows `left_ms` before its end, and in how many milliseconds that next
/// changes: the two largest units that are not zero, as `(amount, index in UNITS)`, in whole
/// minutes while an hour or more is left, then in seconds (rounded up); nothing (and no next
/// change) at the end.
///
/// ```
/// use progress_widgets::format::countdown;
/// assert_eq!(countdown(93_784_000), (vec![(1, 0), (2, 1)], Some(4_000))); // 1 day 2 hours
/// assert_eq!(countdown(604_800_000).0, [(7, 0)]);
/// assert_eq!(countdown(125_500), (vec![(2, 2), (6, 3)], Some(500))); // 2 min 6 s
/// assert_eq!(countdown(0), (vec![], None));
/// ```
pub fn countdown(left_ms: i64) -> (Vec<(i64, usize)>, Option<i64>) {
    if left_ms <= 0 {
        return (Vec::new(), None);
    }
    let (amounts, first, tick) = if left_ms >= 3_600_000 {
        let minutes = left_ms / 60_000;
        ([minutes / 1_440, minutes / 60 % 24, minutes % 60], 0, 60_000)
    } else {
        let seconds = (left_ms + 999) / 1000;
        ([seconds / 60, seconds % 60, 0], 2, 1000)
    };
    // The largest unit that is not zero, and the one after it unless that is zero.
    // Loops, not an iterator chain: each adapter of a chain is code of its own in the wasm.
    let start = amounts.iter().position(|a| *a > 0).unwrap_or(1);
    let mut parts = Vec::new();
    for i in start..amounts.len().min(start + 2) {
        if amounts[i] > 0 {
            parts.push((amounts[i], first + i));
        }
    }
    let next = match left_ms % tick {
        0 => tick,
        rest => rest,
    };
    (parts, Some(next))
}

/// A time span as plain text: `1d 2h`, `33m 5s`.
///
/// ```
/// assert_eq!(progress_widgets::format::span_text(&[(1, 0), (2, 1)]), "1d 2h");
/// ```
pub fn span_text(parts: &[(i64, usize)]) -> String {
    let mut text = String::new();
    for (i, &(amount, unit)) in parts.iter().enumerate() {
        push_part(&mut text, i == 0, " ", &(int(amount, 1) + ["d", "h", "m", "s"][unit]));
    }
    text
}

/// The parts with `separator` between them: `[a, b].join(sep)` without collecting first, and
/// without std's generic `join`, which is 1 KB of wasm for two callers.
///
/// ```
/// use progress_widgets::format::join;
/// assert_eq!(join(["a".to_owned(), "b".to_owned()], "; "), "a; b");
/// assert_eq!(join(Vec::new(), "; "), "");
/// ```
pub fn join(parts: impl IntoIterator<Item = String>, separator: &str) -> String {
    let mut out = String::new();
    for (i, part) in parts.into_iter().enumerate() {
        push_part(&mut out, i == 0, separator, &part);
    }
    out
}

/// One step of [`join`]: `part` appended to `out`, after `separator` unless it is the `first`.
/// Callers that make their parts in a loop of their own use this rather than `join` over an
/// iterator adapter (a copy of `join` and of the adapter per caller in the wasm).
pub(crate) fn push_part(out: &mut String, first: bool, separator: &str, part: &str) {
    if !first {
        out.push_str(separator);
    }
    out.push_str(part);
}

/// The instant an ISO-8601 timestamp names, in ms since the epoch (the browser parses it; natively
/// there is no parser and the answer is `None`).
pub fn iso_millis(iso: &str) -> Option<i64> {
    #[cfg(target_arch = "wasm32")]
    {
        let millis = js_sys::Date::parse(iso);
        millis.is_finite().then_some(millis as i64)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = iso;
        None
    }
}

/// An instant as ISO-8601 (`2026-12-15T00:00:00.000Z`), for `<time datetime>`.
///
/// ```
/// assert_eq!(progress_widgets::format::millis_iso(1_765_757_045_006), "2025-12-15T00:04:05.006Z");
/// ```
pub fn millis_iso(millis: i64) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(millis as f64)).to_iso_string().into()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let of_day = millis.rem_euclid(86_400_000);
        let (h, m, s, ms) = (of_day / 3_600_000, of_day / 60_000 % 60, of_day / 1000 % 60, of_day % 1000);
        format!("{}T{h:02}:{m:02}:{s:02}.{ms:03}Z", millis_date(millis))
    }
}

/// A percentage for display, clamped to 0–100 and rounded.
///
/// ```
/// assert_eq!(progress_widgets::format::percent(0.333), "33%");
/// assert_eq!(progress_widgets::format::percent(1.7), "100%");
/// ```
pub fn percent(fraction: f64) -> String {
    int(percent_value(fraction).into(), 1) + "%"
}

/// A fraction as a whole percentage, clamped to 0–100 (for `aria-valuenow`). An integer: a float
/// written by Rust would compile its float formatting into the wasm.
///
/// ```
/// assert_eq!(progress_widgets::format::percent_value(0.666), 67);
/// assert_eq!(progress_widgets::format::percent_value(f64::NAN), 0);
/// ```
pub fn percent_value(fraction: f64) -> u8 {
    (fraction.clamp(0.0, 1.0) * 100.0).round() as u8
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
        // Near the top of f64: no ×100 overflow to infinity, no cap at u64::MAX.
        let huge = number(1.7e308);
        assert!(huge.len() == 309 && huge.bytes().all(|b| b.is_ascii_digit()), "{huge}");
        assert_eq!(number(1e19), "10000000000000000000");
        assert_eq!(number(2.5e18), "2,500,000,000,000,000,000");
        // Between i64::MAX and 1e19: the digits are written in two parts.
        assert_eq!(number(9.5e18), "9,500,000,000,000,000,000");
        assert_eq!(number(-9.3e18), "-9,300,000,000,000,000,000");
    }

    #[test]
    fn dates_that_do_not_parse_show_nothing() {
        let plain = Locale::default();
        assert_eq!(plain.iso_date("Invalid"), None);
        assert_eq!(plain.iso_date("1"), None);
        assert_eq!(plain.millis_date(i64::MAX), None);
        assert_eq!(plain.millis_date(8_640_000_000_000_000).as_deref(), Some("275760-09-13"));
    }

    #[test]
    fn millisecond_dates_match_known_days() {
        assert_eq!(millis_date(1647417600000), "2022-03-16");
        assert_eq!(millis_date(951782400000), "2000-02-29");
        assert_eq!(millis_date(-86_400_000), "1969-12-31");
    }

    #[test]
    fn countdowns_drop_zero_units_and_never_go_negative() {
        assert_eq!(countdown(-5), (vec![], None));
        assert_eq!(span_text(&countdown(3_600_000 * 5 + 60_000 * 12).0), "5h 12m");
        assert_eq!(span_text(&countdown(86_400_000 + 60_000 * 12).0), "1d");
        assert_eq!(span_text(&countdown(180_000).0), "3m");
        assert_eq!(span_text(&countdown(59_001).0), "1m");
        assert_eq!(span_text(&countdown(4_000).0), "4s");
    }
}
