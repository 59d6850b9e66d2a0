import type { TcpState } from '../types';
import type { StateTable } from './table';

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

export const linux: StateTable = {
  raw,
  // Every state but BOUND_INACTIVE, which is read only when CLOSE is asked for by name.
  defaultStates: Object.values(raw)
    .flat()
    .filter((state) => state !== TCP_BOUND_INACTIVE),
  // The kernel reports uid 0 and inode 0 for sockets that have no owner left
  // (TIME_WAIT, connection requests, orphans): that is "unknown", not root.
  hasOwner: (_state, uid, inode) => inode !== 0 || uid !== 0,
};
