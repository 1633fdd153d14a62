//! A reward's value as a QR code, drawn as one SVG path (qrcodegen encodes it).

use leptos::prelude::*;
use qrcodegen::{QrCode, QrCodeEcc, QrSegment, Version};

use crate::format::int;

/// The QR code of `text` as an SVG path over a `size` × `size` grid of modules: one `M…h…v1h…z`
/// run per horizontal stretch of dark modules. `None` when the text is too long for any QR code.
///
/// ```
/// use progress_widgets::widgets::qr::qr_path;
/// let (size, path) = qr_path("GIFT-1234").unwrap();
/// assert_eq!(size, 21); // the smallest version holds it
/// assert!(path.starts_with("M0 0h7v1h-7z")); // the top-left finder pattern's first row
/// assert!(qr_path(&"x".repeat(5000)).is_none());
/// ```
pub fn qr_path(text: &str) -> Option<(i32, String)> {
    // Medium error correction (raised when it fits in the same size): a phone still reads it from
    // a scratched or glaring screen. One byte segment keeps qrcodegen's mode selection out of the
    // wasm. The mask stays chosen by the standard's penalty score: a fixed one saved about 2 KB
    // brotli but can draw patterns that look like finder marks and slow a scanner down.
    let segments = [QrSegment::make_bytes(text.as_bytes())];
    let code = QrCode::encode_segments_advanced(&segments, QrCodeEcc::Medium, Version::MIN, Version::MAX, None, true).ok()?;
    let size = code.size();
    let mut path = String::new();
    for y in 0..size {
        let mut x = 0;
        while x < size {
            if !code.get_module(x, y) {
                x += 1;
                continue;
            }
            let start = x;
            while x < size && code.get_module(x, y) {
                x += 1;
            }
            let run = int((x - start).into(), 1);
            path += &("M".to_owned() + &int(start.into(), 1) + " " + &int(y.into(), 1) + "h" + &run + "v1h-" + &run + "z");
        }
    }
    Some((size, path))
}

/// The QR code of `value`, dark on white with the standard four-module quiet zone whatever the
/// theme (scanners expect it), named for screen readers; nothing when it cannot be encoded (the
/// value is shown as text beside it either way).
///
/// ```no_run
/// use leptos::prelude::*;
/// use progress_widgets::widgets::qr::QrImage;
/// let _ = view! { <QrImage value="GIFT-1234".to_owned() /> };
/// ```
#[component]
pub fn QrImage(value: String) -> impl IntoView {
    qr_path(&value).map(|(size, path)| {
        let quiet = int((size + 8).into(), 1);
        let view_box = "-4 -4 ".to_owned() + &quiet + " " + &quiet;
        view! {
            <svg class="pw-qr" part="qr-code" role="img" aria-label="QR code" viewBox=view_box shape-rendering="crispEdges">
                <rect x="-4" y="-4" width=quiet.clone() height=quiet fill="#fff"></rect>
                <path d=path fill="#000"></path>
            </svg>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::qr_path;

    /// Reads the path back into modules, draws them 4 px each inside the quiet zone, and decodes
    /// the picture with an independent QR reader.
    fn decode(size: i32, path: &str) -> String {
        let mut dark = vec![false; (size * size) as usize];
        for run in path.split('M').filter(|r| !r.is_empty()) {
            let (start, rest) = run.split_once('h').unwrap();
            let (x, y) = start.split_once(' ').unwrap();
            let (x, y): (i32, i32) = (x.parse().unwrap(), y.parse().unwrap());
            let len: i32 = rest.split_once('v').unwrap().0.parse().unwrap();
            for dx in 0..len {
                dark[(y * size + x + dx) as usize] = true;
            }
        }
        let side = ((size + 8) * 4) as usize;
        let mut image = rqrr::PreparedImage::prepare_from_greyscale(side, side, |px, py| {
            let (x, y) = (px as i32 / 4 - 4, py as i32 / 4 - 4);
            let inside = (0..size).contains(&x) && (0..size).contains(&y);
            if inside && dark[(y * size + x) as usize] { 0 } else { 255 }
        });
        let grids = image.detect_grids();
        assert_eq!(grids.len(), 1, "one code in the picture");
        grids[0].decode().unwrap().1
    }

    #[test]
    fn the_drawn_code_reads_back_as_the_value() {
        for value in ["GIFT-1234", "https://giftoin.example/claim?code=ÄÖÜ-€-12345678901234567890", "0"] {
            let (size, path) = qr_path(value).unwrap();
            assert_eq!(decode(size, &path), value);
        }
    }
}
