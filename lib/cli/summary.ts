// `tcpstate` without a command: the summary, for humans and as JSON.
import { STATES, pressure } from '../index';
import type { Destination, EphemeralRange, FamilyCounts, HostPorts, StateCounts, TcpCounters, Warning } from '../types';
import { bar, count, describeDestination, eta, percent, rate, statusText, table, wrap, type Style } from './format';

/** The shape of `tcpstate --json`. */
export interface Summary {
  /** When the read started, ms since the epoch. */
  timestamp: number;
  /** Time the read of the table took, in ms. */
  durationMs: number;
  /** False when the OS reported the table changed during the read. */
  consistent: boolean;
  sockets: { total: number; states: StateCounts; unknown: number; ipv4: FamilyCounts; ipv6: FamilyCounts };
  ephemeralRange: EphemeralRange;
  timeWait: { total: number; clientSide: number; serverSide: number; other: number };
  /** Recent closes per second on the host, from the TIME_WAIT timers; null where the OS gives no timers. */
  closeRate: number | null;
  /** Ports of the range held host-wide. */
  hostPorts: HostPorts;
  /** The kernel's TCP counters, read with the table. */
  counters: TcpCounters;
  /** Distinct destinations in the table. */
  destinationCount: number;
  /** The busiest destinations that use ephemeral ports, most ports first, at most `top`. */
  destinations: Destination[];
  warnings: Warning[];
}

/** Reads the table once: one pressure() (its state counts included), in `where.netns` if given. */
export function readSummary(top: number, where: { netns?: string } = {}): Summary {
  const p = pressure({ top, ...where });
  const s = p.snapshot;
  return {
    timestamp: p.timestamp,
    durationMs: p.durationMs,
    consistent: p.consistent,
    sockets: { total: s.total, states: s.states, unknown: s.unknown, ipv4: s.ipv4, ipv6: s.ipv6 },
    ephemeralRange: p.range,
    timeWait: {
      total: p.timeWait,
      clientSide: p.clientSideTimeWait,
      serverSide: p.serverSideTimeWait,
      other: p.otherTimeWait,
    },
    closeRate: p.closeRate,
    hostPorts: p.hostPorts,
    counters: p.counters,
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

/** What one destination sustains, in words: the limit without reuse and, where it applies, with it. */
export function connectLimit(range: EphemeralRange): string {
  const plain = `at most ${rate(range.maxConnectRate)} new connections/s per destination`;
  if (range.maxReuseConnectRate === null) return plain;
  const reuse = `${rate(range.maxReuseConnectRate)}/s with TIME_WAIT reuse after ${count(range.reuseDelayMs ?? 0)} ms`;
  return range.timeWaitReuse === 'all'
    ? `at most ${reuse} per destination (${rate(range.maxConnectRate)}/s without)`
    : `${plain}; loopback destinations ${reuse}`;
}

/** The summary as a few aligned blocks of text, ending with a newline; lines longer than `width` wrap. */
export function renderSummary(summary: Summary, style: Style, width = 0): string {
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
    ['TIME_WAIT lasts', `${count(range.timeWaitSeconds)} s`, detail(connectLimit(range))],
    ['TIME_WAIT', count(timeWait.total),
      detail(`client side ${count(timeWait.clientSide)} · server side ${count(timeWait.serverSide)} · other ${count(timeWait.other)}`)],
    ['close rate', `${rate(summary.closeRate)}/s`, detail('connections closed on this host, recently')],
    ['host ports', count(summary.hostPorts.inUse),
      detail(`held by any socket (${percent(summary.hostPorts.utilization)}), ${count(summary.hostPorts.listening)} by listeners: ` +
        'the pool of clients that bind() before connect()')],
  ];
  if (summary.counters.activeOpens !== null) {
    portRows.push(['connects', count(summary.counters.activeOpens),
      detail(`opened so far (Tcp ActiveOpens), ${count(summary.counters.attemptFails ?? 0)} failed after their SYN`)]);
  }
  const bounds = limits(range);
  if (bounds.length > 0) portRows.push(['limits', '', detail(bounds.join(' · '))]);
  lines.push(...table(portRows, ['left', 'right', 'left'], '  '));

  lines.push('');
  if (summary.destinations.length === 0) {
    lines.push(`${heading('Busiest destinations')}  ${style.dim('none uses ephemeral ports')}`);
  } else {
    lines.push(`${heading('Busiest destinations')}  ` +
      style.dim(`${summary.destinations.length} of ${count(summary.destinationCount)}`));
    const header = ['destination', '', 'used', 'ports', 'closes/s', 'limit/s', 'status', 'out in'].map((h) => style.dim(h));
    const rows = summary.destinations.map((d) => [
      describeDestination(d),
      bar(d.utilization, BAR_WIDTH, style),
      percent(d.utilization),
      d.reusable > 0 ? `${count(d.portsInUse)} (${count(d.reusable)} reusable)` : count(d.portsInUse),
      rate(d.closeRate),
      rate(d.maxConnectRate),
      statusText(d.status, style),
      eta(d.secondsToExhaustion),
    ]);
    lines.push(...table([header, ...rows], ['left', 'left', 'right', 'right', 'right', 'right', 'left', 'right'], '  '));
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
  const wrapped = lines.flatMap((line) => wrap(line, width, '    '));
  return `${wrapped.join('\n')}\n`;
}
