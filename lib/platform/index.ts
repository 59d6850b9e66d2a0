import type { NativeBinding } from '../binding';
import { linux } from './linux';
import type { StateTable } from './table';

const none: StateTable = {
  raw: {
    ESTABLISHED: [], SYN_SENT: [], SYN_RECV: [], FIN_WAIT1: [], FIN_WAIT2: [], TIME_WAIT: [],
    CLOSE: [], CLOSE_WAIT: [], LAST_ACK: [], LISTEN: [], CLOSING: [], DELETE_TCB: [],
  },
  defaultStates: [],
  hasOwner: () => false,
};

/** The state table of the backend the addon was built with. */
export function tableFor(backend: NativeBinding['backend']): StateTable {
  return backend === 'linux' ? linux : none;
}
