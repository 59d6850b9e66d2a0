// `tcpstate watch`: a live view, redrawn in place on a terminal, one frame after another otherwise.
import { STATES, pressureAsync, watch } from '../index';
import type { Pressure, TcpState, WatchTick } from '../types';
import {
  count, describeDestination, duration, percent, rate, signedRate, sparkline, table, truncate, type Style,
} from './format';

export interface WatchRun {
  intervalMs: number;
  /** Stop after this many frames; 0 = until interrupted. */
  frames: number;
  stdout: NodeJS.WriteStream;
  style: Style;
  /** Read in this network namespace. */
  where?: { netns?: string };
}

const HISTORY = 40;

interface View {
  intervalMs: number;
  shown: Set<TcpState>;
  timeWait: number[];
  busiest: number[];
}

function clock(timestamp: number): string {
  return new Date(timestamp).toTimeString().slice(0, 8);
}

export function renderFrame(view: View, tick: WatchTick, p: Pressure, style: Style, interactive: boolean): string[] {
  const lines: string[] = [];
  lines.push(style.bold('tcpstate watch') + style.dim(`  every ${duration(view.intervalMs)}  ${clock(tick.timestamp)}`) +
    (interactive ? style.dim('  Ctrl-C to quit') : ''));
  lines.push('');
  for (const state of STATES) if (tick.states[state] > 0) view.shown.add(state);
  const rows = STATES.filter((state) => view.shown.has(state)).map((state) => {
    const perSecond = tick.ratePerSec ? tick.ratePerSec[state] : 0;
    const change = signedRate(perSecond);
    const colored = perSecond > 0 ? style.yellow(change) : perSecond < 0 ? style.green(change) : style.dim(change);
    return [state, count(tick.states[state]), count(tick.ipv4.states[state]), count(tick.ipv6.states[state]), colored];
  });
  const header = ['state', 'total', 'ipv4', 'ipv6', 'per s'].map((h) => style.dim(h));
  lines.push(...table([header, ...rows], ['left', 'right', 'right', 'right', 'right']));
  if (rows.length === 0) lines.push(style.dim('no TCP sockets'));
  lines.push('');

  const top = p.destinations.find((d) => d.portsInUse > 0);
  const trend = [
    ['TIME_WAIT', count(p.timeWait), style.cyan(sparkline(view.timeWait)), style.dim(`closing ${rate(p.closeRate)}/s`)],
    ['busiest', top ? percent(top.utilization) : '-', style.cyan(sparkline(view.busiest, 1)),
      top ? `${describeDestination(top)}  ${style.dim(`${count(top.portsInUse)} of ${count(p.range.available)} ports`)}` : style.dim('no destination uses ephemeral ports')],
  ];
  lines.push(...table(trend, ['left', 'right', 'left', 'left']));
  lines.push('');
  if (p.warnings.length === 0) lines.push(`${style.dim('warnings')}  ${style.green('none')}`);
  for (const warning of p.warnings) lines.push(`${style.yellow('!')} ${style.yellow(warning.code)}  ${warning.message}`);
  return lines;
}

const ENTER = '\x1b[?1049h\x1b[?25l';
const LEAVE = '\x1b[?25h\x1b[?1049l';

/** Runs until `frames` are shown, or until SIGINT/SIGTERM (exit code 0 either way). */
export async function runWatch({ intervalMs, frames, stdout, style, where = {} }: WatchRun): Promise<void> {
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
    for await (const tick of watch({ intervalMs, signal: controller.signal, ...where })) {
      const p = await pressureAsync({ top: 1, ...where });
      if (controller.signal.aborted) break;
      remember(view.timeWait, p.timeWait);
      remember(view.busiest, p.destinations.find((d) => d.portsInUse > 0)?.utilization ?? 0);
      const lines = renderFrame(view, tick, p, style, interactive);
      if (interactive) {
        const width = stdout.columns || 200;
        const height = stdout.rows || lines.length;
        const fitted = lines.slice(0, height).map((line) => `${truncate(line, width)}\x1b[K`);
        stdout.write(`\x1b[H${fitted.join('\n')}\x1b[J`);
      } else {
        stdout.write(`${lines.join('\n')}\n\n`);
      }
      if (frames > 0 && ++shown >= frames) break;
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    if (interactive) stdout.write(LEAVE);
  }
}
