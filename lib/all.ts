// snapshotAll() and pressureAll(): one read per network namespace, a bounded number at a time,
// each namespace's O(1) counts first so that quiet namespaces need no walk of the table.
import { promises as fs } from 'node:fs';
import { constants } from 'node:os';

import { TcpStateError, type ErrorCode } from './errors';
import type {
  AllResult, NamespaceCounts, NamespaceList, NetworkNamespace, NamespaceResult, PressureAllEntry,
  PressureAllOptions, SnapshotAllEntry, SnapshotAllOptions, WalkMode,
} from './netns-types';
import { listNamespaces } from './namespaces';
import { parseAllOptions } from './options';
import type { Pressure, Snapshot } from './types';

/** Network namespaces are Linux's: elsewhere the calls reject with this. */
export function unsupported(): TcpStateError {
  return new TcpStateError(`network namespaces exist on Linux only, not on ${process.platform}`,
    { code: 'TCPSTATE_UNSUPPORTED_PLATFORM', errno: 0, syscall: null });
}

/** A named number from a sockstat line such as `TCP: inuse 3 orphan 0 tw 8 alloc 4 mem 1`. */
function field(text: string, line: string, name: string): number {
  const match = new RegExp(`^${line}:.*\\b${name} (\\d+)`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
}

/** `Tcp: CurrEstab` from /proc/net/snmp: the header line names the columns of the next one. */
function currEstab(snmp: string): number {
  const lines = snmp.split('\n').filter((l) => l.startsWith('Tcp:'));
  if (lines.length < 2) return 0;
  const names = (lines[0] as string).split(/\s+/);
  const values = (lines[1] as string).split(/\s+/);
  const at = names.indexOf('CurrEstab');
  return at < 0 ? 0 : Math.max(0, Number(values[at]) || 0);
}

/** Parses the three files; exported for the tests. */
export function parseCounts(sockstat: string, sockstat6: string, snmp: string): NamespaceCounts {
  const inUse = field(sockstat, 'TCP', 'inuse') + field(sockstat6, 'TCP6', 'inuse');
  const timeWait = field(sockstat, 'TCP', 'tw');
  return { sockets: inUse + timeWait, inUse, timeWait, established: currEstab(snmp), orphan: field(sockstat, 'TCP', 'orphan') };
}

function errorFor(error: NodeJS.ErrnoException, ns: NetworkNamespace, what: string): TcpStateError {
  const code: ErrorCode = error.code === 'ENOENT' || error.code === 'ESRCH' ? 'TCPSTATE_NETNS_NOT_FOUND'
    : error.code === 'EACCES' || error.code === 'EPERM' ? 'TCPSTATE_PERMISSION_DENIED'
      : 'TCPSTATE_SYSTEM_ERROR';
  const errno = error.code ? (constants.errno as Record<string, number>)[error.code] ?? 0 : 0;
  const message = code === 'TCPSTATE_NETNS_NOT_FOUND'
    ? `network namespace ${ns.inode} (${ns.path}): gone: ${what}: ${error.message}`
    : `network namespace ${ns.inode} (${ns.path}): ${what}: ${error.message}`;
  return new TcpStateError(message, { code, errno, syscall: error.syscall ?? 'open' });
}

/** A namespace's counts through one of its processes, without entering it; null when no process is in it. */
export async function readCounts(ns: NetworkNamespace): Promise<NamespaceCounts | null> {
  // The caller's own namespace through /proc/self, which cannot exit under us.
  if (ns.own) return readCountsOf('self', ns);
  if (ns.pid === null) return null;
  return readCountsOf(String(ns.pid), ns);
}

async function readCountsOf(pid: string, ns: NetworkNamespace): Promise<NamespaceCounts> {
  const dir = `/proc/${pid}/net`;
  const [sockstat, sockstat6, snmp] = await Promise.all(
    ['sockstat', 'sockstat6', 'snmp'].map((file) => fs.readFile(`${dir}/${file}`, 'utf8').catch((error: NodeJS.ErrnoException) => {
      // No IPv6 in the kernel: no sockstat6, no IPv6 sockets.
      if (file === 'sockstat6' && error.code === 'ENOENT') return '';
      throw error;
    })),
  );
  // The pid may have exited and been reused by a process elsewhere: check it is still in the namespace.
  const link = await fs.readlink(`/proc/${pid}/ns/net`);
  if (link !== `net:[${ns.inode}]`) {
    throw Object.assign(new Error(`process ${pid} left the namespace`), { code: 'ENOENT', syscall: 'readlink' });
  }
  return parseCounts(sockstat as string, sockstat6 as string, snmp as string);
}

/** Whether `walk: 'auto'` reads this namespace's table. */
export function needsWalk(counts: NamespaceCounts | null, walk: WalkMode, minSockets: number): boolean {
  if (walk === 'always' || counts === null) return true;
  return counts.timeWait > 0 || counts.sockets >= minSockets;
}

/** Runs `task` over `items`, at most `limit` at a time, keeping the order. */
async function pool<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await task(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

interface Read {
  netnsInode: number;
}

async function readAll<K extends 'snapshot' | 'pressure', T extends Read>(
  key: K,
  options: unknown,
  defaultMinSockets: number,
  read: (options: Record<string, unknown>) => Promise<T>,
  list?: NamespaceList,
): Promise<AllResult<NamespaceResult<K, T>>> {
  const { pass, concurrency, walk, walkMinSockets } = parseAllOptions(options, key === 'pressure', defaultMinSockets);
  if (process.platform !== 'linux') throw unsupported();
  const namespaces = list ?? (await listNamespaces());
  const results = await pool(namespaces, concurrency, async (ns): Promise<NamespaceResult<K, T>> => {
    let counts: NamespaceCounts | null = null;
    try {
      counts = await readCounts(ns);
    } catch (error) {
      const failure = errorFor(error as NodeJS.ErrnoException, ns, 'reading its counts');
      // A namespace kept by a bind mount outlives its processes: walk it anyway.
      if (failure.code !== 'TCPSTATE_NETNS_NOT_FOUND' || ns.path.startsWith('/proc/')) {
        return { namespace: ns, counts: null, walked: false, error: failure, [key]: null } as unknown as NamespaceResult<K, T>;
      }
    }
    if (!needsWalk(counts, walk, walkMinSockets)) {
      return { namespace: ns, counts, walked: false, [key]: null } as unknown as NamespaceResult<K, T>;
    }
    try {
      // The caller's own namespace is read without setns(), which needs CAP_SYS_ADMIN even there.
      const value = await read(ns.own ? pass : { ...pass, netns: ns.path });
      if (value.netnsInode !== ns.inode && value.netnsInode !== 0) {
        throw new TcpStateError(`network namespace ${ns.inode} (${ns.path}): gone: the path now enters namespace ${value.netnsInode}`,
          { code: 'TCPSTATE_NETNS_NOT_FOUND', errno: 0, syscall: null });
      }
      return { namespace: ns, counts, walked: true, [key]: value } as unknown as NamespaceResult<K, T>;
    } catch (error) {
      if (!(error instanceof TcpStateError)) throw error;
      const failure = error.code === 'TCPSTATE_PERMISSION_DENIED'
        ? new TcpStateError(`${error.message} (entering another network namespace needs CAP_SYS_ADMIN)`, error)
        : error;
      return { namespace: ns, counts, walked: false, error: failure, [key]: null } as unknown as NamespaceResult<K, T>;
    }
  });
  return Object.defineProperty(results, 'hidden', { value: namespaces.hidden ?? 0, enumerable: false }) as AllResult<NamespaceResult<K, T>>;
}

export function snapshotAllWith(
  snapshotAsync: (o: Record<string, unknown>) => Promise<Snapshot>, options?: SnapshotAllOptions, list?: NamespaceList,
): Promise<AllResult<SnapshotAllEntry>> {
  return readAll('snapshot', options, 1, snapshotAsync, list);
}

export function pressureAllWith(
  pressureAsync: (o: Record<string, unknown>) => Promise<Pressure>, options?: PressureAllOptions, list?: NamespaceList,
): Promise<AllResult<PressureAllEntry>> {
  return readAll('pressure', options, 1000, pressureAsync, list);
}
