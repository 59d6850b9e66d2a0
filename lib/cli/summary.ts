// `tcpstate` without a command: the summary, for humans and as JSON.
import { STATES, pressure, snapshot } from '../index';
import type { Destination, EphemeralRange, FamilyCounts, StateCounts, Warning } from '../types';
import { bar, count, describeDestination, percent, rate, table, type Style } from './format';

/** The shape of `tcpstate --json`. */
export interface Summary {
  /** When the read started, ms since the epoch. */
  timestamp: number;
  /** Time both reads of the table took, in ms. */
  durationMs: number;
  /** False when the OS reported the table changed during a read. */
  consistent: boolean;
  sockets: { total: number; states: StateCounts; ipv4: FamilyCounts; ipv6: FamilyCounts };
  ephemeralRange: EphemeralRange;
  timeWait: { total: number; clientSide: number; serverSide: number; other: number };
  /** Closes per second on the host, from the TIME_WAIT timers; null where the OS gives no timers. */
  closeRate: number | null;
  /** Distinct destinations in the table. */
  destinationCount: number;
  /** The busiest destinations that use ephemeral ports, most ports first, at most `top`. */
  destinations: Destination[];
  warnings: Warning[];
}

/** Reads the table: one snapshot() and one pressure(), in `where.netns` if given. */
export function readSummary(top: number, where: { netns?: string } = {}): Summary {
  const s = snapshot(where);
  const p = pressure({ top, ...where });
  return {
    timestamp: s.timestamp,
    durationMs: s.durationMs + p.durationMs,
    consistent: s.consistent && p.consistent,
    sockets: { total: s.total, states: s.states, ipv4: s.ipv4, ipv6: s.ipv6 },
    ephemeralRange: p.range,
    timeWait: {
      total: p.timeWait,
      clientSide: p.clientSideTimeWait,
      serverSide: p.serverSideTimeWait,
      other: p.otherTimeWait,
    },
    closeRate: p.closeRate,
    destinationCount: p.destinationCount,
    destinations: p.destinations.filter((d) => d.portsInUse > 0),
    warnings: p.warnings,
  };
}

const REUSE: Record<number, string> = { 0: 'off', 1: 'on', 2: 'loopback only' };

/** The settings that bound the range, as `name value` pieces. */
function limits(range: EphemeralRange): string[] {
  const out: string[] = [];
  const { settings } = range;
  const shortName = (name: string) => name.replace(/^net\.ipv4\./, '');
  const reserved = settings.ipLocalReservedPorts;
  if (reserved && reserved.value) out.push(`${shortName(reserved.name)} ${reserved.value}`);
  const reuse = settings.tcpTwReuse;
  if (reuse && reuse.value !== null) {
    const meaning = REUSE[reuse.value];
    out.push(`${shortName(reuse.name)} ${reuse.value}${meaning ? ` (${meaning})` : ''}`);
  }
  for (const setting of [settings.tcpTimestamps, settings.tcpMaxTwBuckets]) {
    if (setting && setting.value !== null) out.push(`${shortName(setting.name)} ${count(setting.value)}`);
  }
  return out;
}

const BAR_WIDTH = 20;

/** The summary as a few aligned blocks of text, ending with a newline. */
export function renderSummary(summary: Summary, style: Style): string {
  const lines: string[] = [];
  const { sockets, ephemeralRange: range, timeWait } = summary;
  const heading = (text: string) => style.bold(text);

  lines.push(`${heading('TCP sockets')}  ${style.bold(count(sockets.total))}` +
    style.dim(`  read in ${summary.durationMs.toFixed(2)} ms`) +
    (summary.consistent ? '' : style.yellow('  (the table changed during the read)')));
  const stateRows = STATES.filter((state) => sockets.states[state] > 0).map((state) => [
    state, count(sockets.ipv4.states[state]), count(sockets.ipv6.states[state]), count(sockets.states[state]),
  ]);
  if (stateRows.length > 0) {
    const header = ['state', 'ipv4', 'ipv6', 'total'].map((h) => style.dim(h));
    lines.push(...table([header, ...stateRows], ['left', 'right', 'right', 'right'], '  '));
  }

  lines.push('');
  lines.push(`${heading('Ephemeral ports')}  ${range.low}-${range.high}`);
  const detail = (text: string) => style.dim(text);
  const portRows = [
    ['available', count(range.available), detail(`of ${count(range.size)} in the range, ${count(range.reserved)} reserved`)],
    ['TIME_WAIT lasts', `${count(range.timeWaitSeconds)} s`,
      detail(`at most ${rate(range.maxConnectRate)} new connections/s per destination`)],
    ['TIME_WAIT', count(timeWait.total),
      detail(`client side ${count(timeWait.clientSide)} · server side ${count(timeWait.serverSide)} · other ${count(timeWait.other)}`)],
    ['close rate', `${rate(summary.closeRate)}/s`, detail('connections closed on this host')],
  ];
  const bounds = limits(range);
  if (bounds.length > 0) portRows.push(['limits', '', detail(bounds.join(' · '))]);
  lines.push(...table(portRows, ['left', 'right', 'left'], '  '));

  lines.push('');
  if (summary.destinations.length === 0) {
    lines.push(`${heading('Busiest destinations')}  ${style.dim('none uses ephemeral ports')}`);
  } else {
    lines.push(`${heading('Busiest destinations')}  ` +
      style.dim(`${summary.destinations.length} of ${count(summary.destinationCount)}`));
    const rows = summary.destinations.map((d) => [
      describeDestination(d),
      bar(d.utilization, BAR_WIDTH, style),
      percent(d.utilization),
      `${count(d.portsInUse)} ports`,
      `${rate(d.closeRate)} closes/s`,
    ]);
    lines.push(...table(rows, ['left', 'left', 'right', 'right', 'right'], '  '));
  }

  lines.push('');
  if (summary.warnings.length === 0) {
    lines.push(`${heading('Warnings')}  ${style.green('none')}`);
  } else {
    lines.push(`${heading('Warnings')}  ${count(summary.warnings.length)}`);
    for (const warning of summary.warnings) {
      lines.push(`  ${style.yellow('!')} ${style.yellow(warning.code)}`);
      lines.push(`    ${warning.message}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
