//! Settings of NIC and network kinds between the engine's maps and the contract's lists.

use crate::bindings::virtumancer::plugin::types::Param;
use std::collections::BTreeMap;

/// The contract's `list<param>` of a settings map.
pub(crate) fn to_wit(params: &BTreeMap<String, String>) -> Vec<Param> {
    params
        .iter()
        .map(|(k, v)| Param {
            key: k.clone(),
            value: v.clone(),
        })
        .collect()
}

/// The settings map of the contract's `list<param>` (a repeated key keeps its last value).
pub(crate) fn from_wit(params: Vec<Param>) -> BTreeMap<String, String> {
    params.into_iter().map(|p| (p.key, p.value)).collect()
}

/// A kind's params schema as JSON; one that does not parse reads as "any object".
pub(crate) fn schema(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|_| serde_json::json!({"type": "object"}))
}
