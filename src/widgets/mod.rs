//! The Leptos components, usable from Rust, and what they share.

pub mod battlepass;
pub mod collection;
pub mod countdown;
pub mod events;
pub mod lean;
pub mod polling;
pub mod qr;
pub mod remote;
mod rows;
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

/// An item's key for a keyed `<For>`: its identity and the version of its content. The version
/// changes whenever the item with that identity differs from the last list's (any field, shown
/// or not), so an edited item re-renders and an unchanged one is left alone.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    /// Who the item is.
    pub identity: Identity,
    /// Its content's version.
    pub version: u32,
    /// A number for the identity, kept for as long as the identity stays in the list.
    serial: u32,
}

impl Key {
    /// What `<For>` keys by: the identity's number and the version, unique within the list. A
    /// number, not the identity itself: the keyed diff then hashes and compares integers, and
    /// the wasm has no hashing code for the identities' strings.
    pub fn id(&self) -> u64 {
        (u64::from(self.serial) << 32) | u64::from(self.version)
    }
}

/// Pairs items with keys for a keyed `<For>`, given the last list this produced (a `Memo`'s
/// previous value).
///
/// ```
/// use progress_widgets::widgets::{keyed, Identity};
/// let id = |item: &(Option<&str>, u32)| item.0.map(str::to_owned);
/// let first = keyed(vec![(Some("a"), 1), (None, 2), (Some("b"), 3), (Some("b"), 4)], id, None);
/// let keys: Vec<_> = first.iter().map(|(key, _)| key.identity.clone()).collect();
/// assert_eq!(keys, [Identity::Id("a".into()), Identity::Position(1), Identity::Position(2), Identity::Position(3)]);
/// // A refresh: `a` edited gets a new version, the rest keep theirs.
/// let second = keyed(vec![(Some("a"), 9), (None, 2), (Some("b"), 3), (Some("b"), 4)], id, Some(&first));
/// assert_eq!((&second[0].0.identity, second[0].0.version), (&Identity::Id("a".into()), 1));
/// assert_ne!(second[0].0.id(), first[0].0.id());
/// assert_eq!(second[1].0, first[1].0);
/// ```
pub fn keyed<T: PartialEq>(items: Vec<T>, id: impl Fn(&T) -> Option<String>, previous: Option<&Vec<(Key, T)>>) -> Vec<(Key, T)> {
    // Loops rather than iterator chains throughout: each adapter of a chain is code of its own in
    // the wasm, per item type.
    let mut ids = Vec::with_capacity(items.len());
    for item in &items {
        ids.push(id(item));
    }
    let identities = identities(ids);
    let empty = Vec::new();
    let previous = previous.unwrap_or(&empty);
    let mut old = Vec::with_capacity(previous.len());
    for (key, _) in previous {
        old.push(key);
    }
    // Only this comparison depends on `T`: the rest is shared by every list (one copy in the wasm).
    let mut keys = versioned(identities, &old, &|new, old| items[new] == previous[old].1).into_iter();
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        out.push((keys.next().expect("a key per item"), item));
    }
    out
}

fn identities(ids: Vec<Option<String>>) -> Vec<Identity> {
    // Sorted positions, so repeated ids sit side by side (sorting, not a hash map: no hasher in
    // the wasm for this, and 10,000 levels sort in well under a millisecond).
    let mut order = Vec::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        if id.is_some() {
            order.push(i);
        }
    }
    sort_positions(&mut order, &|a, b| ids[a].cmp(&ids[b]));
    let mut unique = vec![false; ids.len()];
    for (k, &i) in order.iter().enumerate() {
        let same = |j: Option<&usize>| j.is_some_and(|&j| ids[j] == ids[i]);
        unique[i] = !same(k.checked_sub(1).and_then(|p| order.get(p))) && !same(order.get(k + 1));
    }
    let mut identities = Vec::with_capacity(ids.len());
    for (i, id) in ids.into_iter().enumerate() {
        identities.push(match id {
            Some(id) if unique[i] => Identity::Id(id),
            _ => Identity::Position(i),
        });
    }
    identities
}

/// Each new item's key: its identity, with the old version if the item with that identity is
/// unchanged, the next one if it changed, 0 if it is new; the old serial, or a number no old item
/// has for a new identity. `same(new, old)` compares items by index.
fn versioned(identities: Vec<Identity>, previous: &[&Key], same: &dyn Fn(usize, usize) -> bool) -> Vec<Key> {
    // The old identities sorted, searched by binary search (identities are unique in a list).
    let mut before = Vec::with_capacity(previous.len());
    for i in 0..previous.len() {
        before.push(i);
    }
    sort_positions(&mut before, &|a, b| previous[a].identity.cmp(&previous[b].identity));
    // New identities count on from the highest serial in use (4 billion new items in one widget's
    // life before a number could come round again).
    let mut next = 0;
    for key in previous {
        next = next.max(key.serial);
    }
    let mut keys = Vec::with_capacity(identities.len());
    for (new, identity) in identities.into_iter().enumerate() {
        let (version, serial) = match before.binary_search_by(|&old| previous[old].identity.cmp(&identity)) {
            Ok(at) => {
                let old = previous[before[at]];
                (if same(new, before[at]) { old.version } else { old.version.wrapping_add(1) }, old.serial)
            }
            Err(_) => {
                next = next.wrapping_add(1);
                (0, next)
            }
        };
        keys.push(Key { identity, version, serial });
    }
    keys
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
    use super::{keyed, sort_positions};

    #[test]
    fn keys_are_unique_in_every_list_and_kept_by_unchanged_items() {
        let id = |item: &(Option<&'static str>, u32)| item.0.map(str::to_owned);
        let lists: [Vec<(Option<&'static str>, u32)>; 4] = [
            vec![(Some("a"), 1), (Some("b"), 1), (None, 1)],
            // `b` gone, `c` new, `a` edited, an item without an id added.
            vec![(Some("a"), 2), (Some("c"), 1), (None, 1), (None, 5)],
            // `b` back (a new item now), `c` unchanged but moved.
            vec![(Some("c"), 1), (Some("b"), 1), (Some("a"), 2), (Some("d"), 1)],
            vec![],
        ];
        let mut previous: Option<Vec<_>> = None;
        for list in lists {
            let next = keyed(list, id, previous.as_ref());
            let mut ids: Vec<u64> = next.iter().map(|(key, _)| key.id()).collect();
            ids.sort_unstable();
            ids.dedup();
            assert_eq!(ids.len(), next.len(), "unique keys: {next:?}");
            if let Some(before) = &previous {
                for (key, item) in &next {
                    if let Some((old, _)) = before.iter().find(|(old, old_item)| old.identity == key.identity && old_item == item) {
                        assert_eq!(old.id(), key.id(), "an unchanged item keeps its key");
                    }
                }
            }
            previous = Some(next);
        }
    }

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
