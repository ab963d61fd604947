//! Narrowing a WebSocket client's events to some hosts and VMs (on top of its topics).

use std::borrow::Cow;
use std::collections::HashSet;
use virtumancer_model::{Event, HostId, VmId};

/// Which hosts and VMs a client follows; `None` means all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// Only events about these hosts.
    pub hosts: Option<HashSet<HostId>>,
    /// Only events about these VMs (stats messages keep only these VMs).
    pub vms: Option<HashSet<VmId>>,
}

impl EventFilter {
    /// Parses comma-separated id lists (`hostIds`, `vmIds` query parameters).
    pub fn parse(hosts: Option<&str>, vms: Option<&str>) -> Result<Self, String> {
        fn ids<T: std::str::FromStr + std::hash::Hash + Eq>(
            s: Option<&str>,
            what: &str,
        ) -> Result<Option<HashSet<T>>, String> {
            s.filter(|s| !s.trim().is_empty())
                .map(|s| {
                    s.split(',')
                        .map(|i| {
                            i.trim()
                                .parse()
                                .map_err(|_| format!("'{}' is not a {what} id", i.trim()))
                        })
                        .collect()
                })
                .transpose()
        }
        Ok(Self {
            hosts: ids(hosts, "host")?,
            vms: ids(vms, "VM")?,
        })
    }

    fn host(&self, h: &HostId) -> bool {
        self.hosts.as_ref().is_none_or(|s| s.contains(h))
    }

    fn vm(&self, v: &VmId) -> bool {
        self.vms.as_ref().is_none_or(|s| s.contains(v))
    }

    /// The event as this client should see it, or `None` when it is not for this client.
    pub fn apply<'a>(&self, ev: &'a Event) -> Option<Cow<'a, Event>> {
        if self.hosts.is_none() && self.vms.is_none() {
            return Some(Cow::Borrowed(ev));
        }
        let keep = match ev {
            Event::HostUpserted { host } => self.host(&host.id),
            Event::HostRemoved { host_id } | Event::HostState { host_id, .. } => self.host(host_id),
            Event::InventoryChanged {
                host_id,
                vm_ids,
                vm_count,
                ..
            } => {
                // A truncated id list may hide a followed VM: pass it on.
                self.host(host_id)
                    && (self.vms.is_none()
                        || *vm_count > vm_ids.len()
                        || vm_ids.iter().any(|v| self.vm(v)))
            }
            Event::TaskUpdated { task } => {
                task.host_id.is_some_and(|h| self.host(&h))
                    && (self.vms.is_none() || task.vm_id.is_some_and(|v| self.vm(&v)))
            }
            Event::Stats { host, vms } => {
                if !self.host(&host.host_id) {
                    return None;
                }
                if self.vms.is_none() {
                    return Some(Cow::Borrowed(ev));
                }
                return Some(Cow::Owned(Event::Stats {
                    host: host.clone(),
                    vms: vms.iter().filter(|s| self.vm(&s.vm_id)).cloned().collect(),
                }));
            }
        };
        keep.then_some(Cow::Borrowed(ev))
    }
}
