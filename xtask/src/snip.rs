//! Rust's panic machinery, cut out of the package's wasm: what `-Cpanic=immediate-abort` would do
//! if this toolchain could rebuild std with it (it cannot: that needs `rust-src`).
//!
//! With `panic = "abort"`, a panic still calls std's panic handler, which formats the message for
//! the panic hook and then traps. On `wasm32-unknown-unknown` the default hook writes to a stderr
//! that discards everything, and nothing in the package sets another hook, so the message is
//! formatted for nobody: all a page ever sees is the trap (`RuntimeError: unreachable`). Replacing
//! the body of every panic entry point with `unreachable` keeps exactly that and lets wasm-opt
//! drop the handler, the hook and the payload code behind them (−2.3 KB brotli). This is
//! rustwasm's `wasm-snip --snip-rust-panicking-code`, done on the names wasm-bindgen keeps.
//!
//! The same is done to code the widgets link but never run: code only the function table still
//! reaches ([`snip_unreached`]: wasm-streams, −2.9 KB brotli), and code a dependency calls only
//! with a Cargo feature the package leaves off ([`snip_feature_gated`]: tachys's delegated event
//! listeners, −1.3 KB), and Rust's text formatting, which the widgets never use ([`snip_formatting`]:
//! −2.5 KB brotli of wasm and −0.2 KB of JavaScript glue, `JsValue`'s `Debug` import).

use crate::setup::Result;

/// The panic entry points, by name with the crate hashes taken out
/// (`core[c5930c85a12de822]::panicking::panic_fmt` is `core::panicking::panic_fmt`). A name also
/// covers what is inside it (`core::panicking` covers `core::panicking::panic_fmt`, and
/// `std::panicking::begin_panic` its closures). Every one of them diverges (`-> !`).
const PANIC_ENTRY_POINTS: &[&str] = &[
    "core::panicking",
    "std::panicking::begin_panic",
    "std::panicking::panic_handler",
    "std::panicking::panic_with_hook",
    "std::panicking::rust_panic",
    "std::panicking::rust_panic_with_hook",
    "core::result::unwrap_failed",
    "core::option::unwrap_failed",
    "core::option::expect_failed",
    "core::slice::index::slice_index_fail",
    "core::slice::index::slice_start_index_len_fail",
    "core::slice::index::slice_end_index_len_fail",
    "core::slice::index::slice_index_order_fail",
    "core::slice::copy_from_slice_impl::len_mismatch_fail",
    "core::str::slice_error_fail",
    "core::cell::panic_already_borrowed",
    "core::cell::panic_already_mutably_borrowed",
    "core::cell::lazy::panic_poisoned",
    "core::slice::sort::shared::smallsort::panic_on_ord_violation",
    "alloc::raw_vec::capacity_overflow",
    "alloc::raw_vec::handle_error",
    "alloc::alloc::handle_alloc_error",
    "std::alloc::rust_oom",
    "std::thread::local::panic_access_error",
];

/// The one entry point every panic goes through: if it is not found, nothing was snipped that
/// matters (the name section is gone, or std renamed it).
const PANIC_FMT: &str = "core::panicking::panic_fmt";

/// What [`snip_panics`] did.
#[derive(Debug, PartialEq)]
pub struct Snipped {
    /// The functions whose bodies are now `unreachable`, by name (hashes taken out).
    pub functions: Vec<String>,
}

impl Snipped {
    /// Whether `core::panicking::panic_fmt` was among them.
    pub fn found_panic_fmt(&self) -> bool {
        self.functions.iter().any(|f| f == PANIC_FMT)
    }
}

/// Returns `wasm` with the body of every [`PANIC_ENTRY_POINTS`] function replaced by
/// `unreachable`, and which were. Every other function body and every other section is kept byte
/// for byte. A named function that
/// returns a value cannot be a diverging panic function: that is an error, not a snip.
///
/// ```ignore
/// let (snipped, report) = snip_panics(&std::fs::read("pkg/progress_widgets_bg.wasm")?)?;
/// ```
pub fn snip_panics(wasm: &[u8]) -> Result<(Vec<u8>, Snipped)> {
    let module = Module::read(wasm)?;
    let (out, functions) = replace_bodies(wasm, &module, |i, name| {
        if !is_panic_entry_point(name) {
            return Ok(false);
        }
        let ty = module.function_types.get(i).and_then(|t| module.result_counts.get(*t as usize));
        if ty != Some(&0) {
            return Err(format!("{name} returns a value: it is not a panic entry point, and is left alone by no rule here"));
        }
        Ok(true)
    })?;
    Ok((out, Snipped { functions }))
}

/// Crates linked into the package whose code the widgets never run, by name as it appears in
/// function names. wasm-streams comes with Leptos's server functions, which the widgets never
/// call: what reached it directly (its `IntoUnderlying*` exports) is gone, but its trait objects'
/// vtables stay in the data segment, and through them the function table keeps its code, and the
/// futures and JavaScript-stream code behind it, in the wasm: wasm-opt cannot see that nothing
/// ever makes one of those objects.
pub const UNREACHED_CRATES: &[&str] = &["wasm_streams"];

/// Functions a dependency links whatever its configuration but calls only with one of its Cargo
/// features on, as (function name without hashes, crate, feature). tachys's `On::attach` hands
/// its listener to a non-generic helper that picks a delegated listener when given a delegation
/// key: only the `delegation` feature ever gives one, but the helper, and with it the delegated
/// listener's document-wide handler and its set of event names, stays linked (−1.3 KB brotli).
pub const FEATURE_GATED: &[(&str, &str, &str)] =
    &[("<tachys::renderer::dom::Dom>::add_event_listener_delegated", "tachys", "delegation")];

/// Returns `wasm` with the body of every [`FEATURE_GATED`] function whose feature is off, and of
/// every function whose name mentions it (its closures, and their drop glue and vtable shims,
/// which only it can make), replaced by `unreachable`, and their names. `enabled(crate, feature)`
/// says whether the package's wasm build turns the feature on; a function whose feature is on, or
/// cannot be told, is left alone.
///
/// ```ignore
/// let (snipped, names) = snip_feature_gated(&wasm, |krate, feature| features_of(krate).contains(feature))?;
/// ```
pub fn snip_feature_gated(wasm: &[u8], enabled: impl Fn(&str, &str) -> bool) -> Result<(Vec<u8>, Vec<String>)> {
    let module = Module::read(wasm)?;
    replace_bodies(wasm, &module, |_, name| {
        Ok(FEATURE_GATED.iter().any(|(function, krate, feature)| mentions(name, function) && !enabled(krate, feature)))
    })
}

/// The crate whose code would make wasm-streams objects: while none of its code is in the wasm,
/// nothing can.
const STREAM_MAKER: &str = "server_fn::";

/// What [`snip_unreached`] did.
#[derive(Debug, PartialEq)]
pub enum Unreached {
    /// These functions' bodies are now `unreachable` (names with the hashes taken out).
    Snipped(Vec<String>),
    /// Nothing was changed, for this reason.
    Kept(String),
}

/// Returns `wasm` with the body of every function that handles an [`UNREACHED_CRATES`] value
/// (its name mentions the crate: its own functions, and generic code instantiated with its types)
/// replaced by `unreachable`, which is valid whatever the function returns. `wat` is the module
/// as text (binaryen's `wasm-dis`), read for its direct calls. Nothing is changed, and the reason
/// returned, unless both of these hold: no code of [`STREAM_MAKER`] is left, and no function
/// outside the snipped ones calls one of them directly, so that the function table is their only
/// way in.
///
/// ```ignore
/// let (snipped, report) = snip_unreached(&wasm, &wat)?;
/// ```
pub fn snip_unreached(wasm: &[u8], wat: &str) -> Result<(Vec<u8>, Unreached)> {
    let module = Module::read(wasm)?;
    let unreached = |name: &str| UNREACHED_CRATES.iter().any(|c| name.contains(&format!("{c}::")));
    if let Some(maker) = module.names.values().map(|n| without_hashes(n)).find(|n| n.contains(STREAM_MAKER)) {
        return Ok((wasm.to_vec(), Unreached::Kept(format!("the wasm holds code that can make streams: {maker}"))));
    }
    if let Some(why) = text_form_mismatch(&module, wat) {
        return Ok((wasm.to_vec(), Unreached::Kept(why)));
    }
    if let Some((caller, callee)) = direct_calls(wat).find(|(caller, callee)| unreached(callee) && !unreached(caller)) {
        return Ok((wasm.to_vec(), Unreached::Kept(format!("{caller} calls {callee}"))));
    }
    let (out, functions) = replace_bodies(wasm, &module, |_, name| Ok(unreached(name)))?;
    Ok((out, Unreached::Snipped(functions)))
}

/// Whether a function is part of Rust's text formatting (`core::fmt`): `core::fmt`'s and
/// `alloc::fmt`'s own functions and methods, a method of an impl of one of `core::fmt`'s traits
/// (`Debug`, `Display`, `Write`, …) or of panic payloads, and the `to_string`s that build a
/// `Formatter` inline (`ToString`'s, and std's `SpecToString` behind it when it is not inlined).
/// `<str as ToString>` is only a copy and is not one of them. A name that merely mentions a
/// `core::fmt` type among its generic arguments is not formatting: such code may be reached
/// through a vtable by anything.
fn is_formatting(name: &str) -> bool {
    const TRAITS: [&str; 12] = [
        " as core::fmt::Debug>::",
        " as core::fmt::Display>::",
        " as core::fmt::Write>::",
        " as core::fmt::LowerHex>::",
        " as core::fmt::UpperHex>::",
        " as core::fmt::Octal>::",
        " as core::fmt::Binary>::",
        " as core::fmt::LowerExp>::",
        " as core::fmt::UpperExp>::",
        " as core::fmt::Pointer>::",
        " as core::panic::PanicPayload>::",
        " as alloc::string::SpecToString>::",
    ];
    ["core::fmt::", "<core::fmt::", "alloc::fmt::", "<alloc::fmt::"].iter().any(|own| name.starts_with(own))
        || TRAITS.iter().any(|method| name.contains(method))
        || (name.contains(" as alloc::string::ToString>::to_string") && !name.starts_with("<str as "))
}

/// Returns `wasm` with the body of every formatting function ([`is_formatting`]) replaced by
/// `unreachable`, or unchanged and the reason. The widgets write every text with `push_str`,
/// their labels and the browser's `Intl`, never with `core::fmt`; what keeps its ~2 KB brotli in
/// the wasm is the vtables of panic messages and error types, which put `Debug`/`Display` impls
/// in the function table. A formatting function can only run with a `Formatter`, and only
/// formatting code makes one (`core::fmt::write`, `format!`, `to_string`): if no function outside
/// them calls one of them directly, the function table is their only way in, and only their own
/// code ever holds a `Formatter` to call them with. Checked on binaryen's text form (`wat`) as the
/// wasm is before any snip, leaving out the calls made by functions already snipped (`snipped`,
/// names without hashes: the panic entry points format their message); one direct call from
/// elsewhere (a `format!` or `to_string()` added to the widgets, say) keeps everything and says
/// where.
///
/// ```ignore
/// let (snipped, report) = snip_formatting(&wasm, &wat, &panics.functions)?;
/// ```
pub fn snip_formatting(wasm: &[u8], wat: &str, snipped: &[String]) -> Result<(Vec<u8>, Unreached)> {
    let module = Module::read(wasm)?;
    if let Some(why) = text_form_mismatch(&module, wat) {
        return Ok((wasm.to_vec(), Unreached::Kept(why)));
    }
    let outside = |caller: &String| !is_formatting(caller) && !snipped.contains(caller);
    if let Some((caller, callee)) = direct_calls(wat).find(|(caller, callee)| is_formatting(callee) && outside(caller)) {
        return Ok((wasm.to_vec(), Unreached::Kept(format!("{caller} calls {callee}"))));
    }
    let (out, functions) = replace_bodies(wasm, &module, |_, name| Ok(is_formatting(name)))?;
    Ok((out, Unreached::Snipped(functions)))
}

/// Why binaryen's text form cannot be trusted for `module`'s direct calls, if it cannot: a text
/// form this reading does not understand must not pass for one without calls.
fn text_form_mismatch(module: &Module, wat: &str) -> Option<String> {
    let functions_in_text = wat.lines().filter(|line| line.trim_start().starts_with("(func $")).count();
    (functions_in_text != module.bodies.len())
        .then(|| format!("binaryen's text form shows {functions_in_text} functions where the wasm has {}", module.bodies.len()))
}

/// Every direct call in binaryen's text format, as (caller, callee), with hashes taken out:
/// `(func $"name" ...` opens a function, `(call $"name"` (or `(return_call $"name"`, or
/// `(ref.func $"name"`) is a call.
fn direct_calls(wat: &str) -> impl Iterator<Item = (String, String)> + '_ {
    let mut caller = String::new();
    wat.lines().filter_map(move |line| {
        let line = line.trim_start();
        if let Some(rest) = line.strip_prefix("(func $") {
            caller = without_hashes(&wat_name(rest));
            None
        } else {
            // A `ref.func` in code takes a function's address to call later: as good as a call.
            let rest = ["(call $", "(return_call $", "(ref.func $"].iter().find_map(|p| line.strip_prefix(p))?;
            Some((caller.clone(), without_hashes(&wat_name(rest))))
        }
    })
}

/// A name as binaryen prints it: `"quoted, with \" escapes"` or bare up to a space or `)`.
fn wat_name(text: &str) -> String {
    match text.strip_prefix('"') {
        Some(quoted) => {
            let mut name = String::new();
            let mut chars = quoted.chars();
            while let Some(c) = chars.next() {
                match c {
                    '"' => break,
                    '\\' => name.extend(chars.next()),
                    c => name.push(c),
                }
            }
            name
        }
        None => text.split([' ', ')']).next().unwrap_or_default().to_string(),
    }
}

/// `wasm` with the body of every named local function that `pick` chooses (given its index among
/// the local functions and its name without hashes) replaced by `unreachable`, and their names.
fn replace_bodies(wasm: &[u8], module: &Module, mut pick: impl FnMut(usize, &str) -> Result<bool>) -> Result<(Vec<u8>, Vec<String>)> {
    let mut snipped = Vec::new();
    let mut bodies = Vec::with_capacity(module.bodies.len());
    for (i, body) in module.bodies.iter().enumerate() {
        let index = module.imported_functions + i as u32;
        match module.names.get(&index).map(|n| without_hashes(n)) {
            Some(name) if pick(i, &name)? => {
                // No locals, `unreachable`, `end`.
                bodies.push(vec![0x00, 0x00, 0x0b]);
                snipped.push(name);
            }
            _ => bodies.push(wasm[body.clone()].to_vec()),
        }
    }
    let mut code = Vec::new();
    write_u32(&mut code, bodies.len() as u32);
    for body in &bodies {
        write_u32(&mut code, body.len() as u32);
        code.extend_from_slice(body);
    }
    let mut out = wasm[..module.code_section.start].to_vec();
    out.push(CODE);
    write_u32(&mut out, code.len() as u32);
    out.extend_from_slice(&code);
    out.extend_from_slice(&wasm[module.code_section.end..]);
    Ok((out, snipped))
}

/// Whether `name` is `function` or names something inside it (`function::{closure#0}`), or
/// code instantiated with such a type.
fn mentions(name: &str, function: &str) -> bool {
    name.match_indices(function).any(|(at, _)| {
        let rest = &name[at + function.len()..];
        rest.is_empty() || rest.starts_with("::") || rest.starts_with('>')
    })
}

fn is_panic_entry_point(name: &str) -> bool {
    PANIC_ENTRY_POINTS.iter().any(|entry| {
        name.strip_prefix(entry).is_some_and(|rest| rest.is_empty() || rest.starts_with("::"))
    })
}

/// `core[c5930c85a12de822]::panicking` → `core::panicking`.
fn without_hashes(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(open) = rest.find('[') {
        let hash = &rest[open + 1..];
        match hash.find(']') {
            // Crate hashes are 16 hex digits; anything else (`[u8; 4]`, `[f32]`) is kept.
            Some(16) if hash[..16].bytes().all(|b| b.is_ascii_hexdigit()) => {
                out.push_str(&rest[..open]);
                rest = &hash[17..];
            }
            _ => {
                out.push_str(&rest[..=open]);
                rest = hash;
            }
        }
    }
    out.push_str(rest);
    out
}

const TYPE: u8 = 1;
const IMPORT: u8 = 2;
const FUNCTION: u8 = 3;
const CODE: u8 = 10;

/// What the snip needs of a module: where each function body is, its type, and its name.
struct Module {
    /// From the section id byte to the section's end.
    code_section: std::ops::Range<usize>,
    /// Each local function's body (its size prefix excluded).
    bodies: Vec<std::ops::Range<usize>>,
    imported_functions: u32,
    /// Each local function's type index.
    function_types: Vec<u32>,
    /// Each type's result count.
    result_counts: Vec<u32>,
    names: std::collections::HashMap<u32, String>,
}

impl Module {
    fn read(wasm: &[u8]) -> Result<Module> {
        if wasm.get(..8) != Some(&[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]) {
            return Err("not a wasm module (version 1)".into());
        }
        let mut module = Module {
            code_section: 0..0,
            bodies: Vec::new(),
            imported_functions: 0,
            function_types: Vec::new(),
            result_counts: Vec::new(),
            names: Default::default(),
        };
        let mut r = Reader { wasm, at: 8 };
        while r.at < wasm.len() {
            let start = r.at;
            let id = r.byte()?;
            let size = r.u32()? as usize;
            let end = r.at.checked_add(size).filter(|&e| e <= wasm.len()).ok_or("a section runs past the end")?;
            let mut s = Reader { wasm: &wasm[..end], at: r.at };
            match id {
                TYPE => {
                    for _ in 0..s.u32()? {
                        if s.byte()? != 0x60 {
                            return Err("a type that is not a function type (GC types are not expected here)".into());
                        }
                        for _ in 0..s.u32()? {
                            s.value_type()?;
                        }
                        let results = s.u32()?;
                        for _ in 0..results {
                            s.value_type()?;
                        }
                        module.result_counts.push(results);
                    }
                }
                IMPORT => {
                    for _ in 0..s.u32()? {
                        s.name()?;
                        s.name()?;
                        match s.byte()? {
                            0 => {
                                s.u32()?;
                                module.imported_functions += 1;
                            }
                            1 => {
                                s.value_type()?;
                                s.limits()?;
                            }
                            2 => s.limits()?,
                            3 => {
                                s.value_type()?;
                                s.byte()?;
                            }
                            4 => {
                                s.byte()?;
                                s.u32()?;
                            }
                            kind => return Err(format!("an import of unknown kind {kind}")),
                        }
                    }
                }
                FUNCTION => {
                    for _ in 0..s.u32()? {
                        module.function_types.push(s.u32()?);
                    }
                }
                CODE => {
                    module.code_section = start..end;
                    for _ in 0..s.u32()? {
                        let size = s.u32()? as usize;
                        let body = s.at..s.at + size;
                        if body.end > end {
                            return Err("a function body runs past its section".into());
                        }
                        s.at = body.end;
                        module.bodies.push(body);
                    }
                }
                0 if s.name()? == "name" => {
                    while s.at < end {
                        let sub = s.byte()?;
                        let size = s.u32()? as usize;
                        let sub_end = s.at + size;
                        // Subsection 1: function names.
                        if sub == 1 {
                            for _ in 0..s.u32()? {
                                let index = s.u32()?;
                                module.names.insert(index, s.name()?.to_owned());
                            }
                        }
                        s.at = sub_end;
                    }
                }
                _ => {}
            }
            r.at = end;
        }
        if module.code_section.is_empty() {
            return Err("the module has no code section".into());
        }
        if module.function_types.len() != module.bodies.len() {
            return Err("the function and code sections disagree".into());
        }
        Ok(module)
    }
}

/// Reads a wasm module's bytes from `at` on.
pub(crate) struct Reader<'a> {
    pub(crate) wasm: &'a [u8],
    pub(crate) at: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn byte(&mut self) -> Result<u8> {
        let b = *self.wasm.get(self.at).ok_or("the module ends too early")?;
        self.at += 1;
        Ok(b)
    }

    /// A signed LEB128 number of up to 32 bits (`i32.const`'s).
    pub(crate) fn s32(&mut self) -> Result<i32> {
        let (mut value, mut shift) = (0i64, 0);
        loop {
            let b = self.byte()?;
            value |= i64::from(b & 0x7f) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                if shift < 64 && b & 0x40 != 0 {
                    value |= -1 << shift;
                }
                return i32::try_from(value).map_err(|_| "a number too large for i32".into());
            }
            if shift >= 35 {
                return Err("a LEB128 number longer than 5 bytes".into());
            }
        }
    }

    pub(crate) fn u32(&mut self) -> Result<u32> {
        let mut value = 0u64;
        for shift in (0..35).step_by(7) {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return u32::try_from(value).map_err(|_| "a number too large for u32".into());
            }
        }
        Err("a LEB128 number longer than 5 bytes".into())
    }

    fn name(&mut self) -> Result<&'a str> {
        let len = self.u32()? as usize;
        let bytes = self.wasm.get(self.at..self.at + len).ok_or("a name runs past the end")?;
        self.at += len;
        std::str::from_utf8(bytes).map_err(|_| "a name that is not UTF-8".into())
    }

    /// Number, vector and reference types are one byte each; typed references are not expected.
    fn value_type(&mut self) -> Result {
        match self.byte()? {
            0x7f | 0x7e | 0x7d | 0x7c | 0x7b | 0x70 | 0x6f => Ok(()),
            other => Err(format!("an unexpected value type 0x{other:02x}")),
        }
    }

    fn limits(&mut self) -> Result {
        let flags = self.byte()?;
        self.u32()?;
        if flags & 1 != 0 {
            self.u32()?;
        }
        Ok(())
    }
}

fn write_u32(out: &mut Vec<u8>, mut value: u32) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(id: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![id];
        write_u32(&mut out, content.len() as u32);
        out.extend_from_slice(content);
        out
    }

    fn name(text: &str) -> Vec<u8> {
        let mut out = Vec::new();
        write_u32(&mut out, text.len() as u32);
        out.extend_from_slice(text.as_bytes());
        out
    }

    /// One imported function, then local functions with these names, types and bodies; type 0
    /// is `() -> ()`, type 1 is `() -> i32`.
    fn module(functions: &[(&str, u8, &[u8])]) -> Vec<u8> {
        let mut wasm = module_without_names(functions);
        let mut names = vec![functions.len() as u8 + 1];
        names.extend([0]);
        names.extend(name("env::f"));
        for (i, (n, _, _)) in functions.iter().enumerate() {
            names.push(i as u8 + 1);
            names.extend(name(n));
        }
        let mut custom = name("name");
        custom.push(1);
        write_u32(&mut custom, names.len() as u32);
        custom.extend(names);
        wasm.extend(section(0, &custom));
        wasm
    }

    fn module_without_names(functions: &[(&str, u8, &[u8])]) -> Vec<u8> {
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        wasm.extend(section(TYPE, &[2, 0x60, 0, 0, 0x60, 0, 1, 0x7f]));
        let mut import = vec![1];
        import.extend(name("env"));
        import.extend(name("f"));
        import.extend([0, 0]);
        wasm.extend(section(IMPORT, &import));
        let mut types = vec![functions.len() as u8];
        types.extend(functions.iter().map(|f| f.1));
        wasm.extend(section(FUNCTION, &types));
        let mut code = vec![functions.len() as u8];
        for (_, _, body) in functions {
            code.push(body.len() as u8);
            code.extend_from_slice(body);
        }
        wasm.extend(section(CODE, &code));
        wasm
    }

    // A body that calls the import: no locals, `call 0`, `end`.
    const CALLS: &[u8] = &[0x00, 0x10, 0x00, 0x0b];
    // No locals, `i32.const 7`, `end`.
    const SEVEN: &[u8] = &[0x00, 0x41, 0x07, 0x0b];
    // A snipped body: no locals, `unreachable`, `end`.
    const UNREACHABLE: &[u8] = &[0x00, 0x00, 0x0b];

    #[test]
    fn panic_entry_points_become_unreachable_and_nothing_else_changes() {
        let wasm = module(&[
            ("core[c5930c85a12de822]::panicking::panic_fmt", 0, CALLS),
            ("progress_widgets[0123456789abcdef]::widgets::mount", 0, CALLS),
            ("std[a543996e6e7dbf1e]::panicking::begin_panic::<&str>::{closure#0}", 0, CALLS),
            ("<std[a543996e6e7dbf1e]::panicking::panic_handler::FormatStringPayload as core::fmt::Display>::fmt", 0, CALLS),
            ("core::result::unwrap_failed_not_really", 1, SEVEN),
        ]);
        let (out, snipped) = snip_panics(&wasm).unwrap();
        assert_eq!(snipped.functions, ["core::panicking::panic_fmt", "std::panicking::begin_panic::<&str>::{closure#0}"]);
        assert!(snipped.found_panic_fmt());
        let expected = module(&[
            ("core[c5930c85a12de822]::panicking::panic_fmt", 0, UNREACHABLE),
            ("progress_widgets[0123456789abcdef]::widgets::mount", 0, CALLS),
            ("std[a543996e6e7dbf1e]::panicking::begin_panic::<&str>::{closure#0}", 0, UNREACHABLE),
            ("<std[a543996e6e7dbf1e]::panicking::panic_handler::FormatStringPayload as core::fmt::Display>::fmt", 0, CALLS),
            ("core::result::unwrap_failed_not_really", 1, SEVEN),
        ]);
        assert_eq!(out, expected);
    }

    #[test]
    fn a_panic_name_that_returns_a_value_is_refused() {
        let wasm = module(&[("core::option::expect_failed", 1, SEVEN)]);
        let error = snip_panics(&wasm).unwrap_err();
        assert!(error.contains("returns a value"), "{error}");
    }

    #[test]
    fn without_names_nothing_is_snipped() {
        let wasm = module_without_names(&[("core::panicking::panic_fmt", 0, CALLS)]);
        let (out, snipped) = snip_panics(&wasm).unwrap();
        assert_eq!(out, wasm);
        assert!(!snipped.found_panic_fmt());
    }

    #[test]
    fn an_unreached_crates_functions_become_unreachable_whatever_they_return() {
        let streams = "<wasm_streams[959fff36da5e005b]::readable::IntoStream as futures_core[0123456789abcdef]::stream::Stream>::poll_next";
        let drop = "core[c5930c85a12de822]::ptr::drop_in_place::<wasm_streams[959fff36da5e005b]::readable::ReadableStream>";
        let wasm = module(&[(streams, 1, SEVEN), ("progress_widgets::mount", 0, CALLS), (drop, 0, CALLS)]);
        let wat = format!("(module\n (import \"env\" \"f\" (func $env::f))\n (func $\"{streams}\" (result i32)\n  (call $\"{drop}\")\n )\n (func $progress_widgets::mount\n  (call $env::f)\n )\n (func $\"{drop}\"\n  (call $env::f)\n )\n)");
        let (out, report) = snip_unreached(&wasm, &wat).unwrap();
        let names = [streams, drop].map(without_hashes).to_vec();
        assert_eq!(report, Unreached::Snipped(names));
        assert_eq!(out, module(&[(streams, 1, UNREACHABLE), ("progress_widgets::mount", 0, CALLS), (drop, 0, UNREACHABLE)]));
    }

    #[test]
    fn a_direct_call_into_an_unreached_crate_keeps_everything() {
        let streams = "wasm_streams[959fff36da5e005b]::readable::ReadableStream::from_raw";
        let wasm = module(&[(streams, 1, SEVEN), ("progress_widgets::mount", 0, CALLS)]);
        let wat = format!("(module\n (func $\"{streams}\" (result i32)\n  (i32.const 7)\n )\n (func $progress_widgets::mount\n  (drop\n   (call $\"{streams}\")\n  )\n )\n)");
        let (out, report) = snip_unreached(&wasm, &wat).unwrap();
        assert_eq!(out, wasm);
        assert_eq!(report, Unreached::Kept("progress_widgets::mount calls wasm_streams::readable::ReadableStream::from_raw".into()));
    }

    #[test]
    fn a_text_form_that_does_not_list_every_function_keeps_everything() {
        let wasm = module(&[("wasm_streams::readable::ReadableStream::from_raw", 1, SEVEN), ("progress_widgets::mount", 0, CALLS)]);
        let (out, report) = snip_unreached(&wasm, "(module\n (func $progress_widgets::mount)\n)").unwrap();
        assert_eq!(out, wasm);
        assert_eq!(report, Unreached::Kept("binaryen's text form shows 1 functions where the wasm has 2".into()));
    }

    #[test]
    fn code_that_can_make_streams_keeps_everything() {
        let wasm = module(&[("wasm_streams::readable::ReadableStream::from_raw", 1, SEVEN), ("server_fn[0123456789abcdef]::request::browser::stream", 0, CALLS)]);
        let (out, report) = snip_unreached(&wasm, "(module)").unwrap();
        assert_eq!(out, wasm);
        assert!(matches!(report, Unreached::Kept(why) if why.contains("server_fn::request::browser::stream")));
    }

    #[test]
    fn a_feature_gated_function_becomes_unreachable_only_while_its_feature_is_off() {
        let delegated = "<tachys[6c8939ddcfcfb111]::renderer::dom::Dom>::add_event_listener_delegated";
        let direct = "<tachys[6c8939ddcfcfb111]::renderer::dom::Dom>::add_event_listener";
        let closure = "core::ptr::drop_in_place::<<tachys[6c8939ddcfcfb111]::renderer::dom::Dom>::add_event_listener_delegated::{closure#1}>";
        let longer = "<tachys::renderer::dom::Dom>::add_event_listener_delegated_elsewhere";
        let wasm = module(&[(delegated, 0, CALLS), (direct, 0, CALLS), (closure, 0, CALLS), (longer, 0, CALLS)]);
        let (out, names) = snip_feature_gated(&wasm, |_, _| false).unwrap();
        assert_eq!(names, [delegated, closure].map(without_hashes));
        assert_eq!(out, module(&[(delegated, 0, UNREACHABLE), (direct, 0, CALLS), (closure, 0, UNREACHABLE), (longer, 0, CALLS)]));
        let (out, names) = snip_feature_gated(&wasm, |krate, feature| (krate, feature) == ("tachys", "delegation")).unwrap();
        assert_eq!((out, names.len()), (wasm, 0));
    }

    #[test]
    fn formatting_called_only_by_itself_or_by_snipped_code_becomes_unreachable() {
        let write = "core[c5930c85a12de822]::fmt::write";
        let display = "<alloc[3ca501edff3f0c7c]::string::String as core[c5930c85a12de822]::fmt::Display>::fmt";
        let copy = "<str as alloc[3ca501edff3f0c7c]::string::ToString>::to_string";
        let hook = "std[a543996e6e7dbf1e]::panicking::default_hook";
        let wasm = module(&[(write, 1, SEVEN), (display, 1, SEVEN), ("progress_widgets::mount", 0, CALLS), (copy, 1, SEVEN), (hook, 0, CALLS)]);
        let wat = format!("(module\n (func $\"{write}\" (result i32)\n  (call $\"{display}\")\n )\n (func $\"{display}\" (result i32)\n  (i32.const 7)\n )\n (func $progress_widgets::mount\n  (drop\n   (call $\"{copy}\")\n  )\n )\n (func $\"{copy}\" (result i32)\n  (i32.const 7)\n )\n (func $\"{hook}\"\n  (drop\n   (call $\"{write}\")\n  )\n )\n)");
        let (out, report) = snip_formatting(&wasm, &wat, &[without_hashes(hook)]).unwrap();
        assert_eq!(report, Unreached::Snipped([write, display].map(without_hashes).to_vec()));
        assert_eq!(out, module(&[(write, 1, UNREACHABLE), (display, 1, UNREACHABLE), ("progress_widgets::mount", 0, CALLS), (copy, 1, SEVEN), (hook, 0, CALLS)]));
        // Unless the hook is snipped too, its call keeps everything.
        let (out, report) = snip_formatting(&wasm, &wat, &[]).unwrap();
        assert_eq!(out, wasm);
        assert_eq!(report, Unreached::Kept("std::panicking::default_hook calls core::fmt::write".into()));
    }

    #[test]
    fn a_to_string_or_a_function_reference_in_widget_code_keeps_formatting() {
        let to_string = "<progress_contract::route::RouteError as alloc::string::ToString>::to_string";
        let display = "<progress_contract::route::RouteError as core::fmt::Display>::fmt";
        let wasm = module(&[(to_string, 1, SEVEN), (display, 1, SEVEN), ("progress_widgets::mount", 0, CALLS)]);
        let wat = format!("(module\n (func $\"{to_string}\" (result i32)\n  (call $\"{display}\")\n )\n (func $\"{display}\" (result i32)\n  (i32.const 7)\n )\n (func $progress_widgets::mount\n  (drop\n   (call $\"{to_string}\")\n  )\n )\n)");
        let (out, report) = snip_formatting(&wasm, &wat, &[]).unwrap();
        assert_eq!(out, wasm);
        assert_eq!(report, Unreached::Kept(format!("progress_widgets::mount calls {to_string}")));
        let wat = wat.replace(&format!("(drop\n   (call $\"{to_string}\")\n  )"), &format!("(drop\n   (ref.func $\"{display}\")\n  )"));
        let (_, report) = snip_formatting(&wasm, &wat, &[]).unwrap();
        assert_eq!(report, Unreached::Kept(format!("progress_widgets::mount calls {display}")));
    }

    #[test]
    fn formatting_is_core_fmt_and_fmt_trait_methods_not_code_generic_over_a_fmt_type() {
        for name in [
            "core::fmt::write",
            "<core::fmt::Formatter>::pad",
            "<alloc::string::String as core::fmt::Write>::write_str",
            "<&isize as core::fmt::Debug>::fmt",
            "<progress_contract::route::RouteError as core::fmt::Display>::fmt::{closure#0}",
            "<std::panicking::panic_handler::StaticStrPayload as core::panic::PanicPayload>::take_box",
            "<progress_contract::route::RouteError as alloc::string::ToString>::to_string",
        ] {
            assert!(is_formatting(name), "{name}");
        }
        for name in [
            "<str as alloc::string::ToString>::to_string",
            "core::ptr::drop_in_place::<core::fmt::Arguments>",
            "<leptos::View<core::fmt::Error> as core::ops::function::FnOnce<()>>::call_once",
            "progress_widgets::format::push_part",
        ] {
            assert!(!is_formatting(name), "{name}");
        }
    }

    #[test]
    fn binaryen_names_are_read_quoted_or_bare() {
        assert_eq!(wat_name("\"<a as b>::c\" (param $0 i32)"), "<a as b>::c");
        assert_eq!(wat_name("\"say \\\"hi\\\"\")"), "say \"hi\"");
        assert_eq!(wat_name("plain_name (param i32)"), "plain_name");
        assert_eq!(wat_name("f)"), "f");
    }

    #[test]
    fn hashes_come_out_of_names() {
        assert_eq!(without_hashes("<core[c5930c85a12de822]::cell::RefCell<alloc[3ca501edff3f0c7c]::string::String>>::new"), "<core::cell::RefCell<alloc::string::String>>::new");
        assert_eq!(without_hashes("<[u8; 4] as core::fmt::Debug>::fmt"), "<[u8; 4] as core::fmt::Debug>::fmt");
        assert_eq!(without_hashes("a[]b"), "a[]b");
    }
}
