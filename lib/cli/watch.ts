// `tcpstate watch`: a live view, redrawn in place on a terminal, one frame after another otherwise.
// Each frame is one read of the table: one pressure(), whose state counts fill the table.
import { STATES, pressureAsync } from '../index';
import { traceConnects, type ConnectStats, type ConnectTracer } from '../trace';
import type { Pressure, StateCounts, TcpState } from '../types';
import { difference, schedule } from '../watch';
import {
  count, describeDestination, duration, eta, percent, rate, signedRate, sparkline, statusText, table, wrap, type Style,
} from './format';
import { connectLimit } from './summary';

export interface WatchRun {
  intervalMs: number;
  /** Stop after this many frames; 0 = until interrupted. */
  frames: number;
  stdout: NodeJS.WriteStream;
  style: Style;
  /** Read in this network namespace. */
  where?: { netns?: string };
  /** Trace connect() too (in the `where` namespace, else every namespace). */
  trace?: boolean;
}

const HISTORY = 40;

interface View {
  intervalMs: number;
  shown: Set<TcpState>;
  timeWait: number[];
  busiest: number[];
  /** With --trace: connect() attempts and failures per second between the last two frames. */
  connects?: { attempts: number; failures: number; history: number[] };
}

const failuresOf = (s: ConnectStats) => s.failures.EADDRNOTAVAIL + s.failures.ECONNREFUSED + s.failures.ETIMEDOUT + s.failures.other;

/** What a frame shows besides the read itself: the change since the previous frame. */
export interface Change {
  /** Sockets per state and second since the previous frame; null on the first. */
  ratePerSec: StateCounts | null;
  /** connect() calls per second that sent a SYN (Tcp ActiveOpens) since the previous frame; null on the first or where the OS has no counter. */
  connectRate: number | null;
}

function clock(timestamp: number): string {
  return new Date(timestamp).toTimeString().slice(0, 8);
}

export function renderFrame(view: View, p: Pressure, change: Change, style: Style, interactive: boolean): string[] {
  const lines: string[] = [];
  const s = p.snapshot;
  lines.push(style.bold('tcpstate watch') + style.dim(`  every ${duration(view.intervalMs)}  ${clock(p.timestamp)}`) +
    (interactive ? style.dim('  Ctrl-C to quit') : ''));
  lines.push('');
  for (const state of STATES) if (s.states[state] > 0) view.shown.add(state);
  const rows = STATES.filter((state) => view.shown.has(state)).map((state) => {
    const perSecond = change.ratePerSec ? change.ratePerSec[state] : 0;
    const text = signedRate(perSecond);
    const colored = perSecond > 0 ? style.yellow(text) : perSecond < 0 ? style.green(text) : style.dim(text);
    return [state, count(s.states[state]), count(s.ipv4.states[state]), count(s.ipv6.states[state]), colored];
  });
  const header = ['state', 'total', 'ipv4', 'ipv6', 'per s'].map((h) => style.dim(h));
  lines.push(...table([header, ...rows], ['left', 'right', 'right', 'right', 'right']));
  if (rows.length === 0) lines.push(style.dim('no TCP sockets'));
  lines.push('');

  const top = p.destinations.find((d) => d.portsInUse > 0);
  const connects = change.connectRate === null ? '' : ` · connecting ${rate(change.connectRate)}/s`;
  const trend = [
    ['TIME_WAIT', count(p.timeWait), style.cyan(sparkline(view.timeWait)),
      style.dim(`closing ${rate(p.closeRate)}/s${connects} · ${connectLimit(p.range)}`)],
    ['busiest', top ? percent(top.utilization) : '-', style.cyan(sparkline(view.busiest, 1)),
      top
        ? `${describeDestination(top)}  ${statusText(top.status, style)}  ` +
          style.dim(`${count(top.portsInUse)} of ${count(p.range.available)} ports · closing ${rate(top.closeRate)}/s of ` +
            `${rate(top.maxConnectRate)}/s · out of ports in ${eta(top.secondsToExhaustion)}`)
        : style.dim('no destination uses ephemeral ports')],
  ];
  if (view.connects) {
    const c = view.connects;
    trend.push(['connects', `${rate(c.attempts)}/s`, style.cyan(sparkline(c.history)),
      c.failures > 0 ? style.yellow(`${rate(c.failures)} failed/s`) : style.dim('none failed')]);
  }
  lines.push(...table(trend, ['left', 'right', 'left', 'left']));
  lines.push('');
  if (p.warnings.length === 0) lines.push(`${style.dim('warnings')}  ${style.green('none')}`);
  for (const warning of p.warnings) lines.push(`${style.yellow('!')} ${style.yellow(warning.code)}  ${warning.message}`);
  return lines;
}

const ENTER = '\x1b[?1049h\x1b[?25l';
const LEAVE = '\x1b[?25h\x1b[?1049l';

/** Runs until `frames` are shown, or until SIGINT/SIGTERM (exit code 0 either way). */
export async function runWatch({ intervalMs, frames, stdout, style, where = {}, trace = false }: WatchRun): Promise<void> {
  // The tracer first: without the privileges the command fails before the screen is taken.
  const tracer: ConnectTracer | null = trace ? await traceConnects(where.netns === undefined ? {} : { netns: where.netns }) : null;
  let lastTrace: ConnectStats | null = null;
  const interactive = Boolean(stdout.isTTY);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const view: View = { intervalMs, shown: new Set(), timeWait: [], busiest: [] };
  const remember = (list: number[], value: number) => {
    list.push(value);
    if (list.length > HISTORY) list.shift();
  };
  if (interactive) stdout.write(ENTER);
  try {
    let shown = 0;
    let previous: { pressure: Pressure; at: number } | null = null;
    for await (const at of schedule(intervalMs, controller.signal)) {
      const p = await pressureAsync({
        top: 1, ...where, ...(previous ? { since: previous.pressure } : {}), ...(tracer ? { tracer } : {}),
      });
      if (controller.signal.aborted) break;
      if (tracer) {
        const now = tracer.read();
        const from = lastTrace ?? { ...now, attempts: 0, established: 0, failures: { EADDRNOTAVAIL: 0, ECONNREFUSED: 0, ETIMEDOUT: 0, other: 0 }, timestamp: now.since };
        const seconds = Math.max(0.001, (now.timestamp - from.timestamp) / 1000);
        const attempts = (now.attempts - from.attempts) / seconds;
        view.connects ??= { attempts: 0, failures: 0, history: [] };
        view.connects.attempts = attempts;
        view.connects.failures = (failuresOf(now) - failuresOf(from)) / seconds;
        remember(view.connects.history, attempts);
        lastTrace = now;
      }
      const change: Change = { ratePerSec: null, connectRate: null };
      if (previous) {
        const seconds = (at - previous.at) / 1000;
        change.ratePerSec = difference(p.snapshot, previous.pressure.snapshot, seconds)[1];
        const opens = p.counters.activeOpens;
        const before = previous.pressure.counters.activeOpens;
        if (opens !== null && before !== null && seconds > 0) change.connectRate = (opens - before) / seconds;
      }
      previous = { pressure: p, at };
      remember(view.timeWait, p.timeWait);
      remember(view.busiest, p.destinations.find((d) => d.portsInUse > 0)?.utilization ?? 0);
      const lines = renderFrame(view, p, change, style, interactive);
      if (interactive) {
        // Long lines wrap: a warning is never cut at the terminal's edge.
        const width = stdout.columns || 200;
        const height = stdout.rows || Number.MAX_SAFE_INTEGER;
        const fitted = lines.flatMap((line) => wrap(line, width, '  ')).slice(0, height).map((line) => `${line}\x1b[K`);
        stdout.write(`\x1b[H${fitted.join('\n')}\x1b[J`);
      } else {
        stdout.write(`${lines.join('\n')}\n\n`);
      }
      if (frames > 0 && ++shown >= frames) break;
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    tracer?.close();
    if (interactive) stdout.write(LEAVE);
  }
}
