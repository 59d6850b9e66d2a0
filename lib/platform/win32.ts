import type { NativeEphemeralRange } from '../binding';
import type { RejectReason, Setting, TcpState } from '../types';
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
 * TIME_WAIT length when TcpTimedWaitDelay is not set. Microsoft's references disagree:
 * the Windows 2000 TCP/IP reference gives 240 s (0xF0, two MSLs of 120 s), the Windows
 * Server 2003 reference gives 120 s (0x78) while its prose still says 4 minutes. 120 s is
 * the later reference's table value and the 2-minute TIME_WAIT commonly described for
 * later Windows versions.
 */
const DEFAULT_TIME_WAIT_SECONDS = 120;
const TIME_WAIT_NOTE =
  "Microsoft's documentation disagrees on the default: 120 s (Windows Server 2003 TCP/IP reference, " +
  'and later Windows) or 240 s (Windows 2000 reference). tcpstate assumes 120 s; set TcpTimedWaitDelay ' +
  '(30-300) to make it explicit.';

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
  return setting;
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
  rangeAdvice: 'Windows: netsh int ipv4 set dynamicport tcp start=49152 num=16384, and the same for ipv6',

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
      timeWaitSeconds: delay !== null
        ? { value: delay, source: 'registry', name: tcpTimedWaitDelay.name }
        : { value: DEFAULT_TIME_WAIT_SECONDS, source: 'default', name: tcpTimedWaitDelay.name, note: TIME_WAIT_NOTE },
    };
  },

  // connect() on Windows has no setting that hands out a port still in TIME_WAIT.
  timeWaitReuse: () => 'none',
  reuseDelayMs: () => null,
  reusesTimeWait: () => false,
};
