// Names of host network interfaces (bridges), as the server checks them. Pure.

/** Longest Linux interface name (IFNAMSIZ - 1). */
export const MAX_BRIDGE_NAME = 15

/** Why `bridge` is not an interface name, or null when it is one. */
export function bridgeNameError(bridge: string): string | null {
  if (bridge.length === 0 || bridge.length > MAX_BRIDGE_NAME || !/^[A-Za-z0-9._-]+$/.test(bridge)) {
    return `'${bridge}' is not an interface name (1–${MAX_BRIDGE_NAME} letters, digits, '-', '_', '.')`
  }
  return null
}
