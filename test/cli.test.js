'use strict';
// The command line without a namespace: help, version, usage errors and exit codes, failed
// reads (the addon as built where there is no backend), colors, durations, and `serve` over HTTP.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const { cli, cliSpawn } = require('./helpers/cli');
const { exited, lineMatching } = require('./helpers/tools');
const { parseExposition, valueOf } = require('./helpers/exposition');
const { colorEnabled, sparkline, table, wrap } = require('../dist/cli/format');
const { parseDuration } = require('../dist/cli');
const { version } = require('../package.json');

const ESCAPE = /\x1b\[/;

function usageError(run, pattern) {
  assert.equal(run.status, 2, `exit code: ${run.stderr}`);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, /^error: .+\n$/, 'one line on stderr');
  if (pattern) assert.match(run.stderr, pattern);
}

describe('tcpstate usage', () => {
  it('--help for every command, with its flags; --version', () => {
    const flags = {
      '': ['--json', '--top', '--debug', '--version', 'Exit codes'],
      watch: ['--interval', '--count', '--debug'],
      sockets: ['--state', '--sport', '--dport', '--src', '--dst', '--family', '--json', '--debug'],
      serve: ['--port', '--host', '--top', '--min-interval', '--debug'],
    };
    for (const [name, expected] of Object.entries(flags)) {
      const run = cli(name ? [name, '--help'] : ['--help']);
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, new RegExp(`^Usage: tcpstate${name ? ` ${name}` : ''} \\[options\\]`));
      for (const flag of expected) assert.ok(run.stdout.includes(flag), `${name || 'tcpstate'} --help lists ${flag}`);
    }
    assert.equal(cli(['help', 'sockets']).status, 0);
    const v = cli(['--version']);
    assert.equal(v.status, 0);
    assert.equal(v.stdout, `${version}\n`);
  });

  it('rejects unknown flags, commands, arguments and bad values with exit code 2 and one line', () => {
    usageError(cli(['--bogus']), /unknown option '--bogus'/);
    usageError(cli(['sockets', '--jsn']), /unknown option '--jsn'.*--json/);
    usageError(cli(['watch', '--state', 'LISTEN']), /unknown option '--state'/);
    usageError(cli(['serve', '--json']), /unknown option '--json'/);
    usageError(cli(['frobnicate']), /unknown command 'frobnicate'/);
    usageError(cli(['sockets', 'extra']), /too many arguments/);
    usageError(cli(['--top', 'x']), /--top/);
    usageError(cli(['--top', '-1']), /--top/);
    usageError(cli(['watch', '--interval', '0']), /--interval/);
    usageError(cli(['watch', '--interval', '1h']), /--interval/);
    usageError(cli(['serve', '--port', '70000']), /--port/);
    usageError(cli(['sockets', '--state', 'OPEN']), /--state.*'OPEN'.*ESTABLISHED/);
    usageError(cli(['sockets', '--sport', '80-20']), /--sport/);
    usageError(cli(['sockets', '--dport', 'http']), /--dport/);
    usageError(cli(['sockets', '--src', '300.1.2.3']), /--src/);
    usageError(cli(['sockets', '--dst', '10.0.0.0/33']), /--dst/);
    usageError(cli(['sockets', '--family', 'inet']), /--family.*ipv4, ipv6, all/);
    usageError(cli(['sockets', '--state']), /argument missing/);
    usageError(cli(['serve', '--json']), /unknown option '--json'/);
    usageError(cli(['--json', 'sockets']), /'--json' before a command applies to the summary only/);
  });

  it('a failed read exits with 1 and one line naming the error; --debug adds the stack', () => {
    for (const args of [[], ['--json'], ['sockets'], ['sockets', '--json'], ['watch', '--count', '1']]) {
      const run = cli(args, { failing: true });
      assert.equal(run.status, 1, `${args.join(' ')}: ${run.stderr}`);
      assert.equal(run.stdout, '', args.join(' '));
      assert.equal(run.stderr, 'error: tcpstate has no socket-table reader for this platform (TCPSTATE_UNSUPPORTED_PLATFORM)\n', args.join(' '));
    }
    for (const args of [['--debug'], ['sockets', '--debug']]) {
      const run = cli(args, { failing: true });
      assert.equal(run.status, 1);
      assert.match(run.stderr, /^TcpStateError: tcpstate has no socket-table reader for this platform\n(\s+at .+\n)+$/);
    }
  });

  it('watch without a terminal prints frames one after another and stops after --count', () => {
    const run = cli(['watch', '--interval', '50ms', '--count', '3']);
    assert.equal(run.status, 0, run.stderr);
    assert.doesNotMatch(run.stdout, ESCAPE);
    assert.equal(run.stdout.match(/^tcpstate watch {2}every 50 ms/gm).length, 3);
    assert.match(run.stdout, /^state\s+total\s+ipv4\s+ipv6\s+per s$/m);
  });
});

describe('output helpers', () => {
  it('colors only on a terminal, never with NO_COLOR or TERM=dumb', () => {
    assert.equal(colorEnabled({ isTTY: false }, {}), false);
    assert.equal(colorEnabled({}, {}), false);
    assert.equal(colorEnabled({ isTTY: true }, { TERM: 'xterm' }), true);
    assert.equal(colorEnabled({ isTTY: true }, { NO_COLOR: '1' }), false);
    assert.equal(colorEnabled({ isTTY: true }, { NO_COLOR: '' }), true);
    assert.equal(colorEnabled({ isTTY: true }, { TERM: 'dumb' }), false);
  });

  it('reads durations; aligns columns by what is visible; draws sparklines; wraps around escapes, never cuts', () => {
    assert.equal(parseDuration('1s'), 1000);
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('1.5s'), 1500);
    assert.equal(parseDuration('2m'), 120000);
    assert.equal(parseDuration('2'), 2000);
    for (const bad of ['', 's', '-1s', '0', '0.0001s', '1h', '1 s']) assert.throws(() => parseDuration(bad), { code: 'commander.invalidArgument' }, bad);
    assert.deepEqual(table([['a', '1'], ['\x1b[1mlong\x1b[22m', '1,000']], ['left', 'right']), ['a         1', '\x1b[1mlong\x1b[22m  1,000']);
    assert.equal(sparkline([0, 1, 2, 4, 8]), '▁▂▃▅█');
    assert.equal(sparkline([0, 0]), '▁▁');
    assert.equal(sparkline([0.5], 1), '▅');
    assert.deepEqual(wrap('\x1b[31mabcdef\x1b[39m', 3), ['\x1b[31mabc', 'def\x1b[39m']);
    assert.deepEqual(wrap('holds 92% of 1,000 ephemeral ports', 12, '  '), ['holds 92% of', '  1,000', '  ephemeral', '  ports']);
    assert.deepEqual(wrap('short', 80), ['short']);
    const long = `! DESTINATION_PORTS_HIGH  ${'x'.repeat(30)} holds 92% of 1,000 ephemeral ports; connect() fails`;
    const lines = wrap(long, 20, '  ');
    assert.ok(lines.every((line) => line.length <= 20), JSON.stringify(lines));
    assert.equal(lines.map((line, i) => (i === 0 ? line : line.slice(2))).join('').replace(/ /g, ''), long.replace(/ /g, ''));
  });
});

describe('tcpstate serve', () => {
  async function start(args, options) {
    const child = cliSpawn(['serve', '--port', '0', ...args], options);
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const line = await lineMatching(child, /metrics at http:/);
    return { child, url: /http:\S+/.exec(line)[0].replace(/\/metrics$/, ''), stderr: () => stderr };
  }

  it('answers /metrics, / and nothing else; stops cleanly on SIGINT', async () => {
    const { child, url } = await start([]);
    try {
      const metrics = await fetch(`${url}/metrics`);
      assert.equal(metrics.status, 200);
      assert.equal(metrics.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
      const { samples } = parseExposition(await metrics.text());
      assert.ok(valueOf(samples, 'tcpstate_sockets', { state: 'LISTEN', family: 'ipv4' }) >= 1, 'sees its own listener');
      assert.equal(valueOf(samples, 'tcpstate_read_errors_total'), 0);
      const head = await fetch(`${url}/metrics`, { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(await head.text(), '');
      const home = await fetch(`${url}/`);
      assert.equal(home.status, 200);
      assert.match(await home.text(), /^tcpstate \S+: a Prometheus exporter/);
      assert.equal((await fetch(`${url}/metrics/x`)).status, 404);
      const post = await fetch(`${url}/metrics`, { method: 'POST' });
      assert.equal(post.status, 405);
      assert.equal(post.headers.get('allow'), 'GET, HEAD');
    } finally {
      child.kill('SIGINT');
    }
    assert.deepEqual(await exited(child), { code: 0, signal: null });
  });

  it('reuses a read younger than --min-interval', async () => {
    const { child, url } = await start(['--min-interval', '1m']);
    try {
      const first = await (await fetch(`${url}/metrics`)).text();
      const second = await (await fetch(`${url}/metrics`)).text();
      assert.equal(second, first, 'the same read, duration included');
    } finally {
      child.kill('SIGTERM');
    }
    assert.deepEqual(await exited(child), { code: 0, signal: null });
  });

  it('after a failed read answers 200 with the error counter and the read duration only, and logs it', async () => {
    const { child, url, stderr } = await start(['--min-interval', '1ms'], { failing: true });
    try {
      for (const errors of [1, 2]) {
        const response = await fetch(`${url}/metrics`);
        assert.equal(response.status, 200);
        const { samples } = parseExposition(await response.text());
        assert.deepEqual(samples.map((s) => s.name), ['tcpstate_read_duration_seconds', 'tcpstate_read_errors_total']);
        assert.equal(valueOf(samples, 'tcpstate_read_errors_total'), errors);
      }
      assert.match(stderr(), /read failed: tcpstate has no socket-table reader for this platform \(TCPSTATE_UNSUPPORTED_PLATFORM\)/);
    } finally {
      child.kill('SIGTERM');
    }
    assert.deepEqual(await exited(child), { code: 0, signal: null });
  });

  it('a port in use is a runtime failure: exit code 1, one line', async () => {
    const server = net.createServer();
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const run = cli(['serve', '--port', String(server.address().port)]);
      assert.equal(run.status, 1);
      assert.match(run.stderr, /^error: listen EADDRINUSE: address already in use 127\.0\.0\.1:\d+ \(EADDRINUSE\)\n$/);
    } finally {
      server.close();
    }
  });
});
