// Terminal output helpers of the CLI: colors, numbers, aligned columns, bars and sparklines.
import { stripVTControlCharacters } from 'node:util';

export { describeDestination } from '../address';

export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  cyan(text: string): string;
}

/** Colors only on a terminal, never with a non-empty NO_COLOR, never on a dumb terminal. */
export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (!stream.isTTY) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return env.TERM !== 'dumb';
}

function sgr(enabled: boolean, open: number, close: number): (text: string) => string {
  return enabled ? (text) => `\x1b[${open}m${text}\x1b[${close}m` : (text) => text;
}

export function createStyle(enabled: boolean): Style {
  return {
    bold: sgr(enabled, 1, 22),
    dim: sgr(enabled, 2, 22),
    red: sgr(enabled, 31, 39),
    yellow: sgr(enabled, 33, 39),
    green: sgr(enabled, 32, 39),
    cyan: sgr(enabled, 36, 39),
  };
}

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** Length as shown on a terminal: escape sequences take no room. */
export function visibleLength(text: string): number {
  return [...stripVTControlCharacters(text)].length;
}

/**
 * Breaks a line into lines of at most `width` visible characters, at spaces where it can
 * (a word longer than the width is split), keeping escape sequences; nothing is cut.
 * Continuation lines start with `indent`.
 */
export function wrap(line: string, width: number, indent = ''): string[] {
  if (width <= 0 || visibleLength(line) <= width) return [line];
  const room = Math.max(1, width - visibleLength(indent));
  const out: string[] = [];
  let current = '';
  let shown = 0;
  let lastSpace = -1; // index in `current` after the last space, and the visible count there
  let shownAtSpace = 0;
  const limit = () => (out.length === 0 ? width : room);
  for (let i = 0; i < line.length;) {
    ANSI.lastIndex = i;
    const escape = line[i] === '\x1b' ? ANSI.exec(line) : null;
    if (escape && escape.index === i) {
      current += escape[0];
      i += escape[0].length;
      continue;
    }
    const char = String.fromCodePoint(line.codePointAt(i) as number);
    i += char.length;
    if (shown >= limit()) {
      if (char === ' ') {
        out.push(current);
        current = '';
        shown = 0;
        lastSpace = -1;
        continue;
      }
      if (lastSpace > 0 && shown - shownAtSpace < room) {
        out.push(current.slice(0, lastSpace - 1));
        current = current.slice(lastSpace);
        shown -= shownAtSpace;
      } else {
        out.push(current);
        current = '';
        shown = 0;
      }
      lastSpace = -1;
    }
    current += char;
    shown++;
    if (char === ' ') {
      lastSpace = current.length;
      shownAtSpace = shown;
    }
  }
  ANSI.lastIndex = 0;
  if (current.length > 0) out.push(current);
  return out.map((piece, index) => (index === 0 ? piece : indent + piece));
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** A count with thousands separators: 28,232. */
export const count = (n: number): string => integer.format(n);

/** A rate with one decimal and thousands separators; `?` when unknown. */
export function rate(n: number | null): string {
  if (n === null) return '?';
  if (!Number.isFinite(n)) return 'unlimited';
  return decimal.format(n);
}

/** A signed rate: +12.0, -3.5, 0.0. */
export function signedRate(n: number): string {
  const text = decimal.format(Math.abs(n));
  if (text === '0.0') return text;
  return `${n < 0 ? '-' : '+'}${text}`;
}

export const percent = (ratio: number): string => `${(ratio * 100).toFixed(1)}%`;

/** Seconds to exhaustion for humans: `now`, `12 s`, `3.5 min`; `-` when it does not run out. */
export function eta(seconds: number | null): string {
  if (seconds === null) return '-';
  if (seconds <= 0) return 'now';
  if (seconds < 100) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  return `${(seconds / 60).toFixed(1)} min`;
}

/** A destination's status, colored: fine, high, at limit, exhausted. */
export function statusText(status: 'fine' | 'high' | 'at-limit' | 'exhausted', style: Style): string {
  if (status === 'exhausted') return style.red('exhausted');
  if (status === 'at-limit') return style.red('at limit');
  if (status === 'high') return style.yellow('high');
  return style.green('fine');
}

/** Milliseconds for humans: 850 ms, 1.5 s, 2 min. */
export function duration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60000 || ms % 60000 !== 0) return `${+(ms / 1000).toFixed(3)} s`;
  return `${ms / 60000} min`;
}

/** A horizontal bar of `width` cells for a ratio from 0 to 1, colored by how full it is. */
export function bar(ratio: number, width: number, style: Style): string {
  const clamped = Math.min(1, Math.max(0, ratio));
  const filled = Math.round(clamped * width);
  const color = clamped >= 0.8 ? style.red : clamped >= 0.5 ? style.yellow : style.green;
  return color('█'.repeat(filled)) + style.dim('░'.repeat(width - filled));
}

const TICKS = '▁▂▃▄▅▆▇█';

/** A sparkline of the values, scaled from 0 to `max` (default: their maximum). */
export function sparkline(values: readonly number[], max = Math.max(0, ...values)): string {
  return values
    .map((v) => TICKS[max > 0 ? Math.min(7, Math.max(0, Math.round((v / max) * 7))) : 0])
    .join('');
}

export type Align = 'left' | 'right';

/** Lines of aligned columns, two spaces apart; cells may carry escape sequences. */
export function table(rows: readonly (readonly string[])[], align: readonly Align[], indent = ''): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell));
    });
  }
  return rows.map((row) => {
    const cells = row.map((cell, i) => {
      const pad = ' '.repeat((widths[i] ?? 0) - visibleLength(cell));
      if (align[i] === 'right') return pad + cell;
      return i === row.length - 1 ? cell : cell + pad;
    });
    return indent + cells.join('  ');
  });
}
