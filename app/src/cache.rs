//! A short-lived cache of computed answers: the same question within a
//! minute is answered from memory (a dashboard over a million households
//! takes seconds to compute, and its figures need not be fresher than
//! that). Values are stored by a caller-built key and typed on the way
//! out; an entry older than the time to live is a miss. A time to live of
//! zero turns it off.

use std::any::Any;
use std::sync::Arc;
use std::time::{Duration, Instant};

type Entry = (Instant, Arc<dyn Any + Send + Sync>);

/// Answers by key, each for `ttl` after it was computed.
pub struct AnswerCache {
    entries: quick_cache::sync::Cache<String, Entry>,
    ttl: Duration,
}

impl AnswerCache {
    /// At most `capacity` answers, each kept `ttl_secs` seconds.
    pub fn new(capacity: usize, ttl_secs: u64) -> Self {
        Self {
            entries: quick_cache::sync::Cache::new(capacity.max(1)),
            ttl: Duration::from_secs(ttl_secs),
        }
    }

    /// The answer stored under `key`, if it is of type `T` and young enough.
    pub fn get<T: Clone + Send + Sync + 'static>(&self, key: &str) -> Option<T> {
        if self.ttl.is_zero() {
            return None;
        }
        let (at, value) = self.entries.get(key)?;
        if at.elapsed() > self.ttl {
            self.entries.remove(key);
            return None;
        }
        value.downcast_ref::<T>().cloned()
    }

    /// Stores an answer computed now.
    pub fn insert<T: Send + Sync + 'static>(&self, key: String, value: T) {
        if !self.ttl.is_zero() {
            self.entries.insert(key, (Instant::now(), Arc::new(value)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::AnswerCache;

    #[test]
    fn answers_are_kept_by_key_and_type_and_not_when_off() {
        let cache = AnswerCache::new(8, 60);
        assert_eq!(cache.get::<i64>("a"), None);
        cache.insert("a".into(), 7_i64);
        assert_eq!(cache.get::<i64>("a"), Some(7));
        assert_eq!(cache.get::<String>("a"), None, "another type is a miss");
        assert_eq!(cache.get::<i64>("b"), None);
        let off = AnswerCache::new(8, 0);
        off.insert("a".into(), 7_i64);
        assert_eq!(off.get::<i64>("a"), None);
    }
}
