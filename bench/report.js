'use strict';
// The human-readable report: aligned tables on stdout.

const int = (n) => (n === null || n === undefined ? '-' : Math.round(n).toLocaleString('en-US'));
const signedMb = (bytes) => `${bytes >= 0 ? '+' : '-'}${mb(Math.abs(bytes))}`;
const mb = (bytes) => (bytes === null || bytes === undefined ? '-' : `${(bytes / 1048576).toFixed(1)} MB`);

function ms(value) {
  if (value === null || value === undefined) return '-';
  if (value >= 1000) return value.toFixed(0);
  if (value >= 100) return value.toFixed(1);
  if (value >= 10) return value.toFixed(2);
  return value.toFixed(3);
}

/** Rows of cells as aligned text; `align` holds 'l' or 'r' per column. */
function table(header, rows, align) {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((row) => String(row[i]).length)));
  const line = (row) =>
    row
      .map((cell, i) => (align[i] === 'l' ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** A method's row; a failure, a capped call or a wrong count is shown instead of its time. */
function methodRow(label, m) {
  const count = int(m.count);
  if (m.status === 'failed') return [label, 'failed', '-', '-', count, String(m.runs)];
  if (m.status === 'wrong-count') return [label, 'wrong count', `(took ${ms(m.median)})`, '-', count, String(m.runs)];
  if (m.status === 'capped' && m.median === null) return [label, 'capped', '-', '-', count, '0'];
  const ratio = m.ratio === null ? '-' : `${m.ratio.toFixed(m.ratio >= 100 ? 0 : 2)}x`;
  const runs = m.status === 'capped' ? `${m.runs}, then capped` : String(m.runs);
  return [label, ms(m.median), `${ms(m.min)} – ${ms(m.max)}`, ratio, count, runs];
}

function sizeBlock(label, size, methods) {
  const out = [];
  const s = size.states;
  out.push(`== ${label} table: ${int(size.sockets)} sockets (snapshot().total ${int(size.snapshotTotal)}, /proc/net/sockstat ${int(size.sockstat)}) ==`);
  out.push(
    `   ${int(s.TIME_WAIT)} TIME_WAIT, ${int(s.ESTABLISHED)} ESTABLISHED, ${int(s.LISTEN)} LISTEN, ${int(size.other)} other;` +
      ` IPv4 ${int(size.ipv4)}, IPv6 ${int(size.ipv6)}; sockstat during runs ${int(size.tableMin)} – ${int(size.tableMax)};` +
      ` TIME_WAIT rebuilt ${size.rebuilds}x`,
  );
  const rows = methods.map(({ name, label: methodLabel }) => methodRow(methodLabel, size.methods[name]));
  out.push(table(['method', 'median ms', 'min – max ms', 'x floor', 'count', 'runs'], rows, ['l', 'r', 'r', 'r', 'r', 'r']));
  const notes = methods.filter(({ name }) => size.methods[name].note).map(({ name, label: l }) => `   ${l}: ${size.methods[name].note}`);
  if (notes.length) out.push(notes.join('\n'));
  const peerMemory = size.methods.systeminformation?.peakRss;
  if (peerMemory) {
    out.push(
      `   systeminformation networkConnections(): peak RSS ${mb(peerMemory.maxRss)} in its Node process` +
        ` (${mb(peerMemory.rssBefore)} before the call; netstat's own memory not included)`,
    );
  }
  return out.join('\n');
}

function lagBlock(lag) {
  if (!lag) return null;
  if (lag.skipped) return `Event-loop lag: skipped (${lag.skipped})`;
  const row = (name, r) => [name, ms(r.durationMs), int(r.ticks), ms(r.p99Ms), ms(r.maxMs)];
  return [
    `Event-loop lag on the ${lag.size} table (${int(lag.table)} sockets), in a fresh process:` +
      ` delay of a 1 ms setInterval while ${lag.reads} reads run back to back`,
    table(
      ['during', 'total ms', 'ticks', 'p99 delay ms', 'max delay ms'],
      [
        row('idle (500 ms, no reads)', lag.idle),
        row(`${lag.reads} x snapshotAsync()`, lag.snapshotAsync),
        row(`${lag.reads} x snapshot() (sync, for contrast)`, lag.snapshot),
      ],
      ['l', 'r', 'r', 'r', 'r'],
    ),
  ].join('\n');
}

function rssBlock(rss) {
  if (!rss) return null;
  if (rss.skipped) return `Memory over repeated snapshot(): skipped (${rss.skipped})`;
  const lines = [
    `Memory over ${int(rss.calls)} consecutive snapshot() calls on the ${rss.size} table, in a fresh process` +
      ` (${int(rss.tableMin)} – ${int(rss.tableMax)} sockets; ${rss.reason})`,
    table(
      ['', 'before', 'after', 'change'],
      [
        ['RSS', mb(rss.before.rss), mb(rss.after.rss), signedMb(rss.after.rss - rss.before.rss)],
        ['heap used', mb(rss.before.heapUsed), mb(rss.after.heapUsed), signedMb(rss.after.heapUsed - rss.before.heapUsed)],
      ],
      ['l', 'r', 'r', 'r'],
    ),
    `   ${int(rss.calls)} calls took ${(rss.busyMs / 1000).toFixed(1)} s (${ms(rss.busyMs / rss.calls)} ms each), in ${rss.chunks} chunk(s);` +
      ` TIME_WAIT rebuilt ${rss.rebuilds}x between chunks; peak RSS ${mb(rss.maxRss)}`,
  ];
  return lines.join('\n');
}

function curveBlock(curve) {
  if (!curve.length) return null;
  const us = (v) => (v === null ? '-' : v.toFixed(3));
  const rows = curve.map((c) => [
    c.size,
    int(c.sockets),
    ms(c.snapshotMs),
    us(c.snapshotUsPerSocket),
    us(c.snapshotMarginalUsPerSocket),
    ms(c.floorMs),
    us(c.floorUsPerSocket),
    us(c.floorMarginalUsPerSocket),
  ]);
  return [
    'Cost curve (median; marginal = change in time / change in sockets from the previous size)',
    table(
      ['table', 'sockets', 'snapshot() ms', 'us/socket', 'marginal', 'floor ms', 'us/socket', 'marginal'],
      rows,
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  ].join('\n');
}

function textReport(result, methods) {
  const m = result.machine;
  const parts = [
    [
      `tcpstate benchmark (${result.startedAt}, ${(result.durationMs / 1000).toFixed(0)} s)`,
      `machine: ${m.cpu}, ${m.cores} cores, kernel ${m.kernel}, node ${m.node}, tcp_ehash_entries ${m.ehashEntries}`,
      `versions: tcpstate ${m.versions.tcpstate}, systeminformation ${m.versions.systeminformation}, ` +
        `node-netstat ${m.versions.nodeNetstat}, ${m.versions.ss}`,
      'x floor = median / the faster floor median of the same table; count = sockets the method returned' +
        ' (filtered snapshot: TIME_WAIT to one port; pressure(): its TIME_WAIT total)',
    ].join('\n'),
  ];
  for (const [label, size] of Object.entries(result.sizes)) parts.push(sizeBlock(label, size, methods));
  for (const block of [lagBlock(result.lag), rssBlock(result.rss), curveBlock(result.curve)]) if (block) parts.push(block);
  return `${parts.join('\n\n')}\n`;
}

module.exports = { textReport };
