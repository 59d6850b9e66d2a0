// Address text helpers shared by the warnings, the CLI and the exporter.
import { isIPv4 } from 'node:net';

/** The IPv4-mapped IPv6 prefix, `::ffff:` (native/address.h kIPv4MappedPrefix). */
const MAPPED_PREFIX = '::ffff:';

/** The IPv4 address inside an IPv4-mapped IPv6 one (`::ffff:127.0.0.1` -> `127.0.0.1`); others as given. */
export function unmapIPv4(address: string): string {
  const inner = address.slice(MAPPED_PREFIX.length);
  return address.toLowerCase().startsWith(MAPPED_PREFIX) && isIPv4(inner) ? inner : address;
}

/** Whether an address is loopback (127.0.0.0/8, ::1, or 127.x mapped into IPv6). */
export function isLoopback(address: string): boolean {
  const v4 = unmapIPv4(address);
  return v4 === '::1' || (isIPv4(v4) && v4.startsWith('127.'));
}

/** An address as the host part of `host:port` or a URL: IPv6 in brackets. */
export function bracketHost(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/** `local -> remote:port`, the remote address in brackets when it is IPv6. */
export function describeDestination(d: { localAddress: string; remoteAddress: string; remotePort: number }): string {
  return `${d.localAddress} -> ${bracketHost(d.remoteAddress)}:${d.remotePort}`;
}
