//! Constants in the wasm's data section that no code and no other live constant refers to,
//! zeroed: the texts of panics and of `Debug`/`Display` impls whose code the snips and wasm-opt
//! removed (`called \`Option::unwrap()\`…`, std's I/O error kinds, tachys's SSR warning, …). The
//! linker keeps them because, at link time, code still referred to them; wasm-opt drops that code
//! but cannot tell which bytes of memory it was the last user of. Zeros cost brotli almost
//! nothing (−1.1 KB brotli; the data keeps its length and every address its meaning).
//!
//! What is known, and how:
//! - **Where each constant starts and ends**: the linker's map (`--Map`, asked for by `build.rs`),
//!   one input section per constant (`.rodata..Lanon.…`). The map must be this link's: its code
//!   and data section sizes must be the linked wasm's, and every constant's bytes must be the same
//!   in the linked wasm and in the package (wasm-bindgen and wasm-opt must not have moved data).
//! - **Which constants are referred to**: every address the package's code holds (an `i32.const`,
//!   either half of an `i64.const` (two stores merged into one), a load's or store's `offset=`),
//!   and then every 4 bytes, at any alignment, of a constant already referred to (pointers in
//!   tables, vtables and `&str` lists). A constant is live if one of those lands in it or right at
//!   its end. An address that is added to an index (an `offset=` or an `i32.add` operand) may
//!   have been folded with a negative index (`table[i - 1]`): it keeps alive the constants that
//!   start up to [`INDEXED_REACH`] bytes after it too.
//!
//! Anything this cannot read (passive segments, a map from another link) changes nothing and says
//! why.

use std::collections::HashSet;

use crate::setup::Result;
use crate::snip::Reader;

/// How far past an indexed address (see the module docs) constants are kept alive, in bytes: a
/// folded `- k * size` from an index starting at `k` (Rust's tables have elements of up to 16
/// bytes and indices starting at 0 or 1; 256 leaves a wide margin).
const INDEXED_REACH: u32 = 256;

/// One constant of the data section, from the linker's map.
#[derive(Debug, Clone, PartialEq)]
pub struct Constant {
    pub start: u32,
    pub size: u32,
    /// The input section, as the map names it (`.rodata..Lanon.a42…4.17`).
    pub name: String,
}

/// What [`zero_unreferenced`] did.
#[derive(Debug, PartialEq)]
pub enum Zeroed {
    /// These constants were zeroed: their count and their bytes.
    Constants { count: usize, bytes: u32 },
    /// Nothing was changed, for this reason.
    Kept(String),
}

/// Returns `wasm` (the package's, after wasm-opt) with every constant that nothing refers to
/// zeroed, and what was done. `map` is the linker's map of `linked` (the wasm as the linker wrote
/// it) and `wat` is binaryen's text form of `wasm`.
///
/// ```ignore
/// let (wasm, report) = data::zero_unreferenced(&wasm, &map, &wat, &linked)?;
/// ```
pub fn zero_unreferenced(wasm: &[u8], map: &str, wat: &str, linked: &[u8]) -> Result<(Vec<u8>, Zeroed)> {
    let kept = |why: String| Ok((wasm.to_vec(), Zeroed::Kept(why)));
    let (constants, sizes) = read_map(map)?;
    let (linked_segments, linked_sizes) = match segments(linked)? {
        Ok(read) => read,
        Err(why) => return kept(why),
    };
    if sizes != linked_sizes {
        return kept(format!("the linker's map is of another link (code and data sections at {sizes:?}, not {linked_sizes:?}: (offset, size))"));
    }
    let (segments, _) = match segments(wasm)? {
        Ok(read) => read,
        Err(why) => return kept(why),
    };
    let (Some(first), Some(last)) = (constants.first(), constants.last()) else {
        return kept("the linker's map lists no data".into());
    };
    let (low, high) = (first.start, last.start + last.size);
    let linked_memory = image(linked, &linked_segments, high);
    let memory = image(wasm, &segments, high);
    if let Some(moved) = constants.iter().find(|c| linked_memory[c.range()] != memory[c.range()]) {
        return kept(format!("{} is not where the linker put it", moved.name));
    }

    let (addresses, indexed) = addresses(wat, low, high);
    let mut live = vec![false; constants.len()];
    let mut work = Vec::new();
    let mark = |address: u32, live: &mut Vec<bool>, work: &mut Vec<usize>| {
        // The constant it lands in, and the one it is the end of (the one that holds the byte before).
        for i in [containing(&constants, address), address.checked_sub(1).and_then(|a| containing(&constants, a))].into_iter().flatten() {
            if !live[i] {
                live[i] = true;
                work.push(i);
            }
        }
    };
    for &address in &addresses {
        mark(address, &mut live, &mut work);
    }
    for &address in &indexed {
        for c in constants.iter().filter(|c| c.start > address && c.start - address <= INDEXED_REACH) {
            mark(c.start, &mut live, &mut work);
        }
    }
    while let Some(i) = work.pop() {
        let bytes = &memory[constants[i].range()];
        for word in bytes.windows(4) {
            mark(u32::from_le_bytes([word[0], word[1], word[2], word[3]]), &mut live, &mut work);
        }
    }

    let mut out = wasm.to_vec();
    let (mut count, mut bytes) = (0, 0);
    for (constant, _) in constants.iter().zip(&live).filter(|(_, live)| !**live) {
        count += 1;
        bytes += constant.size;
        for segment in &segments {
            let from = constant.start.max(segment.address);
            let to = (constant.start + constant.size).min(segment.address + segment.length);
            for address in from..to {
                out[segment.at + (address - segment.address) as usize] = 0;
            }
        }
    }
    Ok((out, Zeroed::Constants { count, bytes }))
}

impl Constant {
    fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..(self.start + self.size) as usize
    }
}

/// The index of the constant `address` lands in.
fn containing(constants: &[Constant], address: u32) -> Option<usize> {
    let i = constants.partition_point(|c| c.start + c.size <= address);
    constants.get(i).filter(|c| c.start <= address).map(|_| i)
}

/// The data section's constants (sorted by address) from lld's map, and where the code and data
/// sections are in the file (offset of the id byte, size with id and size bytes), as it gives them. Its lines are `address offset size` and a name indented by what it
/// is: a section (`CODE`, `DATA`), an output section (`.rodata`), an input section
/// (`file.o:(.rodata..Lanon.…)`: one constant) or a symbol. Sizes are hex.
pub fn read_map(map: &str) -> Result<(Vec<Constant>, Sections)> {
    let (mut constants, mut code, mut data, mut in_data) = (Vec::new(), None, None, false);
    for line in map.lines().skip(1) {
        let mut fields = line.split_whitespace();
        let (Some(address), Some(offset), Some(size)) = (fields.next(), fields.next(), fields.next()) else { continue };
        let rest: Vec<&str> = fields.collect();
        let size = hex(size)?;
        match (address, rest.as_slice()) {
            ("-", ["CODE"]) => code = Some((hex(offset)?, size)),
            ("-", ["DATA"]) => (data, in_data) = (Some((hex(offset)?, size)), true),
            ("-", _) => in_data = false,
            (address, [input]) if in_data && input.contains(":(") && input.ends_with(')') => {
                let start = hex(address)?;
                let name = input.rsplit_once(":(").map_or("", |(_, n)| n).trim_end_matches(')').to_owned();
                constants.push(Constant { start, size, name });
            }
            _ => {}
        }
    }
    constants.sort_by_key(|c| c.start);
    match (code, data) {
        (Some(code), Some(data)) => Ok((constants, (code, data))),
        _ => Err("the linker's map has no CODE or DATA section".into()),
    }
}

/// Where the code and the data section are in a file: (offset of the id byte, size with the id
/// and size bytes), code first.
type Sections = ((u32, u32), (u32, u32));

fn hex(text: &str) -> Result<u32> {
    u32::from_str_radix(text, 16).map_err(|_| format!("a number in the linker's map is not hex: {text}"))
}

/// An active data segment: where its bytes go in memory and where they are in the file.
struct Segment {
    address: u32,
    length: u32,
    at: usize,
}

/// The module's data segments and where its code and data sections are (as [`read_map`] gives
/// them), or why they cannot be used (a passive segment, an offset that is not a constant).
fn segments(wasm: &[u8]) -> Result<std::result::Result<(Vec<Segment>, Sections), String>> {
    let mut r = Reader { wasm, at: 8 };
    let (mut segments, mut code, mut data) = (Vec::new(), (0, 0), (0, 0));
    while r.at < wasm.len() {
        let start = r.at;
        let id = r.byte()?;
        let size = r.u32()?;
        let end = r.at + size as usize;
        let whole = (start as u32, (end - start) as u32);
        match id {
            10 => code = whole,
            11 => {
                data = whole;
                for _ in 0..r.u32()? {
                    // Flags 0: active, memory 0, then `i32.const N` `end`.
                    match (r.byte()?, r.byte()?) {
                        (0, 0x41) => {}
                        (flags, _) => return Ok(Err(format!("a data segment of another kind (flags {flags}, or an offset that is not a constant)"))),
                    }
                    let address = r.s32()? as u32;
                    if r.byte()? != 0x0b {
                        return Ok(Err("a data segment's offset is not one constant".into()));
                    }
                    let length = r.u32()?;
                    segments.push(Segment { address, length, at: r.at });
                    r.at += length as usize;
                }
            }
            _ => {}
        }
        r.at = end;
    }
    Ok(Ok((segments, (code, data))))
}

/// Memory as the data segments initialise it, up to `high`.
fn image(wasm: &[u8], segments: &[Segment], high: u32) -> Vec<u8> {
    let mut memory = vec![0; high as usize];
    for s in segments {
        let (from, to) = (s.address.min(high) as usize, (s.address + s.length).min(high) as usize);
        memory[from..to].copy_from_slice(&wasm[s.at..s.at + (to - from)]);
    }
    memory
}

/// Every address between `low` and `high` that binaryen's text form of the code holds, and those
/// of them that are added to an index: a load's or store's `offset=`, or an `i32.add`/`i32.sub`
/// operand (binaryen prints an operand indented under its operator, one per line).
fn addresses(wat: &str, low: u32, high: u32) -> (HashSet<u32>, HashSet<u32>) {
    /// Whether an address found in the code is added to an index.
    enum Indexed {
        Yes,
        IfAddOperand,
        No,
    }
    let (mut all, mut indexed) = (HashSet::new(), HashSet::new());
    let lines: Vec<&str> = wat.lines().collect();
    let number = |text: &str| -> Option<i128> { text.split([')', ' ']).next()?.parse().ok() };
    for (i, line) in lines.iter().enumerate() {
        let mut found = Vec::new();
        for (at, _) in line.match_indices("i32.const ") {
            found.extend(number(&line[at + 10..]).map(|n| (n as u32, Indexed::IfAddOperand)));
        }
        for (at, _) in line.match_indices("i64.const ") {
            if let Some(n) = number(&line[at + 10..]) {
                let n = n as u64;
                found.extend([(n as u32, Indexed::No), ((n >> 32) as u32, Indexed::No)]);
            }
        }
        for (at, _) in line.match_indices("offset=") {
            found.extend(number(&line[at + 7..]).map(|n| (n as u32, Indexed::Yes)));
        }
        for (address, how) in found {
            if !(low..=high).contains(&address) {
                continue;
            }
            all.insert(address);
            // The operator is looked for only for addresses: most constants are not.
            if matches!(how, Indexed::Yes) || matches!(how, Indexed::IfAddOperand) && operand_of_add(&lines, i) {
                indexed.insert(address);
            }
        }
    }
    (all, indexed)
}

/// Whether line `i` is an operand of an `i32.add` or `i32.sub`: the nearest line above it that is
/// indented less.
fn operand_of_add(lines: &[&str], i: usize) -> bool {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let own = indent(lines[i]);
    lines[..i].iter().rev().find(|l| indent(l) < own).is_some_and(|parent| {
        let parent = parent.trim_start();
        parent.starts_with("(i32.add") || parent.starts_with("(i32.sub")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAP: &str = "    Addr      Off     Size Out     In      Symbol
       -        8        4 TYPE
       -       20        9 CODE
       -       40       20 DATA
      10       41       18 .rodata
      10       41        8         a.o:(.rodata..Lanon.x.0)
      10       41        8                 .Lanon.x.0
      18       49        8         a.o:(.rodata..Lanon.x.1)
      20       51        8         <internal>:(.rodata)
       -       60       10 CUSTOM(name)
";

    #[test]
    fn the_map_gives_each_constant_and_the_section_sizes() {
        let (constants, sizes) = read_map(MAP).unwrap();
        assert_eq!(sizes, ((0x20, 9), (0x40, 0x20)));
        let names: Vec<_> = constants.iter().map(|c| (c.start, c.size, c.name.as_str())).collect();
        assert_eq!(names, [(0x10, 8, ".rodata..Lanon.x.0"), (0x18, 8, ".rodata..Lanon.x.1"), (0x20, 8, ".rodata")]);
    }

    #[test]
    fn addresses_in_code_and_which_are_indexed() {
        let wat = " (func $f\n  (i32.store offset=4\n   (i32.const 100)\n   (i64.const 4294967496)\n  )\n  (i32.load8_u offset=300\n   (i32.add\n    (local.get $0)\n    (i32.const 400)\n   )\n  )\n  (call $g (i32.const 5))\n )";
        let (all, indexed) = addresses(wat, 100, 1000);
        let mut all: Vec<_> = all.into_iter().collect();
        all.sort();
        // 4294967496 is 1 << 32 | 200: both halves, the 1 below the range.
        assert_eq!(all, [100, 200, 300, 400]);
        let mut indexed: Vec<_> = indexed.into_iter().filter(|a| *a >= 100).collect();
        indexed.sort();
        assert_eq!(indexed, [300, 400]);
    }

    /// A module with a 12-byte code section and one data segment at 16 holding `bytes`.
    fn module(bytes: &[u8]) -> Vec<u8> {
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        wasm.extend([10, 12]);
        wasm.extend([0; 12]);
        let mut data = vec![1, 0, 0x41, 16, 0x0b, bytes.len() as u8];
        data.extend_from_slice(bytes);
        wasm.extend([11, data.len() as u8]);
        wasm.extend(data);
        wasm
    }

    fn map(data_size: usize) -> String {
        format!(
            "    Addr      Off     Size Out     In      Symbol
       -        8        e CODE
       -       16       {data_size:x} DATA
      10       21        8         a.o:(.rodata..Lanon.x.0)
      18       29        4         a.o:(.rodata..Lanon.x.1)
      1c       2d        4         a.o:(.rodata..Lanon.x.2)
      20       31        8         a.o:(.rodata..Lanon.x.3)
"
        )
    }

    /// Code refers to 0 ("live"), which points at 2 (address 0x1c); 1 ends where 2 starts (an end
    /// pointer, as far as anyone can tell); nothing refers to 3.
    const BYTES: &[u8] = b"live\x1c\0\0\0edgeptrddeadtext";
    const CALL: &str = " (func $f\n  (call $g\n   (i32.const 16)\n  )\n )";

    /// The data section with its id and size bytes.
    fn data_size(wasm: &[u8]) -> usize {
        wasm.len() - 8 - 14
    }

    #[test]
    fn only_constants_nothing_refers_to_are_zeroed() {
        let wasm = module(BYTES);
        let (out, report) = zero_unreferenced(&wasm, &map(data_size(&wasm)), CALL, &wasm).unwrap();
        assert_eq!(report, Zeroed::Constants { count: 1, bytes: 8 });
        assert_eq!(out, module(b"live\x1c\0\0\0edgeptrd\0\0\0\0\0\0\0\0"));
        // An indexed address keeps what starts soon after it alive.
        let wat = " (func $f\n  (drop\n   (i32.load offset=16\n    (local.get $0)\n   )\n  )\n )";
        let (_, report) = zero_unreferenced(&wasm, &map(data_size(&wasm)), wat, &wasm).unwrap();
        assert_eq!(report, Zeroed::Constants { count: 0, bytes: 0 });
    }

    #[test]
    fn a_map_of_another_link_or_moved_data_changes_nothing() {
        let wasm = module(BYTES);
        let (out, report) = zero_unreferenced(&wasm, &map(data_size(&wasm) + 1), CALL, &wasm).unwrap();
        assert_eq!(out, wasm);
        assert!(matches!(report, Zeroed::Kept(ref why) if why.contains("another link")), "{report:?}");
        let linked = module(b"LIVE\x1c\0\0\0edgeptrddeadtext");
        let (out, report) = zero_unreferenced(&wasm, &map(data_size(&wasm)), CALL, &linked).unwrap();
        assert_eq!(out, wasm);
        assert_eq!(report, Zeroed::Kept(".rodata..Lanon.x.0 is not where the linker put it".into()));
    }
}
