//! Small sorting and ordered-set helpers, shared so that the WASM build carries one
//! sort and no B-tree.
//!
//! Every `slice::sort*` call and every `BTreeSet`/`BTreeMap` key type is a separate
//! copy of the standard library's code in the binary: in the web page's WASM that was
//! about 50 KB of sorts and 33 KB of B-trees, a sixth of the file (issue 4 asks for
//! under 500 KB). So:
//!
//! - [`sort_by`] (and [`sort`], [`sort_by_key`], [`sort_dedup`]) sort natively with the
//!   standard library; on `wasm32` they sort a list of positions with one shared,
//!   non-generic stable sort and then move the items into place. The result is the same
//!   on every target: a stable sort (tested against the standard library below).
//! - [`VecSet`] and [`VecMap`] are ordered sets and maps kept as sorted vectors. The
//!   analysis's sets are small (statement indexes, access levels, a few ARNs), where a
//!   sorted vector is also faster than a B-tree.

use std::borrow::Borrow;
use std::cmp::Ordering;

/// Sorts `v` stably by `cmp`.
pub fn sort_by<T>(v: &mut [T], cmp: impl FnMut(&T, &T) -> Ordering) {
    #[cfg(not(target_arch = "wasm32"))]
    v.sort_by(cmp);
    #[cfg(target_arch = "wasm32")]
    sort_by_positions(v, cmp);
}

/// Sorts `v` stably in its natural order.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// Sorts `v` stably by a key.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` and removes repeated items.
pub fn sort_dedup<T: Ord>(v: &mut Vec<T>) {
    sort(v);
    v.dedup();
}

/// The `wasm32` sort: sorts the positions `0..len` with the one shared sort, then
/// applies that permutation to `v` in place, cycle by cycle. Public to the crate so that
/// the native tests exercise it too. Only the two closures are generic: the sorting and
/// the cycle walk are compiled once for every item type.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn sort_by_positions<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    let order = {
        let items: &[T] = v;
        sorted_positions(items.len(), &mut |a, b| cmp(&items[a], &items[b]))
    };
    permute(order, &mut |i, j| v.swap(i, j));
}

/// The positions `0..len` sorted stably by `cmp`: the one sort instantiation behind
/// [`sort_by_positions`].
#[inline(never)]
pub(crate) fn sorted_positions(
    len: usize,
    cmp: &mut dyn FnMut(usize, usize) -> Ordering,
) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    if len > 1 {
        order.sort_by(|a, b| cmp(*a, *b));
    }
    order
}

/// For each position `0..len`, the first position whose item `cmp` finds equal to it
/// (itself when none comes earlier): one stable sort of the positions, so that finding
/// repeats among 100,000 items stays `n log n`, with no hash table.
pub(crate) fn first_equal(len: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let order = sorted_positions(len, cmp);
    // The sort is stable, so each run of equal items starts with the first one.
    let mut first_of: Vec<usize> = (0..len).collect();
    let mut first = 0;
    for (k, &i) in order.iter().enumerate() {
        let same = k > 0
            && order
                .get(k - 1)
                .is_some_and(|&p| cmp(p, i) == Ordering::Equal);
        if !same {
            first = i;
        }
        if let Some(f) = first_of.get_mut(i) {
            *f = first;
        }
    }
    first_of
}

/// Applies `order` (`order[j]` is the position whose item belongs at `j`) with `swap`.
/// Each cycle is walked once: a swap puts the right item at `j` and carries the
/// displaced one along the cycle.
#[inline(never)]
fn permute(mut order: Vec<usize>, swap: &mut dyn FnMut(usize, usize)) {
    for start in 0..order.len() {
        if order[start] == usize::MAX {
            continue;
        }
        let mut j = start;
        loop {
            let from = order[j];
            order[j] = usize::MAX;
            if from == start {
                break;
            }
            swap(j, from);
            j = from;
        }
    }
}

/// An ordered set kept as a sorted vector without repeats.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VecSet<T>(Vec<T>);

impl<T> Default for VecSet<T> {
    fn default() -> Self {
        VecSet(Vec::new())
    }
}

impl<T: Ord> VecSet<T> {
    pub fn new() -> Self {
        VecSet(Vec::new())
    }

    /// Adds `item`; `true` when it was not there yet.
    pub fn insert(&mut self, item: T) -> bool {
        match self.0.binary_search(&item) {
            Ok(_) => false,
            Err(at) => {
                self.0.insert(at, item);
                true
            }
        }
    }

    /// Whether `item` is in the set (as with `BTreeSet`, any borrowed form of `T`).
    pub fn contains<Q: Ord + ?Sized>(&self, item: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.0.binary_search_by(|x| x.borrow().cmp(item)).is_ok()
    }

    /// Removes `item`; `true` when it was there.
    pub fn remove(&mut self, item: &T) -> bool {
        match self.0.binary_search(item) {
            Ok(at) => {
                self.0.remove(at);
                true
            }
            Err(_) => false,
        }
    }

    /// Whether every item of `self` is in `other`.
    pub fn is_subset(&self, other: &VecSet<T>) -> bool {
        self.0.iter().all(|x| other.contains(x))
    }
}

impl<T> VecSet<T> {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The items in ascending order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }

    pub fn as_slice(&self) -> &[T] {
        &self.0
    }

    pub fn first(&self) -> Option<&T> {
        self.0.first()
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }

    pub fn into_vec(self) -> Vec<T> {
        self.0
    }
}

impl<T: Ord> FromIterator<T> for VecSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut v: Vec<T> = iter.into_iter().collect();
        sort_dedup(&mut v);
        VecSet(v)
    }
}

impl<T: Ord> Extend<T> for VecSet<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        let had = self.0.len();
        self.0.extend(iter);
        if self.0.len() != had {
            sort_dedup(&mut self.0);
        }
    }
}

impl<T> IntoIterator for VecSet<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a VecSet<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// An ordered map kept as a vector of entries sorted by key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VecMap<K, V>(Vec<(K, V)>);

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        VecMap(Vec::new())
    }
}

impl<K: Ord, V> VecMap<K, V> {
    pub fn new() -> Self {
        VecMap(Vec::new())
    }

    fn find(&self, key: &K) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.cmp(key))
    }

    pub fn get(&self, key: &K) -> Option<&V> {
        self.find(key).ok().map(|i| &self.0[i].1)
    }

    pub fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        match self.find(key) {
            Ok(i) => Some(&mut self.0[i].1),
            Err(_) => None,
        }
    }

    pub fn contains_key(&self, key: &K) -> bool {
        self.find(key).is_ok()
    }

    /// Sets `key` to `value`, returning the value it replaces.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    /// The value of `key`, inserted by `make` when it is absent.
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.find(&key) {
            Ok(i) => i,
            Err(i) => {
                self.0.insert(i, (key, make()));
                i
            }
        };
        &mut self.0[i].1
    }
}

impl<K, V> VecMap<K, V> {
    /// The value of the entry whose key `cmp` finds (it compares an entry's key with
    /// the wanted one, as `K::cmp` would), inserted from `make` when absent: a lookup
    /// by a borrowed form of the key, which builds the owned key only to insert it.
    pub fn get_or_insert_by(
        &mut self,
        mut cmp: impl FnMut(&K) -> Ordering,
        make: impl FnOnce() -> (K, V),
    ) -> &mut V {
        let i = match self.0.binary_search_by(|(k, _)| cmp(k)) {
            Ok(i) => i,
            Err(i) => {
                self.0.insert(i, make());
                i
            }
        };
        &mut self.0[i].1
    }
}

impl<K: Ord, V: Default> VecMap<K, V> {
    /// The value of `key`, inserted as `V::default()` when it is absent.
    pub fn get_or_default(&mut self, key: K) -> &mut V {
        self.get_or_insert_with(key, V::default)
    }
}

impl<K, V> VecMap<K, V> {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The entries in ascending key order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.0.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.0.iter().map(|(_, v)| v)
    }
}

impl<'a, K, V> IntoIterator for &'a VecMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl<K, V> IntoIterator for VecMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// FNV-style hashing, far cheaper than SipHash, for maps whose keys are not
/// attacker-chosen in a way that matters: the string solver's product states (the search
/// is bounded anyway) and the catalogue's fixed tables.
#[derive(Clone, Copy, Default)]
pub(crate) struct FastBuild;

impl std::hash::BuildHasher for FastBuild {
    type Hasher = FastHasher;
    fn build_hasher(&self) -> FastHasher {
        FastHasher(0xcbf2_9ce4_8422_2325)
    }
}

pub(crate) struct FastHasher(u64);

impl FastHasher {
    fn mix(&mut self, w: u64) {
        self.0 = (self.0 ^ w).wrapping_mul(0x0100_0000_01b3).rotate_left(23);
    }
}

impl std::hash::Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Whole words straight from the bytes; the tail zero-padded (the same words as
        // padding every chunk would give).
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(chunk);
            self.mix(u64::from_le_bytes(w));
        }
        let tail = chunks.remainder();
        if !tail.is_empty() {
            let mut w = [0u8; 8];
            if let Some(d) = w.get_mut(..tail.len()) {
                d.copy_from_slice(tail);
            }
            self.mix(u64::from_le_bytes(w));
        }
    }
}

/// A small deterministic generator for the unit tests' random cases (xorshift64):
/// `next(n)` is a number below `n` (`n` > 0).
#[cfg(test)]
pub(crate) fn test_rng(mut seed: u64) -> impl FnMut(usize) -> usize {
    move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    /// A small deterministic generator (xorshift), enough to vary the lists.
    fn lists() -> impl Iterator<Item = Vec<(u8, u16)>> {
        let mut s: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        };
        (0..2000).map(move |i| {
            let len = (next() % 40) as usize + (i % 3);
            // Few distinct keys so that stability matters; the second field is the
            // original position, to see it.
            (0..len).map(|p| ((next() % 6) as u8, p as u16)).collect()
        })
    }

    #[test]
    fn the_position_sort_is_the_standard_stable_sort() {
        for list in lists() {
            let mut want = list.clone();
            want.sort_by_key(|x| x.0);
            let mut got = list.clone();
            sort_by_positions(&mut got, |a, b| a.0.cmp(&b.0));
            assert_eq!(got, want, "input {list:?}");
            let mut desc = list.clone();
            sort_by_positions(&mut desc, |a, b| b.cmp(a));
            let mut want_desc = list;
            want_desc.sort_by(|a, b| b.cmp(a));
            assert_eq!(desc, want_desc);
        }
    }

    #[test]
    fn the_position_sort_moves_owned_items() {
        let mut v: Vec<String> = ["pear", "apple", "fig", "apple", "kiwi"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        sort_by_positions(&mut v, |a, b| a.cmp(b));
        assert_eq!(v, ["apple", "apple", "fig", "kiwi", "pear"]);
        let mut one = vec![String::from("x")];
        sort_by_positions(&mut one, |a, b| a.cmp(b));
        assert_eq!(one, ["x"]);
    }

    #[test]
    fn the_helpers_sort_and_dedup() {
        let mut v = vec![3, 1, 2, 3, 1];
        sort_dedup(&mut v);
        assert_eq!(v, [1, 2, 3]);
        let mut w = vec!["ccc", "a", "bb", "d"];
        sort_by_key(&mut w, |s| s.len());
        assert_eq!(w, ["a", "d", "bb", "ccc"]);
    }

    #[test]
    fn vec_set_behaves_as_a_btree_set() {
        for list in lists() {
            let mut set = VecSet::new();
            let mut reference = BTreeSet::new();
            for (k, p) in &list {
                assert_eq!(set.insert(*k), reference.insert(*k));
                if p % 5 == 4 {
                    assert_eq!(set.remove(&(k / 2)), reference.remove(&(k / 2)));
                }
            }
            assert!(set.iter().eq(reference.iter()));
            assert_eq!(set.len(), reference.len());
            assert_eq!(set.first(), reference.first());
            for k in 0..7u8 {
                assert_eq!(set.contains(&k), reference.contains(&k));
            }
            let collected: VecSet<u8> = list.iter().map(|x| x.0).collect();
            let want: BTreeSet<u8> = list.iter().map(|x| x.0).collect();
            assert!(collected.iter().eq(want.iter()));
            let mut extended = set.clone();
            extended.extend([5, 0, 5]);
            let mut want_ext = reference.clone();
            want_ext.extend([5, 0, 5]);
            assert!(extended.iter().eq(want_ext.iter()));
            assert_eq!(set.is_subset(&extended), reference.is_subset(&want_ext));
            assert_eq!(extended.is_subset(&set), want_ext.is_subset(&reference));
        }
    }

    #[test]
    fn vec_map_behaves_as_a_btree_map() {
        for list in lists() {
            let mut map: VecMap<u8, Vec<u16>> = VecMap::new();
            let mut reference: BTreeMap<u8, Vec<u16>> = BTreeMap::new();
            for (k, p) in &list {
                map.get_or_default(*k).push(*p);
                reference.entry(*k).or_default().push(*p);
                if p % 7 == 6 {
                    assert_eq!(map.insert(*k, vec![0]), reference.insert(*k, vec![0]));
                }
            }
            assert!(map.iter().eq(reference.iter()));
            for k in 0..7u8 {
                assert_eq!(map.get(&k), reference.get(&k));
                assert_eq!(map.contains_key(&k), reference.contains_key(&k));
            }
            assert!(map.keys().eq(reference.keys()));
            assert!(map.into_iter().eq(reference));
        }
    }
}
