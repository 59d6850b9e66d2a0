import {
  FIELD_INODE,
  FIELD_PID,
  FIELD_QUEUES,
  FIELD_TIMER,
  FIELD_UID,
  type NativeCounts,
  type NativeError,
  type NativeTable,
} from './binding';
import { TcpStateError } from './errors';
import type { Platform } from './platform/table';
import { STATES, type FamilyCounts, type Socket, type Snapshot, type TcpState } from './types';

export function toError(error: NativeError): TcpStateError {
  return new TcpStateError(error.message, {
    code: error.code,
    errno: error.errno,
    syscall: error.syscall,
  });
}

function unmapped(raw: number): TcpStateError {
  return new TcpStateError(`the OS returned a socket in unknown raw state ${raw}`, {
    code: 'TCPSTATE_PROTOCOL_ERROR',
    errno: 0,
    syscall: null,
  });
}

function emptyStates(): Record<TcpState, number> {
  const states = {} as Record<TcpState, number>;
  for (const name of STATES) states[name] = 0;
  return states;
}

function familyCounts(raw: Uint32Array, names: ReadonlyArray<TcpState | undefined>): FamilyCounts {
  const states = emptyStates();
  let total = 0;
  for (let state = 0; state < raw.length; state++) {
    const count = raw[state];
    if (count === 0) continue;
    const name = names[state];
    if (name === undefined) throw unmapped(state);
    states[name] += count;
    total += count;
  }
  return { total, states };
}

export function toSnapshot(
  counts: NativeCounts,
  names: ReadonlyArray<TcpState | undefined>,
  source: string,
): Snapshot {
  const ipv4 = familyCounts(counts.ipv4, names);
  const ipv6 = familyCounts(counts.ipv6, names);
  const states = emptyStates();
  for (const name of STATES) states[name] = ipv4.states[name] + ipv6.states[name];
  return {
    platform: process.platform,
    source,
    netnsInode: counts.netnsInode,
    timestamp: counts.timestamp,
    durationMs: counts.durationMs,
    consistent: counts.consistent,
    total: ipv4.total + ipv6.total,
    states,
    ipv4,
    ipv6,
  };
}

export function toSockets(
  table: NativeTable,
  platform: Platform,
  names: ReadonlyArray<TcpState | undefined>,
): Socket[] {
  const { count, fields, addresses, netnsInode } = table;
  const hasTimer = (fields & FIELD_TIMER) !== 0;
  const hasUid = (fields & FIELD_UID) !== 0;
  const hasInode = (fields & FIELD_INODE) !== 0;
  const hasQueues = (fields & FIELD_QUEUES) !== 0;
  const hasPid = (fields & FIELD_PID) !== 0;
  const ownerPid = platform.ownerPid ?? ((pid: number) => pid);
  const rows: Socket[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const raw = table.state[i];
    const state = names[raw];
    if (state === undefined) throw unmapped(raw);
    const uid = table.uid[i];
    const inode = table.inode[i];
    const owned = platform.hasOwner(raw, uid, inode);
    rows[i] = {
      family: table.family[i] === 6 ? 'ipv6' : 'ipv4',
      state,
      localAddress: addresses[table.localAddress[i]],
      localPort: table.localPort[i],
      remoteAddress: addresses[table.remoteAddress[i]],
      remotePort: table.remotePort[i],
      timerMs: hasTimer && table.timer[i] !== 0 ? table.timerMs[i] : null,
      uid: hasUid && owned ? uid : null,
      inode: hasInode && owned && inode !== 0 ? inode : null,
      recvQueue: hasQueues ? table.recvQueue[i] : null,
      sendQueue: hasQueues ? table.sendQueue[i] : null,
      pid: hasPid ? ownerPid(table.pid[i]) : null,
      netnsInode,
    };
  }
  return rows;
}
