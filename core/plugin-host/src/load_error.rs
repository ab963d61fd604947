//! Why a plugin could not be loaded.

/// A plugin that cannot be loaded; nothing of it runs.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The manifest is refused.
    #[error(transparent)]
    Manifest(#[from] crate::ManifestError),
    /// A file could not be read or written.
    #[error("{path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// The component is not valid WebAssembly or does not match the contract.
    #[error("the component does not compile or link: {0}")]
    Compile(String),
    /// The component's own description disagrees with its manifest.
    #[error("the component describes itself differently from plugin.toml: {0}")]
    Mismatch(String),
    /// The component failed while describing itself.
    #[error("the component failed while describing itself: {0}")]
    Describe(String),
    /// The engine could not be set up.
    #[error("the plugin engine: {0}")]
    Engine(String),
}
