import { inspect } from 'node:util';

/** Every code a TcpStateError can carry. */
export const ERROR_CODES = [
  /** A system call failed; see `errno` and `syscall`. */
  'TCPSTATE_SYSTEM_ERROR',
  /** The OS refused the read (EPERM/EACCES). */
  'TCPSTATE_PERMISSION_DENIED',
  /** tcpstate has no socket-table reader for this platform. */
  'TCPSTATE_UNSUPPORTED_PLATFORM',
  /** The kernel has no socket diagnostics (NETLINK_SOCK_DIAG / inet_diag / tcp_diag). */
  'TCPSTATE_DIAG_UNAVAILABLE',
  /** The OS answered with something malformed or truncated. */
  'TCPSTATE_PROTOCOL_ERROR',
  /** The OS did not answer in time. */
  'TCPSTATE_TIMEOUT',
  /** The `netns` path does not exist. */
  'TCPSTATE_NETNS_NOT_FOUND',
  /** The `netns` path is not a network namespace file. */
  'TCPSTATE_NETNS_INVALID',
  /** Connect tracing cannot run here (no Linux, no BTF or tracepoints, no trace addon); `message` says why. */
  'TCPSTATE_TRACING_UNAVAILABLE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface TcpStateErrorDetails {
  code: ErrorCode;
  /** The OS error number (a positive Linux errno, a Win32 error code), or 0 when no system call failed. */
  errno: number;
  /** The system call that failed, or `null`. */
  syscall: string | null;
}

/** A failure of the operating system to give the socket table. Never "0 sockets". */
export class TcpStateError extends Error {
  readonly code: ErrorCode;
  readonly errno: number;
  readonly syscall: string | null;

  constructor(message: string, details: TcpStateErrorDetails) {
    super(message);
    this.name = 'TcpStateError';
    this.code = details.code;
    this.errno = details.errno;
    this.syscall = details.syscall;
  }
}

type NodeStyleError = (TypeError | RangeError) & { code: string };

function withCode<E extends Error>(error: E, code: string): E & { code: string } {
  return Object.assign(error, { code });
}

/** How Node describes a received value in argument errors. */
function received(value: unknown): string {
  if (value === null || value === undefined) return ` Received ${value}`;
  if (typeof value === 'function') return ` Received function ${value.name || '<anonymous>'}`;
  if (typeof value === 'object') {
    const name = (value as object).constructor?.name;
    return name ? ` Received an instance of ${name}` : ` Received ${inspect(value, { depth: -1 })}`;
  }
  let shown = inspect(value, { colors: false });
  if (shown.length > 28) shown = `${shown.slice(0, 25)}...`;
  return ` Received type ${typeof value} (${shown})`;
}

export function invalidArgType(name: string, expected: string, value: unknown): NodeStyleError {
  return withCode(
    new TypeError(`The "${name}" argument must be ${expected}.${received(value)}`),
    'ERR_INVALID_ARG_TYPE',
  );
}

export function invalidArgValue(name: string, value: unknown, reason: string): NodeStyleError {
  let shown = inspect(value, { depth: 1, breakLength: Infinity });
  if (shown.length > 64) shown = `${shown.slice(0, 61)}...`;
  return withCode(
    new TypeError(`The argument '${name}' ${reason}. Received ${shown}`),
    'ERR_INVALID_ARG_VALUE',
  );
}

export function outOfRange(name: string, range: string, value: unknown): NodeStyleError {
  return withCode(
    new RangeError(`The value of "${name}" is out of range. It must be ${range}. Received ${inspect(value)}`),
    'ERR_OUT_OF_RANGE',
  );
}
