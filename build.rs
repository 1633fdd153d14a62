//! Ships the widgets' stylesheet minified: `src/widgets/widgets.css` is written for people (its
//! comments say why each rule is there), and every page would otherwise download those comments
//! inside the wasm. Comments go, whitespace runs become one space, and the spaces next to
//! `{ } ; , >` and after `:` go. Nothing else changes, so the rules mean exactly what the source
//! says (`styles.rs` tests the palette on the source).
//!
//! It also asks the linker for a map of the wasm when `cargo xtask build` names a file for it
//! (`PW_LINK_MAP`): where each constant of the data section starts and ends, which the package
//! build needs to tell the data nothing refers to (`xtask/src/data.rs`). Only this crate's cdylib
//! is linked with it, so nothing else is rebuilt.

use std::path::Path;

fn minify(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut chars = css.chars().peekable();
    let mut quote = None;
    let mut space = false;
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            out.push(c);
            if c == q {
                quote = None;
            }
            continue;
        }
        if c == '/' && chars.peek() == Some(&'*') {
            chars.next();
            let mut last = ' ';
            for c in chars.by_ref() {
                if last == '*' && c == '/' {
                    break;
                }
                last = c;
            }
            space = true;
            continue;
        }
        if c.is_whitespace() {
            space = true;
            continue;
        }
        let tight = |c: char| matches!(c, '{' | '}' | ';' | ',' | '>');
        if space && !out.is_empty() && !tight(c) && !out.ends_with(|p: char| tight(p) || p == ':') {
            out.push(' ');
        }
        space = false;
        if c == '}' && out.ends_with(';') {
            out.pop();
        }
        if c == '"' || c == '\'' {
            quote = Some(c);
        }
        out.push(c);
    }
    out
}

fn main() {
    let source = "src/widgets/widgets.css";
    println!("cargo:rerun-if-changed={source}");
    println!("cargo:rerun-if-changed=build.rs");
    let css = std::fs::read_to_string(source).expect("the stylesheet");
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("widgets.min.css");
    std::fs::write(out, minify(&css)).expect("write the minified stylesheet");
    println!("cargo:rerun-if-env-changed=PW_LINK_MAP");
    if let Ok(map) = std::env::var("PW_LINK_MAP") {
        if std::env::var("TARGET").is_ok_and(|t| t.starts_with("wasm32")) {
            println!("cargo:rustc-cdylib-link-arg=--Map={map}");
        }
    }
}
