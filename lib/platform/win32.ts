import type { NativeEphemeralRange } from '../binding';
import type { EphemeralRange, RejectReason, Setting, TcpState, Warning } from '../types';
import type { Platform } from './table';

// MIB_TCP_STATE (tcpmib.h).
const MIB_TCP_STATE_CLOSED = 1;
const MIB_TCP_STATE_LISTEN = 2;
const MIB_TCP_STATE_SYN_SENT = 3;
const MIB_TCP_STATE_SYN_RCVD = 4;
const MIB_TCP_STATE_ESTAB = 5;
const MIB_TCP_STATE_FIN_WAIT1 = 6;
const MIB_TCP_STATE_FIN_WAIT2 = 7;
const MIB_TCP_STATE_CLOSE_WAIT = 8;
const MIB_TCP_STATE_CLOSING = 9;
const MIB_TCP_STATE_LAST_ACK = 10;
const MIB_TCP_STATE_TIME_WAIT = 11;
const MIB_TCP_STATE_DELETE_TCB = 12;

const raw: Record<TcpState, readonly number[]> = {
  ESTABLISHED: [MIB_TCP_STATE_ESTAB],
  SYN_SENT: [MIB_TCP_STATE_SYN_SENT],
  SYN_RECV: [MIB_TCP_STATE_SYN_RCVD],
  FIN_WAIT1: [MIB_TCP_STATE_FIN_WAIT1],
  FIN_WAIT2: [MIB_TCP_STATE_FIN_WAIT2],
  TIME_WAIT: [MIB_TCP_STATE_TIME_WAIT],
  CLOSE: [MIB_TCP_STATE_CLOSED],
  CLOSE_WAIT: [MIB_TCP_STATE_CLOSE_WAIT],
  LAST_ACK: [MIB_TCP_STATE_LAST_ACK],
  LISTEN: [MIB_TCP_STATE_LISTEN],
  CLOSING: [MIB_TCP_STATE_CLOSING],
  DELETE_TCB: [MIB_TCP_STATE_DELETE_TCB],
};

const PARAMETERS = 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters';
const CIM_CLASS = 'ROOT\\StandardCimv2:MSFT_NetTCPSetting';

/** The Vista+ default dynamic port range, 49152-65535. */
const DEFAULT_START = 49152;
const DEFAULT_COUNT = 16384;

/**
 * TIME_WAIT length when TcpTimedWaitDelay is not set. Microsoft's pages disagree: the
 * Windows 2000 TCP/IP reference gives 240 s (0xF0), the Windows Server 2003 reference 120 s
 * (0x78), KB 314053 120 s for IPv4 and 240 s for IPv6, and the current "Troubleshoot port
 * exhaustion" article (Windows Server 2016 and later) "4 minutes (default)". The longer one
 * is assumed: it never understates how long a port stays taken.
 */
const DEFAULT_TIME_WAIT_SECONDS = 240;
const TIME_WAIT_NOTE =
  'TcpTimedWaitDelay is not set. Microsoft\'s documentation disagrees on the default: "4 minutes (default)" ' +
  'in the current "Troubleshoot port exhaustion" article and the Windows 2000 reference (240 s), 120 s in the ' +
  'Windows Server 2003 reference and for IPv4 in KB 314053. tcpstate assumes 240 s, which never understates ' +
  'how long a port stays taken; set TcpTimedWaitDelay (30-300) to make it explicit.';
const NETSH = 'netsh int ipv4|ipv6 show excludedportrange protocol=tcp';
/** The highest MaxUserPort the registry value takes: set to it, it limits nothing. */
const MAX_USER_PORT_CEILING = 65534;
const RANGE_ADVICE = 'Windows: netsh int ipv4 set dynamicport tcp start=49152 num=16384, and the same for ipv6';

function registry(native: NativeEphemeralRange, name: string): Setting {
  const entry = native.values[name];
  const setting: Setting = { value: null, source: 'default', name: `${PARAMETERS}\\${name}` };
  if (!entry) return setting;
  if (entry.rejected) {
    setting.rejected = { reason: entry.rejected as RejectReason, value: entry.value };
  } else if (entry.value !== null) {
    setting.value = entry.value;
    setting.source = 'registry';
  }
  return setting;
}

function dynamic(native: NativeEphemeralRange, name: string, fallback: number): Setting {
  const entry = native.values[name];
  const setting: Setting = { value: fallback, source: 'default', name: `${CIM_CLASS}.${name}` };
  if (entry?.rejected) {
    setting.rejected = { reason: entry.rejected as RejectReason, value: entry.value };
  } else if (entry && entry.value !== null) {
    setting.value = entry.value;
    setting.source = 'wmi';
  }
  if (setting.source === 'default' && native.note) setting.note = native.note;
  return setting;
}

/** "start-end,start" (the native list of excluded ranges) as [start, end] pairs. */
function ranges(list: string): Array<[number, number]> {
  if (list.trim() === '') return [];
  return list.split(',').map((piece) => {
    const [start, end = start] = piece.split('-').map(Number);
    return [start, end];
  });
}

function excluded(native: NativeEphemeralRange): Setting<Array<[number, number]>> {
  const setting: Setting<Array<[number, number]>> = { value: null, source: null, name: NETSH };
  if (native.reservedList !== null) {
    setting.value = ranges(native.reservedList);
    setting.source = 'netsh';
  } else if (native.note) {
    setting.note = native.note;
  }
  return setting;
}

function autoReuse(native: NativeEphemeralRange): Setting<[number, number]> {
  const start = native.values.AutoReusePortRangeStartPort;
  const count = native.values.AutoReusePortRangeNumberOfPorts;
  const setting: Setting<[number, number]> = { value: null, source: null, name: `${CIM_CLASS}.AutoReusePortRange*` };
  if (start?.rejected) {
    setting.rejected = { reason: start.rejected as RejectReason, value: start.value };
  } else if (start?.value != null && count?.value != null) {
    setting.value = [start.value, start.value + count.value - 1];
    setting.source = 'wmi';
  }
  return setting;
}

/**
 * MaxUserPort is documented only up to Windows Server 2003, as the top of the ephemeral range
 * (1025 to the value); from Vista on only the dynamic port range is. Node runs on Windows 10 /
 * Server 2016 and later, where no port count is documented for it: the warning says it is set
 * and what it did, and claims none.
 */
function maxUserPortWarning(range: EphemeralRange): Warning | null {
  const setting = range.settings.maxUserPort;
  if (setting?.source !== 'registry' || typeof setting.value !== 'number') return null;
  if (setting.value >= MAX_USER_PORT_CEILING) return null;
  return {
    code: 'MAX_USER_PORT_LIMITS_RANGE',
    message:
      `MaxUserPort is set to ${setting.value} (${PARAMETERS}). Up to Windows Server 2003 it was the top of the ` +
      `ephemeral range (1025-${setting.value}); Windows Vista and later document only the dynamic port range ` +
      `(here ${range.low}-${range.high}) and no effect of MaxUserPort, so no port count is claimed for it: ` +
      `delete the value, and size the range instead (${RANGE_ADVICE}).`,
  };
}

export const win32: Platform = {
  raw,
  excludedByDefault: [],
  // GetExtendedTcpTable gives neither uid nor inode.
  hasOwner: () => false,
  // Windows names PID 0 (the idle process) for sockets no process owns any more, such as
  // TIME_WAIT; Wine names 0 for every row. Either way there is no owner to report.
  ownerPid: (pid) => (pid === 0 ? null : pid),
  timeWaitTimers: false,
  rangeAdvice: RANGE_ADVICE,
  // libuv binds every outgoing socket to port 0 before ConnectEx, without SO_REUSE_UNICASTPORT:
  // each connection then takes a port of its own from the host's dynamic range.
  portScope: 'host',
  warnings: (range) => {
    const warning = maxUserPortWarning(range);
    return warning ? [warning] : [];
  },

  defaultRangeSize: DEFAULT_COUNT,
  timeWaitTimerMs: 0,
  defaultReuseDelayMs: 0,

  rangeSettings(native) {
    const tcpTimedWaitDelay = registry(native, 'TcpTimedWaitDelay');
    const delay = tcpTimedWaitDelay.source === 'registry' ? tcpTimedWaitDelay.value : null;
    return {
      maxUserPort: registry(native, 'MaxUserPort'),
      tcpTimedWaitDelay,
      dynamicPortStart: dynamic(native, 'DynamicPortRangeStartPort', DEFAULT_START),
      dynamicPortCount: dynamic(native, 'DynamicPortRangeNumberOfPorts', DEFAULT_COUNT),
      excludedPortRanges: excluded(native),
      autoReusePortRange: autoReuse(native),
      timeWaitSeconds: delay !== null
        ? { value: delay, source: 'registry', name: tcpTimedWaitDelay.name }
        : { value: DEFAULT_TIME_WAIT_SECONDS, source: 'default', name: tcpTimedWaitDelay.name, note: TIME_WAIT_NOTE },
    };
  },

  // connect() on Windows has no setting that hands out a port still in TIME_WAIT.
  timeWaitReuse: () => 'none',
  reuseDelayMs: () => null,
};
