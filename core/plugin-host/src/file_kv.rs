//! Plugin key-value pairs kept in files: `<dir>/<plugin id>.json`, written whole and renamed
//! into place, so a crash never leaves a half-written store.

use crate::{KvBackend, check_kv};
use parking_lot::Mutex;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Plugin key-value pairs in one JSON file per plugin.
#[derive(Debug)]
pub struct FileKv {
    dir: PathBuf,
    lock: Mutex<()>,
}

impl FileKv {
    /// A store in `dir` (made when first written).
    pub fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            lock: Mutex::new(()),
        }
    }

    fn file(&self, plugin: &str) -> Result<PathBuf, String> {
        if plugin.is_empty() || plugin.contains(['/', '\\']) || plugin.starts_with('.') {
            return Err(format!("'{plugin}' is not a plugin id"));
        }
        Ok(self.dir.join(format!("{plugin}.json")))
    }

    fn read(&self, plugin: &str) -> Result<BTreeMap<String, String>, String> {
        match std::fs::read_to_string(self.file(plugin)?) {
            Ok(text) => {
                serde_json::from_str(&text).map_err(|e| format!("the store is damaged: {e}"))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
            Err(e) => Err(e.to_string()),
        }
    }

    fn write(&self, plugin: &str, pairs: &BTreeMap<String, String>) -> Result<(), String> {
        let file = self.file(plugin)?;
        std::fs::create_dir_all(&self.dir).map_err(|e| e.to_string())?;
        let tmp = file.with_extension("json.tmp");
        let text = serde_json::to_string(pairs).map_err(|e| e.to_string())?;
        std::fs::write(&tmp, text)
            .and_then(|()| std::fs::rename(&tmp, &file))
            .map_err(|e| e.to_string())
    }
}

impl KvBackend for FileKv {
    fn get(&self, plugin: &str, key: &str) -> Result<Option<String>, String> {
        let _guard = self.lock.lock();
        Ok(self.read(plugin)?.get(key).cloned())
    }

    fn set(&self, plugin: &str, key: &str, value: &str) -> Result<(), String> {
        let _guard = self.lock.lock();
        let mut pairs = self.read(plugin)?;
        check_kv(key, value, pairs.len(), pairs.contains_key(key))?;
        pairs.insert(key.to_owned(), value.to_owned());
        self.write(plugin, &pairs)
    }

    fn delete(&self, plugin: &str, key: &str) -> Result<(), String> {
        let _guard = self.lock.lock();
        let mut pairs = self.read(plugin)?;
        if pairs.remove(key).is_some() {
            self.write(plugin, &pairs)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_survive_a_new_store_and_limits_hold() {
        let dir = tempfile::tempdir().unwrap();
        let kv = FileKv::new(dir.path().join("kv"));
        assert_eq!(kv.get("p", "a").unwrap(), None);
        kv.set("p", "a", "1").unwrap();
        kv.set("q", "a", "2").unwrap();
        let again = FileKv::new(dir.path().join("kv"));
        assert_eq!(again.get("p", "a").unwrap().as_deref(), Some("1"));
        assert_eq!(again.get("q", "a").unwrap().as_deref(), Some("2"));
        again.delete("p", "a").unwrap();
        assert_eq!(again.get("p", "a").unwrap(), None);
        assert!(kv.set("p", &"k".repeat(300), "v").is_err());
        assert!(kv.set("p", "big", &"v".repeat(70 * 1024)).is_err());
        assert!(kv.set("../evil", "a", "b").is_err());
    }
}
