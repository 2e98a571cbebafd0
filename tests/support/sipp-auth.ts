/**
 * SIPp's `[authentication …]` keyword for an injection file or a message.
 * SIPp reads a password that starts with `0x` as hex; the device secrets the
 * tests use never do (see addDevices).
 */
export function sippAuth(username: string, password: string): string {
  return `[authentication username=${username} password=${password}]`;
}
