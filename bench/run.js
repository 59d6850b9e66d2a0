'use strict';
// npm run bench: builds socket tables of several sizes in a private network namespace and
// times tcpstate against a C floor, ss, a plain procfs reader and two npm peers.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { removeStale } = require('./namespace');
const { SIZES } = require('./table');
const { METHODS, Session, measureSize, measureLag, soak, soakTable, curve } = require('./measure');
const { textReport } = require('./report');
const { allNetnsBench, allNetnsReport } = require('./all-netns');
const { traceBench, traceReport } = require('./trace');

const ROOT = path.join(__dirname, '..');
const BUILD = path.join(__dirname, '.build');

const USAGE = `usage: npm run bench -- [options]   (as root)

Builds TCP socket tables in a private network namespace (loopback only) and times
tcpstate against a C netlink floor, ss -tan, a JavaScript /proc/net/tcp reader,
systeminformation and node-netstat; then the connect tracer's overhead (bench/trace.js).

options:
  --size LIST   table sizes, comma-separated, from ${Object.keys(SIZES).join(', ')} (default 1k,10k,100k;
                1m only when asked). Each is mostly TIME_WAIT plus established pairs and a few
                listeners, IPv4 and IPv6; "100k" is 100,000 TIME_WAIT + 20,000 pairs.
  --runs N      repetitions per method (default 15, 5 for systeminformation and node-netstat)
  --json        print one JSON object with every figure instead of the tables
  --all-netns   instead: 50 network namespaces (5 with TIME_WAIT) on the --size table (default 100k),
                a naive pressureAsync() loop over them against pressureAll(), time and peak RSS
  -h, --help    show this help`;

class UsageError extends Error {}

function parseArgs(argv) {
  const options = { sizes: ['1k', '10k', '100k'], runs: null, json: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].startsWith('--') ? argv[i].split(/=(.*)/s) : [argv[i], undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
      return v;
    };
    const noValue = () => {
      if (inline !== undefined) throw new UsageError(`${flag} takes no value`);
    };
    if (flag === '--help' || flag === '-h') {
      noValue();
      options.help = true;
    } else if (flag === '--all-netns') {
      noValue();
      options.allNetns = true;
    } else if (flag === '--json') {
      noValue();
      options.json = true;
    } else if (flag === '--size' || flag === '--sizes') {
      const sizes = value().split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
      for (const s of sizes) if (!SIZES[s]) throw new UsageError(`unknown size "${s}" (use ${Object.keys(SIZES).join(', ')})`);
      if (!sizes.length) throw new UsageError('--size needs at least one size');
      options.sizes = Object.keys(SIZES).filter((s) => sizes.includes(s));
    } else if (flag === '--runs') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1 || n > 1000) throw new UsageError('--runs must be an integer from 1 to 1000');
      options.runs = n;
    } else throw new UsageError(`unknown option ${argv[i]}`);
  }
  return options;
}

const log = (message) => process.stderr.write(`bench: ${message}\n`);

function compile() {
  fs.mkdirSync(BUILD, { recursive: true });
  const binaries = {};
  for (const [name, extra] of [['floor', []], ['load', ['-pthread']]]) {
    binaries[name] = path.join(BUILD, name);
    execFileSync('gcc', ['-O2', '-Wall', '-Wextra', '-o', binaries[name], path.join(__dirname, `${name}.c`), ...extra], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  }
  return binaries;
}

function machine() {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const version = (pkg) => {
    try {
      return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version;
    } catch {
      return null;
    }
  };
  let ss = null;
  try {
    ss = execFileSync('ss', ['-V'], { encoding: 'utf8' }).trim();
  } catch {
    // reported as null
  }
  let ehashEntries = null;
  try {
    ehashEntries = Number(fs.readFileSync('/proc/sys/net/ipv4/tcp_ehash_entries', 'utf8'));
  } catch {
    // older kernels lack it
  }
  return {
    cpu: (/^model name\s*:\s*(.*)$/m.exec(cpuinfo) || [])[1] || os.cpus()[0]?.model || 'unknown',
    cores: os.cpus().length,
    kernel: os.release(),
    node: process.version,
    ehashEntries,
    versions: {
      tcpstate: JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version,
      systeminformation: version('systeminformation'),
      nodeNetstat: version('node-netstat'),
      ss,
    },
  };
}

async function main() {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`bench: ${error.message} (see --help)\n`);
    process.exit(2);
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (process.platform !== 'linux' || process.getuid() !== 0) {
    process.stderr.write('bench: must run as root on Linux (it builds its socket tables in a private network namespace)\n');
    process.exit(1);
  }
  if (!fs.existsSync(path.join(ROOT, 'dist', 'index.js'))) {
    process.stderr.write('bench: dist/ is missing; run npm run build:ts first\n');
    process.exit(1);
  }

  const startedAt = new Date().toISOString();
  const clock = performance.now();
  for (const name of removeStale()) log(`removed the namespace ${name} left by an earlier run`);
  const binaries = compile();
  if (options.allNetns) {
    const sized = process.argv.some((a) => a.startsWith('--size'));
    const all = await allNetnsBench({ size: sized ? options.sizes[options.sizes.length - 1] : '100k', binaries, ...(options.runs ? { rounds: options.runs } : {}) });
    process.stdout.write(options.json ? `${JSON.stringify({ machine: machine(), allNetns: all }, null, 2)}\n` : allNetnsReport(all));
    return;
  }
  const result = {
    machine: machine(),
    startedAt,
    durationMs: 0,
    options: { sizes: options.sizes, runs: options.runs },
    sizes: {},
    lag: null,
    rss: null,
    curve: [],
  };

  const lagSize = options.sizes.includes('100k') ? '100k' : options.sizes[options.sizes.length - 1];
  let previous = null;
  for (const label of options.sizes) {
    const session = await Session.open(label, binaries);
    try {
      const size = await measureSize(session, options.runs, previous);
      result.sizes[label] = size;
      if (label === lagSize) result.lag = await measureLag(session, size);
      size.rebuilds = session.table.rebuilds;
      previous = size;
    } finally {
      await session.close();
    }
  }

  const chosen = soakTable(result.sizes);
  const session = await Session.open(chosen.label, binaries, { agent: false });
  try {
    result.rss = await soak(session, chosen.reason);
  } finally {
    await session.close();
  }

  result.curve = curve(result.sizes);
  result.trace = await traceBench(log);
  result.durationMs = performance.now() - clock;
  if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else process.stdout.write(textReport(result, METHODS) + traceReport(result.trace));
}

main().catch((error) => {
  process.stderr.write(`bench: ${error.stack || error}\n`);
  process.exitCode = 1;
});
