import type { NativeEphemeralRange } from '../binding';
import type { Setting, TcpState } from '../types';
import type { Platform } from './table';

// Linux TCP states (include/net/tcp_states.h).
const TCP_ESTABLISHED = 1;
const TCP_SYN_SENT = 2;
const TCP_SYN_RECV = 3;
const TCP_FIN_WAIT1 = 4;
const TCP_FIN_WAIT2 = 5;
const TCP_TIME_WAIT = 6;
const TCP_CLOSE = 7;
const TCP_CLOSE_WAIT = 8;
const TCP_LAST_ACK = 9;
const TCP_LISTEN = 10;
const TCP_CLOSING = 11;
/** Connection requests; the kernel reports them as TCP_SYN_RECV. */
const TCP_NEW_SYN_RECV = 12;
/** Bound but neither listening nor connected (Linux 6.8+); finding them costs the kernel a second walk. */
const TCP_BOUND_INACTIVE = 13;

const raw: Record<TcpState, readonly number[]> = {
  ESTABLISHED: [TCP_ESTABLISHED],
  SYN_SENT: [TCP_SYN_SENT],
  SYN_RECV: [TCP_SYN_RECV, TCP_NEW_SYN_RECV],
  FIN_WAIT1: [TCP_FIN_WAIT1],
  FIN_WAIT2: [TCP_FIN_WAIT2],
  TIME_WAIT: [TCP_TIME_WAIT],
  CLOSE: [TCP_CLOSE, TCP_BOUND_INACTIVE],
  CLOSE_WAIT: [TCP_CLOSE_WAIT],
  LAST_ACK: [TCP_LAST_ACK],
  LISTEN: [TCP_LISTEN],
  CLOSING: [TCP_CLOSING],
  DELETE_TCB: [],
};

/** TCP_TIMEWAIT_LEN: fixed in the kernel; no sysctl changes it (tcp_fin_timeout is about FIN_WAIT2). */
const TIME_WAIT_SECONDS = 60;
/** How old a TIME_WAIT socket must be for reuse on kernels without tcp_tw_reuse_delay: 1 s. */
const DEFAULT_REUSE_DELAY_MS = 1000;
/** The kernel's default ip_local_port_range, 32768-60999. */
const DEFAULT_RANGE_SIZE = 60999 - 32768 + 1;

function sysctl(native: NativeEphemeralRange, name: string): Setting {
  const entry = native.values[name];
  return {
    value: entry ? entry.value : null,
    source: entry && entry.value !== null ? entry.source : null,
    name: `net.ipv4.${name}`,
  };
}

export const linux: Platform = {
  raw,
  // BOUND_INACTIVE costs the kernel a second walk (of its bind table): it is read only
  // when CLOSE is asked for by name.
  excludedByDefault: [TCP_BOUND_INACTIVE],
  // The kernel reports uid 0 and inode 0 for sockets that have no owner left
  // (TIME_WAIT, connection requests, orphans): that is "unknown", not root.
  hasOwner: (uid, inode) => inode !== 0 || uid !== 0,

  defaultRangeSize: DEFAULT_RANGE_SIZE,
  // A port is unique per (local address, remote address, remote port) unless bind() took it.
  portScope: 'destination',
  timeWaitTimerMs: TIME_WAIT_SECONDS * 1000,
  defaultReuseDelayMs: DEFAULT_REUSE_DELAY_MS,

  rangeSettings(native) {
    return {
      ipLocalPortRange: {
        value: [native.low, native.high],
        source: native.rangeSource,
        name: 'net.ipv4.ip_local_port_range',
      },
      ipLocalReservedPorts: {
        value: native.reservedList,
        source: native.reservedList === null ? null : 'sysctl',
        name: 'net.ipv4.ip_local_reserved_ports',
      },
      tcpTwReuse: sysctl(native, 'tcp_tw_reuse'),
      tcpTwReuseDelay: sysctl(native, 'tcp_tw_reuse_delay'),
      tcpTimestamps: sysctl(native, 'tcp_timestamps'),
      tcpFinTimeout: sysctl(native, 'tcp_fin_timeout'),
      tcpMaxTwBuckets: sysctl(native, 'tcp_max_tw_buckets'),
      timeWaitSeconds: { value: TIME_WAIT_SECONDS, source: 'constant', name: 'TCP_TIMEWAIT_LEN' },
    };
  },

  // connect() may take over a TIME_WAIT port when tcp_tw_reuse allows it for this
  // destination (2: when either end is loopback) and timestamps are on.
  timeWaitReuse(settings) {
    if (!settings.tcpTimestamps?.value) return 'none';
    const reuse = settings.tcpTwReuse?.value;
    return reuse === 1 ? 'all' : reuse === 2 ? 'loopback' : 'none';
  },
  // tcp_tw_reuse_delay (Linux 6.12+); before it the kernel reused after a fixed second.
  reuseDelayMs(settings) {
    if (linux.timeWaitReuse(settings) === 'none') return null;
    return settings.tcpTwReuseDelay?.value ?? DEFAULT_REUSE_DELAY_MS;
  },
};
