//! A map kept as one sorted `Vec`: for the console's small maps (a slot per region and
//! service, an override per service), where `BTreeMap`'s node code cost about 3 KB of wasm
//! per key and value type. Same iteration order as a `BTreeMap` (by key), so what is stored
//! or shown does not change.

use std::borrow::Borrow;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SortedMap<K, V>(Vec<(K, V)>);

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        SortedMap(Vec::new())
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    pub const fn new() -> Self {
        SortedMap(Vec::new())
    }

    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.0.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.0[i].1)
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// Sets the value; answers the one it replaced.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    /// The value, inserted from `make` when missing.
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

    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| self.0.remove(i).1)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// In key order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// In key order.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.0.iter().map(|(_, v)| v)
    }
}

/// As `BTreeMap`'s: for a key given twice, the last value wins.
impl<K: Ord, V> FromIterator<(K, V)> for SortedMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(items: I) -> Self {
        let mut map = SortedMap::new();
        for (k, v) in items {
            map.insert(k, v);
        }
        map
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn behaves_as_a_btree_map() {
        // The same operations on both, checked after each step.
        let ops: Vec<(u8, &str, i32)> = vec![
            (0, "b", 1),
            (0, "a", 2),
            (0, "c", 3),
            (0, "a", 4),
            (1, "b", 0),
            (2, "z", 5),
            (2, "c", 6),
            (1, "q", 0),
            (0, "", 7),
        ];
        let mut ours = SortedMap::new();
        let mut theirs = BTreeMap::new();
        for (op, key, value) in ops {
            match op {
                0 => assert_eq!(
                    ours.insert(key.to_string(), value),
                    theirs.insert(key.to_string(), value)
                ),
                1 => assert_eq!(ours.remove(key), theirs.remove(key)),
                _ => {
                    *ours.get_or_insert_with(key.to_string(), || 0) += value;
                    *theirs.entry(key.to_string()).or_insert(0) += value;
                }
            }
            assert!(ours.iter().eq(theirs.iter()));
            assert_eq!(ours.len(), theirs.len());
            for probe in ["a", "b", "c", "z", "q", ""] {
                assert_eq!(ours.get(probe), theirs.get(probe));
                assert_eq!(ours.contains_key(probe), theirs.contains_key(probe));
            }
        }
        let collected: SortedMap<_, _> = [(2, "x"), (1, "y"), (2, "z")].into_iter().collect();
        let expected: BTreeMap<_, _> = [(2, "x"), (1, "y"), (2, "z")].into_iter().collect();
        assert!(collected.iter().eq(expected.iter()));
    }
}
