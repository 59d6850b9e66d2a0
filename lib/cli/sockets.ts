// `tcpstate sockets`: the filters as flags, and rows like `ss -tan`.
import { InvalidArgumentError } from 'commander';

import { bracketHost } from '../address';
import { STATES } from '../index';
import { parseOptions } from '../options';
import type { Options, PortFilter, Socket, TcpState } from '../types';
import { table, type Style } from './format';

/** The flags of `tcpstate sockets` as commander gives them. */
export interface SocketFlags {
  state?: TcpState[];
  sport?: PortFilter;
  dport?: PortFilter;
  src?: string;
  dst?: string;
  family?: 'ipv4' | 'ipv6' | 'all';
}

/** `--state`: repeatable and comma-separated; `time-wait`, `time_wait` and `TIME_WAIT` all work. */
export function collectStates(value: string, previous: TcpState[] | undefined): TcpState[] {
  const out = [...(previous ?? [])];
  for (const part of value.split(',')) {
    const name = part.trim().toUpperCase().replace(/-/g, '_');
    if (!(STATES as readonly string[]).includes(name)) {
      throw new InvalidArgumentError(`Expected one of ${STATES.join(', ')}.`);
    }
    if (!out.includes(name as TcpState)) out.push(name as TcpState);
  }
  return out;
}

function port(text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) {
    throw new InvalidArgumentError('Expected a port from 0 to 65535, or a range such as 1024-2047.');
  }
  return Number(text);
}

/** `--sport` / `--dport`: `443` or `32768-60999`. */
export function parsePortFlag(value: string): PortFilter {
  const dash = value.indexOf('-');
  if (dash === -1) return port(value);
  const range: [number, number] = [port(value.slice(0, dash)), port(value.slice(dash + 1))];
  if (range[0] > range[1]) throw new InvalidArgumentError('Expected the range as min-max, min <= max.');
  return range;
}

/** `--src` / `--dst`: an IP address or CIDR, checked as the API checks it. */
export function parseAddressFlag(value: string): string {
  try {
    parseOptions({ localAddress: value });
  } catch {
    throw new InvalidArgumentError('Expected an IP address or CIDR, such as 10.0.0.0/8 or ::1.');
  }
  return value;
}

/** The API options for the flags. */
export function toOptions(flags: SocketFlags): Options {
  const options: Options = {};
  if (flags.family) options.family = flags.family;
  if (flags.state) options.states = flags.state;
  if (flags.sport !== undefined) options.localPort = flags.sport;
  if (flags.dport !== undefined) options.remotePort = flags.dport;
  if (flags.src !== undefined) options.localAddress = flags.src;
  if (flags.dst !== undefined) options.remoteAddress = flags.dst;
  return options;
}

function endpoint(address: string, port: number, isPeer: boolean): string {
  return `${bracketHost(address)}:${isPeer && port === 0 ? '*' : port}`;
}

function timer(ms: number | null): string {
  if (ms === null) return '';
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)}s` : `${ms}ms`;
}

/** One line per socket under a header, like `ss -tan`, plus the time left on its timer. */
export function renderSockets(rows: readonly Socket[], style: Style): string {
  const header = ['State', 'Recv-Q', 'Send-Q', 'Local Address:Port', 'Peer Address:Port', 'Timer'].map((h) => style.bold(h));
  const body = rows.map((row) => [
    row.state,
    String(row.recvQueue ?? ''),
    String(row.sendQueue ?? ''),
    endpoint(row.localAddress, row.localPort, false),
    endpoint(row.remoteAddress, row.remotePort, true),
    timer(row.timerMs),
  ]);
  const lines = table([header, ...body], ['left', 'right', 'right', 'right', 'left', 'right']);
  return `${lines.map((line) => line.trimEnd()).join('\n')}\n`;
}
