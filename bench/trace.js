'use strict';
// The connect tracer's overhead (part of npm run bench; alone: node bench/trace.js [--json]):
//  - connects/s of a tight blocking connect() loop in C (bench/connect.c) on loopback in a
//    private namespace, without and with a tracer attached, runs alternated;
//  - the cost of tracer.read() when the kernel's maps hold 10,000 destinations (one refused
//    connect to each of 10,000 ports), with top 1,000 (maps of 16,000) and top 10,000 (65,536).
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const BUILD = path.join(__dirname, '.build');
const RUNS = 5;
const SECONDS = 2;
const DESTINATIONS = 10000;
const READS = 30;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function compile() {
  fs.mkdirSync(BUILD, { recursive: true });
  const binary = path.join(BUILD, 'connect');
  execFileSync('gcc', ['-O2', '-Wall', '-Wextra', '-pthread', '-o', binary, path.join(__dirname, 'connect.c')], { stdio: ['ignore', 'inherit', 'inherit'] });
  return binary;
}

function timeReads(tracer, n) {
  const ms = [];
  let last = null;
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    last = tracer.read();
    ms.push(performance.now() - start);
  }
  return { medianMs: median(ms), maxMs: Math.max(...ms), destinationCount: last.destinationCount, returned: last.destinations.length };
}

/** The figures, or { skipped: reason } where the tracer cannot attach. */
async function traceBench(log = () => {}) {
  const { traceConnects } = require('..');
  let probe;
  try {
    probe = await traceConnects({ top: 1 });
  } catch (error) {
    return { skipped: `${error.code ?? ''} ${error.message}`.trim() };
  }
  probe.close();
  const binary = compile();
  const ns = `tcpstate-bench-trace-${process.pid}`;
  execFileSync('ip', ['netns', 'add', ns]);
  try {
    execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    const inNs = (...args) => JSON.parse(execFileSync('ip', ['netns', 'exec', ns, binary, ...args], { encoding: 'utf8' }));
    const without = [];
    const traced = [];
    for (let i = 0; i < RUNS; i++) {
      log(`trace: connect loop ${i + 1}/${RUNS}`);
      without.push(inNs('loop', String(SECONDS), '5000').perSecond);
      const tracer = await traceConnects();
      try {
        traced.push(inNs('loop', String(SECONDS), '5000').perSecond);
      } finally {
        tracer.close();
      }
    }
    log(`trace: read() at ${DESTINATIONS} destinations`);
    const tracer = await traceConnects({ netns: `/var/run/netns/${ns}`, top: DESTINATIONS });
    let reads;
    try {
      const spread = inNs('spread', '20000', String(DESTINATIONS));
      reads = { spread, top1000: null, top10000: timeReads(tracer, READS) };
    } finally {
      tracer.close();
    }
    const tracerTop1000 = await traceConnects({ netns: `/var/run/netns/${ns}`, top: 1000 });
    try {
      inNs('spread', '20000', String(DESTINATIONS));
      reads.top1000 = timeReads(tracerTop1000, READS);
    } finally {
      tracerTop1000.close();
    }
    const a = median(without);
    const b = median(traced);
    return {
      connectLoop: { runs: RUNS, seconds: SECONDS, withoutPerSecond: without, withPerSecond: traced, medianWithout: a, medianWith: b, overheadPercent: ((a - b) / a) * 100 },
      read: reads,
    };
  } finally {
    execFileSync('ip', ['netns', 'del', ns]);
  }
}

function traceReport(trace) {
  if (!trace) return '';
  if (trace.skipped) return `\nConnect tracer: not measured (${trace.skipped})\n`;
  const n = (x) => Math.round(x).toLocaleString('en-US');
  const c = trace.connectLoop;
  const r = trace.read;
  return '\nConnect tracer (traceConnects)\n' +
    `  connect loop      ${n(c.medianWithout)}/s without, ${n(c.medianWith)}/s with the tracer (${c.overheadPercent.toFixed(1)}% fewer; median of ${c.runs} x ${c.seconds} s)\n` +
    `  read(), top 1k    ${r.top1000.medianMs.toFixed(2)} ms median (max ${r.top1000.maxMs.toFixed(2)}): ${n(r.top1000.destinationCount)} destinations in the maps, ${n(r.top1000.returned)} returned\n` +
    `  read(), top 10k   ${r.top10000.medianMs.toFixed(2)} ms median (max ${r.top10000.maxMs.toFixed(2)}): ${n(r.top10000.destinationCount)} destinations in the maps, ${n(r.top10000.returned)} returned\n`;
}

module.exports = { traceBench, traceReport };

if (require.main === module) {
  traceBench((m) => process.stderr.write(`bench: ${m}\n`)).then((result) => {
    process.stdout.write(process.argv.includes('--json') ? `${JSON.stringify(result, null, 2)}\n` : traceReport(result));
  }).catch((error) => {
    process.stderr.write(`bench: ${error.stack}\n`);
    process.exitCode = 1;
  });
}
