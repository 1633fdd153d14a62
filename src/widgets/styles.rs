//! The widgets' stylesheet. The mount API adopts it as a constructable stylesheet into the root
//! the widget renders in (the element's shadow root, or the document), which a strict
//! `style-src 'self'` Content-Security-Policy allows; where the browser has no constructable
//! stylesheets (or a component is used from Rust without the mount API), the widget renders a
//! `<style>` element instead.

use std::cell::Cell;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

/// The CSS, one copy for every widget: `widgets.css` minified by `build.rs` (no comments, no
/// spare whitespace).
pub(crate) const STYLES: &str = include_str!(concat!(env!("OUT_DIR"), "/widgets.min.css"));

thread_local! {
    /// Whether the root of the widget being built has adopted the stylesheet
    /// ([`with_styles_adopted`]).
    static ADOPTED: Cell<bool> = const { Cell::new(false) };
}

/// Builds a widget's view (`build`) for a root that has, or has not, adopted the stylesheet: the
/// widget's components then render no `<style>` of their own, or do. A widget asks once, while
/// its view is built (synchronously, inside `build`), so a flag for that span is enough: a Leptos
/// context for it kept a type-keyed map and its hashing code in the wasm (about 1 KB brotli, with
/// the labels' context).
pub(crate) fn with_styles_adopted<T>(adopted: bool, build: impl FnOnce() -> T) -> T {
    let before = ADOPTED.replace(adopted);
    let built = build();
    ADOPTED.set(before);
    built
}

/// The `<style>` a widget needs unless its root adopted the stylesheet; called while the widget's
/// view is built.
pub(crate) fn inline_styles() -> Option<impl IntoView> {
    (!ADOPTED.get()).then(|| view! { <style>{STYLES}</style> })
}

// JavaScript (`js/browser.js`), not web-sys calls from Rust: a constructable stylesheet and a
// root's `adoptedStyleSheets` are a few lines there.
#[wasm_bindgen(module = "/js/browser.js")]
extern "C" {
    /// Adopts `css` (parsed once) into `element`'s root node, once per root; whether it could.
    #[wasm_bindgen(js_name = adopt)]
    fn adopt_into_root(element: &web_sys::HtmlElement, css: &str) -> bool;
}

/// Adopts the stylesheet into `element`'s root node (once per root); whether it could.
pub(crate) fn adopt(element: &web_sys::HtmlElement) -> bool {
    adopt_into_root(element, STYLES)
}

#[cfg(test)]
mod tests {
    use super::STYLES as MINIFIED;

    /// The palette is read from the stylesheet as written.
    const STYLES: &str = include_str!("widgets.css");

    #[test]
    fn the_shipped_stylesheet_is_the_source_minified() {
        assert!(MINIFIED.len() < STYLES.len() * 4 / 5, "{} of {} bytes", MINIFIED.len(), STYLES.len());
        assert!(!MINIFIED.contains("/*") && !MINIFIED.contains("  ") && !MINIFIED.contains('\n'));
        // Every rule is still there, and every declaration.
        assert_eq!(MINIFIED.matches('{').count(), STYLES.matches('{').count());
        assert_eq!(MINIFIED.matches(':').count(), STYLES.matches(':').count() - comment_colons());
        for piece in [".pw-card:not(.pw-owned) .pw-card-img{", "[data-theme=\"dark\"]>.pw{color-scheme:dark}", "content:\"\""] {
            assert!(MINIFIED.contains(piece), "{piece}");
        }
    }

    /// Colons inside the source's comments.
    fn comment_colons() -> usize {
        STYLES.split("/*").skip(1).map(|c| c.split("*/").next().unwrap_or_default().matches(':').count()).sum()
    }

    /// The default light and dark value of a `--_name: var(--pw-name, light-dark(#l, #d))` colour.
    fn palette(name: &str) -> [&'static str; 2] {
        let start = STYLES.find(&format!("--_{name}: var(--pw-{name}, light-dark(")).unwrap_or_else(|| panic!("--_{name} is not in the palette"));
        let rest = &STYLES[start..];
        let inner = &rest[rest.find("light-dark(").unwrap() + 11..rest.find("))").unwrap()];
        let (light, dark) = inner.split_once(',').unwrap();
        [light.trim(), dark.trim()]
    }

    /// WCAG 2 relative luminance of `#rrggbb`.
    fn luminance(hex: &str) -> f64 {
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&hex[1 + 2 * i..3 + 2 * i], 16).unwrap()) / 255.0;
            if c <= 0.03928 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2)
    }

    fn contrast(a: &str, b: &str) -> f64 {
        let (x, y) = (luminance(a), luminance(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    #[test]
    fn every_text_colour_meets_four_and_a_half_to_one_in_both_schemes() {
        let mut failures = Vec::new();
        for (scheme, name) in ["light", "dark"].into_iter().enumerate() {
            let mut check = |front: &str, back: &str, least: f64| {
                let ratio = contrast(palette(front)[scheme], palette(back)[scheme]);
                if ratio < least {
                    failures.push(format!("{front} on {back} ({name}): {ratio:.2}, needs {least}"));
                }
            };
            // Text on the widget's two grounds.
            for text in ["text", "muted", "accent", "success", "danger", "premium", "rare", "epic", "legendary"] {
                check(text, "background", 4.5);
                check(text, "surface", 4.5);
            }
            // Text on a filled badge or button.
            check("accent-text", "accent", 4.5);
            check("premium-text", "premium", 4.5);
            // The bar's fill is a UI part: 3:1 against the track it fills.
            check("accent", "surface", 3.0);
            check("accent", "background", 3.0);
        }
        assert!(failures.is_empty(), "{failures:#?}");
    }
}
