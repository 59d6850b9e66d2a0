import type { NativeConstants, NativeError, NativeSnapshot, NativeSocketTable } from './binding';
import { TcpStateError } from './errors';
import type { Platform } from './platform/table';
import { STATES, UNKNOWN_STATE, type FamilyCounts, type Socket, type Snapshot, type TcpState } from './types';

export function toError(error: NativeError): TcpStateError {
  return new TcpStateError(error.message, {
    code: error.code,
    errno: error.errno,
    syscall: error.syscall,
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
  let unknown = 0;
  for (let state = 0; state < raw.length; state++) {
    const count = raw[state];
    if (count === 0) continue;
    const name = names[state];
    // A raw state no table names (one newer than this version) is counted, not lost.
    if (name === undefined) unknown += count;
    else states[name] += count;
    total += count;
  }
  return { total, states, unknown };
}

export function toSnapshot(
  counts: NativeSnapshot,
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
    unknown: ipv4.unknown + ipv6.unknown,
    ipv4,
    ipv6,
  };
}

export function toSockets(
  table: NativeSocketTable,
  platform: Platform,
  names: ReadonlyArray<TcpState | undefined>,
  fieldBits: NativeConstants['fields'],
): Socket[] {
  const { count, fields, addresses, netnsInode } = table;
  const hasTimer = (fields & fieldBits.timer) !== 0;
  const hasUid = (fields & fieldBits.uid) !== 0;
  const hasInode = (fields & fieldBits.inode) !== 0;
  const hasQueues = (fields & fieldBits.queues) !== 0;
  const hasPid = (fields & fieldBits.pid) !== 0;
  const ownerPid = platform.ownerPid ?? ((pid: number) => pid);
  const rows: Socket[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const uid = table.uid[i];
    const inode = table.inode[i];
    const owned = platform.hasOwner(uid, inode);
    rows[i] = {
      family: table.family[i] === 6 ? 'ipv6' : 'ipv4',
      state: names[table.state[i]] ?? UNKNOWN_STATE,
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
