/** Example libvirt URIs shown as hints in the add-host form. */
export const URI_EXAMPLES: { uri: string; label: string }[] = [
  { uri: 'test:///default', label: 'built-in test driver (no real host)' },
  { uri: 'qemu:///system', label: 'local KVM' },
  { uri: 'qemu+ssh://root@host:22/system', label: 'remote over SSH' },
  { uri: 'qemu+tcp://host:16509/system', label: 'remote over TCP' },
  { uri: 'qemu+tls://host/system', label: 'remote over TLS' },
]

const SSH_TRANSPORTS = new Set(['ssh', 'libssh', 'libssh2'])

/** Transport part of a libvirt URI scheme: "qemu+ssh://…" → "ssh"; none → null. */
export function uriTransport(uri: string): string | null {
  const m = /^([a-z0-9]+)(?:\+([a-z0-9]+))?:\/\//i.exec(uri.trim())
  return m?.[2]?.toLowerCase() ?? null
}

/** SSH transports authenticate with a key file and need the host key to be trusted. */
export function usesSsh(uri: string): boolean {
  const t = uriTransport(uri)
  return t !== null && SSH_TRANSPORTS.has(t)
}
