import type { NativeBinding } from '../binding';
import { linux } from './linux';
import type { Platform } from './table';
import { win32 } from './win32';

const none: Platform = {
  raw: {
    ESTABLISHED: [], SYN_SENT: [], SYN_RECV: [], FIN_WAIT1: [], FIN_WAIT2: [], TIME_WAIT: [],
    CLOSE: [], CLOSE_WAIT: [], LAST_ACK: [], LISTEN: [], CLOSING: [], DELETE_TCB: [],
  },
  excludedByDefault: [],
  hasOwner: () => false,
  defaultRangeSize: 0,
  portScope: 'destination',
  timeWaitTimerMs: 0,
  defaultReuseDelayMs: 0,
  rangeSettings: () => ({ timeWaitSeconds: { value: null, source: null, name: 'none' } }),
  timeWaitReuse: () => 'none',
  reuseDelayMs: () => null,
};

/** The platform module of the backend the addon was built with. */
export function platformFor(backend: NativeBinding['backend']): Platform {
  if (backend === 'linux') return linux;
  return backend === 'win32' ? win32 : none;
}
