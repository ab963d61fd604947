//! A key-value backend in memory, for tests and for servers that keep no plugin data.

use crate::{KvBackend, check_kv};
use parking_lot::Mutex;
use std::collections::BTreeMap;

/// Plugin key-value pairs in memory.
#[derive(Debug, Default)]
pub struct MemoryKv {
    pairs: Mutex<BTreeMap<(String, String), String>>,
}

impl KvBackend for MemoryKv {
    fn get(&self, plugin: &str, key: &str) -> Result<Option<String>, String> {
        Ok(self
            .pairs
            .lock()
            .get(&(plugin.to_owned(), key.to_owned()))
            .cloned())
    }

    fn set(&self, plugin: &str, key: &str, value: &str) -> Result<(), String> {
        let mut pairs = self.pairs.lock();
        let id = (plugin.to_owned(), key.to_owned());
        let keys = pairs.keys().filter(|(p, _)| p == plugin).count();
        check_kv(key, value, keys, pairs.contains_key(&id))?;
        pairs.insert(id, value.to_owned());
        Ok(())
    }

    fn delete(&self, plugin: &str, key: &str) -> Result<(), String> {
        self.pairs
            .lock()
            .remove(&(plugin.to_owned(), key.to_owned()));
        Ok(())
    }
}
