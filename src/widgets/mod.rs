//! The Leptos components, usable from Rust, and what they share.

pub mod battlepass;
pub mod collection;
pub mod countdown;
pub mod events;
pub mod lean;
pub mod polling;
pub mod qr;
pub mod remote;
pub mod sign_in;
pub mod styles;
mod track;

pub use battlepass::BattlepassProgress;
pub use collection::CollectionProgress;
pub use lean::{effect, When};

/// Seconds between background refreshes when nothing else is said.
pub const DEFAULT_REFRESH_SECS: u32 = 60;

/// Who a list item is across refreshes: its id when no other item in the list has it, else its
/// position (repeated ids say nothing about which is which).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Identity {
    /// A unique id.
    Id(String),
    /// A position, for items whose id is missing or repeated.
    Position(usize),
}

/// A `<For>` key: the item's identity and the version of its content. The version changes
/// whenever the item with that identity differs from the last list's (any field, shown or not),
/// so an edited item re-renders and an unchanged one is left alone.
pub type Key = (Identity, u32);

/// Pairs items with keys for a keyed `<For>`, given the last list this produced (a `Memo`'s
/// previous value).
///
/// ```
/// use progress_widgets::widgets::{keyed, Identity};
/// let id = |item: &(Option<&str>, u32)| item.0.map(str::to_owned);
/// let first = keyed(vec![(Some("a"), 1), (None, 2), (Some("b"), 3), (Some("b"), 4)], id, None);
/// let keys: Vec<_> = first.iter().map(|(key, _)| key.0.clone()).collect();
/// assert_eq!(keys, [Identity::Id("a".into()), Identity::Position(1), Identity::Position(2), Identity::Position(3)]);
/// // A refresh: `a` edited gets a new version, the rest keep theirs.
/// let second = keyed(vec![(Some("a"), 9), (None, 2), (Some("b"), 3), (Some("b"), 4)], id, Some(&first));
/// assert_eq!(second[0].0, (Identity::Id("a".into()), 1));
/// assert_eq!(second[1].0, first[1].0);
/// ```
pub fn keyed<T: PartialEq>(items: Vec<T>, id: impl Fn(&T) -> Option<String>, previous: Option<&Vec<(Key, T)>>) -> Vec<(Key, T)> {
    let identities = identities(items.iter().map(id).collect());
    let empty = Vec::new();
    let previous = previous.unwrap_or(&empty);
    let old: Vec<&Key> = previous.iter().map(|(key, _)| key).collect();
    // Only this comparison depends on `T`: the rest is shared by every list (one copy in the wasm).
    let versions = versions(&identities, &old, &|new, old| items[new] == previous[old].1);
    identities.into_iter().zip(versions).zip(items).collect()
}

fn identities(ids: Vec<Option<String>>) -> Vec<Identity> {
    // Sorted positions, so repeated ids sit side by side (sorting, not a hash map: no hasher in
    // the wasm for this, and 10,000 levels sort in well under a millisecond).
    let mut order: Vec<usize> = (0..ids.len()).filter(|&i| ids[i].is_some()).collect();
    sort_positions(&mut order, &|a, b| ids[a].cmp(&ids[b]));
    let mut unique = vec![false; ids.len()];
    for (k, &i) in order.iter().enumerate() {
        let same = |j: Option<&usize>| j.is_some_and(|&j| ids[j] == ids[i]);
        unique[i] = !same(k.checked_sub(1).and_then(|p| order.get(p))) && !same(order.get(k + 1));
    }
    ids.into_iter()
        .zip(unique)
        .enumerate()
        .map(|(i, (id, unique))| match id {
            Some(id) if unique => Identity::Id(id),
            _ => Identity::Position(i),
        })
        .collect()
}

/// Each new item's version: the old one if the item with its identity is unchanged, the next one
/// if it changed, 0 if it is new. `same(new, old)` compares items by index.
fn versions(identities: &[Identity], previous: &[&Key], same: &dyn Fn(usize, usize) -> bool) -> Vec<u32> {
    // The old identities sorted, searched by binary search (identities are unique in a list).
    let mut before: Vec<usize> = (0..previous.len()).collect();
    sort_positions(&mut before, &|a, b| previous[a].0.cmp(&previous[b].0));
    identities
        .iter()
        .enumerate()
        .map(|(new, identity)| match before.binary_search_by(|&old| previous[old].0.cmp(identity)) {
            Ok(at) if same(new, before[at]) => previous[before[at]].1,
            Ok(at) => previous[before[at]].1.wrapping_add(1),
            Err(_) => 0,
        })
        .collect()
}

/// Sorts positions by `compare`, ties in position order (so the sort is stable). Every list the
/// crate sorts goes through this one non-generic sort: each `sort_by` closure would otherwise get
/// its own copy of the sorting code in the wasm (about 2.5 KB each).
///
/// A heapsort: O(n log n) whatever the order, in a few hundred bytes of wasm, where std's
/// `sort_unstable_by` (a quicksort with sorting networks for short runs) is 3.5 KB (1.1 KB
/// brotli). Lists here are at most thousands long, and a comparison is an indirect call either way.
pub(crate) fn sort_positions(positions: &mut [usize], compare: &dyn Fn(usize, usize) -> std::cmp::Ordering) {
    let less = |a: usize, b: usize| compare(a, b).then(a.cmp(&b)).is_lt();
    // Moves the item at `node` down until neither child within `end` is greater.
    let sift_down = |v: &mut [usize], mut node: usize, end: usize| loop {
        let mut child = 2 * node + 1;
        if child >= end {
            break;
        }
        if child + 1 < end && less(v[child], v[child + 1]) {
            child += 1;
        }
        if !less(v[node], v[child]) {
            break;
        }
        v.swap(node, child);
        node = child;
    };
    let len = positions.len();
    for node in (0..len / 2).rev() {
        sift_down(positions, node, len);
    }
    for end in (1..len).rev() {
        positions.swap(0, end);
        sift_down(positions, 0, end);
    }
}

/// An image URL that is safe to put in `src`: http(s), protocol-relative or a path. Anything
/// else (`javascript:`, `data:` ...) is dropped rather than shown.
///
/// ```
/// use progress_widgets::widgets::image_src;
/// assert_eq!(image_src("https://cdn.example/a.png"), Some("https://cdn.example/a.png".into()));
/// assert_eq!(image_src("javascript:alert(1)"), None);
/// assert_eq!(image_src("string"), None);
/// ```
pub fn image_src(url: &str) -> Option<String> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    let ok = lower.starts_with("https://") || lower.starts_with("http://") || url.starts_with('/');
    ok.then(|| url.to_owned())
}

#[cfg(test)]
mod tests {
    use super::sort_positions;

    #[test]
    fn positions_sort_like_a_stable_sort_whatever_the_order() {
        // Keys with many ties, in sorted, reversed, and scrambled orders, of every length to 40.
        for len in 0..40usize {
            for keys in [
                (0..len).map(|i| i / 3).collect::<Vec<_>>(),
                (0..len).rev().map(|i| i / 3).collect(),
                (0..len).map(|i| (i * 7919 + 13) % 11).collect(),
            ] {
                let mut positions: Vec<usize> = (0..len).collect();
                sort_positions(&mut positions, &|a, b| keys[a].cmp(&keys[b]));
                let mut expected: Vec<usize> = (0..len).collect();
                expected.sort_by_key(|&i| keys[i]);
                assert_eq!(positions, expected, "keys {keys:?}");
            }
        }
    }
}
