//! Why one plugin call failed. A fault (timeout, fuel, memory, trap) is counted against the
//! plugin's health; a refusal is the plugin answering as designed.

use crate::bindings::virtumancer::plugin::types::PluginError;

/// A failed plugin call.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum CallError {
    /// The plugin answered with an error (its text is for the user).
    #[error("{0}")]
    Refused(Refusal),
    /// The call ran past its deadline and was stopped.
    #[error("plugin {plugin} was stopped after {ms} ms (its call deadline)")]
    Timeout {
        /// The plugin.
        plugin: String,
        /// The deadline.
        ms: u32,
    },
    /// The call used up its fuel and was stopped.
    #[error("plugin {plugin} used up its fuel ({millions} million) and was stopped")]
    OutOfFuel {
        /// The plugin.
        plugin: String,
        /// The fuel per call.
        millions: u32,
    },
    /// The call wanted more memory than the plugin may have.
    #[error("plugin {plugin} needed more than its {mib} MiB of memory and was stopped")]
    OutOfMemory {
        /// The plugin.
        plugin: String,
        /// The cap.
        mib: u32,
    },
    /// The plugin trapped (a panic, an unreachable, a bad memory access…).
    #[error("plugin {plugin} crashed: {message}")]
    Trap {
        /// The plugin.
        plugin: String,
        /// wasmtime's description.
        message: String,
    },
    /// The plugin is disabled, or unhealthy after repeated faults; it is not called.
    #[error("plugin {plugin} is {state}; it is not called until it is enabled or reloaded")]
    NotCallable {
        /// The plugin.
        plugin: String,
        /// `disabled` or `unhealthy`.
        state: &'static str,
    },
}

impl CallError {
    /// Whether this counts as a fault of the plugin (everything but a refusal and a call that
    /// was never made).
    pub fn is_fault(&self) -> bool {
        !matches!(self, Self::Refused(_) | Self::NotCallable { .. })
    }
}

/// A plugin's own error answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Refusal {
    /// `invalid-spec`, `unsupported` or `failed`.
    pub kind: &'static str,
    /// The plugin's text.
    pub message: String,
}

impl From<PluginError> for Refusal {
    fn from(e: PluginError) -> Self {
        let (kind, message) = match e {
            PluginError::InvalidSpec(m) => ("invalid-spec", m),
            PluginError::Unsupported(m) => ("unsupported", m),
            PluginError::Failed(m) => ("failed", m),
        };
        // A plugin's text reaches users: keep it to one reasonable paragraph.
        let message = message.chars().take(1000).collect();
        Self { kind, message }
    }
}

impl CallError {
    /// The driver error the engine sees: a refusal is the plugin judging the spec
    /// (`InvalidSpec`, its message for the user); anything else is a failure (`Backend`).
    pub fn into_driver_error(self) -> virtumancer_drivers::DriverError {
        match self {
            Self::Refused(r) => virtumancer_drivers::DriverError::InvalidSpec(r.message),
            other => virtumancer_drivers::DriverError::Backend(other.to_string()),
        }
    }
}
