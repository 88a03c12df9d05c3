//! Slots addressed by 1-based indexes. Insert takes the most recently freed slot
//! (LIFO), else appends. Removing a free or out-of-range index yields nothing.

#[derive(Debug, Default, Clone)]
pub struct HandleTable<T> {
    slots: Vec<Option<T>>,
    free: Vec<usize>, // the last element is reused first
}

impl<T> HandleTable<T> {
    pub fn new() -> Self {
        HandleTable { slots: Vec::new(), free: Vec::new() }
    }

    /// The index the next insert will return.
    pub fn next_index(&self) -> usize {
        self.free.last().copied().unwrap_or(self.slots.len() + 1)
    }

    pub fn insert(&mut self, value: T) -> usize {
        match self.free.pop() {
            Some(index) => {
                self.slots[index - 1] = Some(value);
                index
            }
            None => {
                self.slots.push(Some(value));
                self.slots.len()
            }
        }
    }

    pub fn get(&self, index: usize) -> Option<&T> {
        index.checked_sub(1).and_then(|i| self.slots.get(i)).and_then(Option::as_ref)
    }

    pub fn get_mut(&mut self, index: usize) -> Option<&mut T> {
        index.checked_sub(1).and_then(|i| self.slots.get_mut(i)).and_then(Option::as_mut)
    }

    pub fn remove(&mut self, index: usize) -> Option<T> {
        let value = index.checked_sub(1).and_then(|i| self.slots.get_mut(i)).and_then(Option::take)?;
        self.free.push(index);
        Some(value)
    }

    pub fn clear(&mut self) {
        self.slots.clear();
        self.free.clear();
    }

    pub fn len(&self) -> usize {
        self.slots.iter().filter(|s| s.is_some()).count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Used indexes in slot order.
    pub fn indexes(&self) -> Vec<usize> {
        self.slots.iter().enumerate().filter(|(_, s)| s.is_some()).map(|(i, _)| i + 1).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reuses_the_most_recently_freed_index_first() {
        let mut t = HandleTable::new();
        let (a, b, c) = (t.insert('a'), t.insert('b'), t.insert('c'));
        assert_eq!((a, b, c), (1, 2, 3));
        assert_eq!(t.remove(a), Some('a'));
        assert_eq!(t.remove(c), Some('c'));
        assert_eq!(t.next_index(), 3);
        assert_eq!(t.insert('d'), 3);
        assert_eq!(t.insert('e'), 1);
        assert_eq!(t.insert('f'), 4);
        assert_eq!(t.indexes(), vec![1, 2, 3, 4]);
    }

    #[test]
    fn removing_twice_or_out_of_range_yields_nothing() {
        let mut t = HandleTable::new();
        let a = t.insert(1);
        assert_eq!(t.remove(a), Some(1));
        assert_eq!(t.remove(a), None);
        assert_eq!(t.remove(0), None);
        assert_eq!(t.remove(99), None);
        assert_eq!(t.get(a), None);
        assert!(t.is_empty());
    }

    #[test]
    fn clear_forgets_free_slots() {
        let mut t = HandleTable::new();
        t.insert(1);
        let b = t.insert(2);
        t.remove(b);
        t.clear();
        assert_eq!(t.len(), 0);
        assert_eq!(t.insert(3), 1);
    }
}
