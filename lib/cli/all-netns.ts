// `tcpstate --all-netns`: one line per network namespace.
import { pressureAll, snapshotAsync } from '../index';
import { containerLabel, destinationState } from '../netns-labels';
import type { NetworkNamespace, PressureAllEntry } from '../netns-types';
import type { Destination } from '../types';
import { count, describeDestination, percent, table, type Style } from './format';

/** One line of `tcpstate --all-netns`, and an element of its `--json` array. */
export interface NamespaceLine {
  namespace: NetworkNamespace;
  /** `container` label: pod, container name or short id, `ip netns` name, or '' (see README). */
  container: string;
  walked: boolean;
  /** TCP sockets (sockstat, or the walk where no process gives sockstat); null when unknown. */
  sockets: number | null;
  timeWait: number | null;
  busiest: (Destination & { state: string }) | null;
  warnings: number | null;
  error: { code: string; message: string } | null;
}

/** Reads every namespace: pressureAll() with the top destination, and a snapshot where no counts could be read. */
export async function readAllNetns(): Promise<{ lines: NamespaceLine[]; hidden: number }> {
  const all = await pressureAll({ top: 1 });
  const lines = await Promise.all(all.map(async (e: PressureAllEntry): Promise<NamespaceLine> => {
    let sockets = e.counts?.sockets ?? null;
    if (sockets === null && e.pressure) {
      sockets = (await snapshotAsync(e.namespace.own ? {} : { netns: e.namespace.path }).catch(() => null))?.total ?? null;
    }
    const top = e.pressure?.destinations.find((d) => d.portsInUse > 0) ?? null;
    return {
      namespace: e.namespace,
      container: containerLabel(e.namespace),
      walked: e.walked,
      sockets,
      timeWait: e.pressure?.timeWait ?? e.counts?.timeWait ?? null,
      busiest: top && e.pressure ? { ...top, state: destinationState(top) } : null,
      warnings: e.pressure ? e.pressure.warnings.length : null,
      error: e.error ? { code: e.error.code, message: e.error.message } : null,
    };
  }));
  return { lines, hidden: all.hidden };
}

const known = (n: number | null) => (n === null ? '?' : count(n));

/** The lines as an aligned table, ending with a newline. */
export function renderAllNetns({ lines, hidden }: { lines: NamespaceLine[]; hidden: number }, style: Style): string {
  const header = ['NETNS', 'CONTAINER', 'SOCKETS', 'TIME_WAIT', 'BUSIEST DESTINATION', 'USE', 'STATE', 'WARNINGS'].map((h) => style.dim(h));
  const rows = lines.map((l) => {
    const name = l.container || (l.namespace.own ? '(own)' : '-');
    if (l.error) return [String(l.namespace.inode), name, known(l.sockets), known(l.timeWait), style.red(`error ${l.error.code}`), '', '', ''];
    const busiest = l.busiest ? describeDestination(l.busiest) : l.walked ? 'none' : style.dim('not walked');
    const state = l.busiest ? (l.busiest.state === 'fine' ? l.busiest.state : style.yellow(l.busiest.state)) : '';
    const warnings = l.warnings === null ? '' : l.warnings > 0 ? style.yellow(count(l.warnings)) : '0';
    return [String(l.namespace.inode), name, known(l.sockets), known(l.timeWait), busiest,
      l.busiest ? percent(l.busiest.utilization) : '', state, warnings];
  });
  const out = table([header, ...rows], ['left', 'left', 'right', 'right', 'left', 'right', 'left', 'right'], '');
  if (hidden > 0) out.push(style.dim(`${count(hidden)} processes not visible to this user: their namespaces may be missing (needs CAP_SYS_PTRACE)`));
  return `${out.join('\n')}\n`;
}
