//! The widgets' stylesheet. The mount API adopts it as a constructable stylesheet into the root
//! the widget renders in (the element's shadow root, or the document), which a strict
//! `style-src 'self'` Content-Security-Policy allows; where the browser has no constructable
//! stylesheets (or a component is used from Rust without the mount API), the widget renders a
//! `<style>` element instead.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

/// The CSS, one copy for every widget.
pub(crate) const STYLES: &str = include_str!("widgets.css");

/// In context when the widget's root has adopted the stylesheet: the components then render no
/// `<style>` of their own.
#[derive(Debug, Clone, Copy)]
pub struct StylesAdopted;

/// The `<style>` a widget needs unless its root adopted the stylesheet.
pub(crate) fn inline_styles() -> Option<impl IntoView> {
    use_context::<StylesAdopted>().is_none().then(|| view! { <style>{STYLES}</style> })
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = CSSStyleSheet)]
    type Sheet;

    #[wasm_bindgen(constructor, js_class = "CSSStyleSheet", catch)]
    fn new() -> Result<Sheet, JsValue>;

    #[wasm_bindgen(method, js_name = replaceSync, catch)]
    fn replace_sync(this: &Sheet, text: &str) -> Result<(), JsValue>;
}

thread_local! {
    /// One parsed sheet shared by every root that adopts it (`None`: not supported here).
    static SHEET: Option<Sheet> = Sheet::new().ok().filter(|sheet| sheet.replace_sync(STYLES).is_ok());
}

/// Adopts the stylesheet into `element`'s root node (once per root); whether it could.
pub(crate) fn adopt(element: &web_sys::HtmlElement) -> bool {
    SHEET.with(|sheet| {
        let Some(sheet) = sheet else { return false };
        let root: JsValue = element.get_root_node().into();
        let key = JsValue::from_str("adoptedStyleSheets");
        let Ok(current) = js_sys::Reflect::get(&root, &key) else { return false };
        if current.is_undefined() || current.is_null() {
            return false;
        }
        let list = js_sys::Array::from(&current);
        if !list.includes(sheet, 0) {
            list.push(sheet);
            if !js_sys::Reflect::set(&root, &key, &list).unwrap_or(false) {
                return false;
            }
        }
        true
    })
}
