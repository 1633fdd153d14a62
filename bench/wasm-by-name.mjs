// `cargo xtask size-by-name PATTERN...`: where the wasm's code bytes are, by function name, in a
// build whose code is the shipped package's but whose names are kept.
//
// For each pattern (a JavaScript regular expression, matched against names with the crates'
// hashes taken out): how many functions match, their raw bytes, and their *marginal* brotli: the
// code section's functions compressed with and without them. Marginal, not raw, is what removing
// them would save: brotli stores near-identical generic copies almost for free, so raw bytes
// overstate them 3–5×. Then the largest functions.
//
// node bench/wasm-by-name.mjs target/package/named.wasm 'qrcodegen' 'model::' ...
import fs from "node:fs";
import zlib from "node:zlib";

const [file, ...patterns] = process.argv.slice(2);
const brotli = (bytes) => zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const unhashed = (name) => name.replace(/\[[0-9a-f]{16}\]/g, "");

/// The function bodies in order, each with its name (from the `name` section).
function functions(bytes) {
  let at = 8;
  const leb = () => {
    let value = 0;
    for (let shift = 1; ; shift *= 128) {
      const byte = bytes[at++];
      value += (byte & 0x7f) * shift;
      if (!(byte & 0x80)) return value;
    }
  };
  const skip = (n) => (at += n);
  let imported = 0;
  const bodies = [];
  const names = new Map();
  while (at < bytes.length) {
    const id = bytes[at++];
    const size = leb();
    const end = at + size;
    if (id === 2) {
      // Imports: only the functions among them shift the functions' indices.
      for (let n = leb(); n > 0; n--) {
        skip(leb());
        skip(leb());
        const kind = bytes[at++];
        if (kind === 0) (imported++, leb());
        else if (kind === 1) (skip(1), bytes[at++] & 1 ? (leb(), leb()) : leb());
        else if (kind === 2) (bytes[at++] & 1 ? (leb(), leb()) : leb());
        else skip(2);
      }
    } else if (id === 10) {
      for (let n = leb(); n > 0; n--) {
        const length = leb();
        bodies.push(bytes.subarray(at, at + length));
        skip(length);
      }
    } else if (id === 0) {
      const length = leb();
      const section = bytes.subarray(at, at + length).toString();
      skip(length);
      while (section === "name" && at < end) {
        const sub = bytes[at++];
        const subEnd = leb() + at;
        if (sub === 1) {
          for (let n = leb(); n > 0; n--) {
            const index = leb();
            const nameLength = leb();
            names.set(index, bytes.subarray(at, at + nameLength).toString());
            skip(nameLength);
          }
        }
        at = subEnd;
      }
    }
    at = end;
  }
  if (names.size === 0) throw new Error(`${file} has no function names: build it with names kept`);
  return bodies.map((body, i) => ({ body, name: unhashed(names.get(imported + i) ?? `function ${imported + i}`) }));
}

const all = functions(fs.readFileSync(file));
const code = Buffer.concat(all.map((f) => f.body));
const base = brotli(code);
console.log(`code: ${all.length} functions, ${code.length} B raw, ${base} B brotli`);
for (const pattern of patterns) {
  const re = new RegExp(pattern);
  const matched = all.filter((f) => re.test(f.name));
  const rest = Buffer.concat(all.filter((f) => !re.test(f.name)).map((f) => f.body));
  console.log(`${pattern}: ${matched.length} functions, ${code.length - rest.length} B raw, ${base - brotli(rest)} B marginal brotli`);
}
console.log("\nlargest functions (raw bytes):");
for (const f of [...all].sort((a, b) => b.body.length - a.body.length).slice(0, 25)) {
  console.log(String(f.body.length).padStart(6), f.name.slice(0, 160));
}
