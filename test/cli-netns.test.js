'use strict';
// The command line on a socket table built in a namespace: the summary (human and JSON),
// socket rows with every filter, colors on a terminal, and the live view in tmux.
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const { setTimeout: delay } = require('node:timers/promises');
const { Namespace, rootSkipReason } = require('./helpers/netns');
const { buildScenario, EXPECTED } = require('./helpers/scenario');
const { CLI, cli, cliSpawn } = require('./helpers/cli');
const { toolSkipReason, exited, lineMatching } = require('./helpers/tools');
const { keys } = require('./helpers/rows');

const skip = rootSkipReason() ?? false;
const ESCAPE = /\x1b\[/;

const stateRow = (text, state) => new RegExp(`^\\s*${state}\\s+([\\d,]+)\\s+([\\d,]+)\\s+([\\d,]+)\\s+(\\S+)$`, 'm').exec(text);

describe('tcpstate on a known table', { skip }, () => {
  let ns;
  const run = (args, options = {}) => cli(args, { ns, ...options });
  const timeWaitNow = async () => (await ns.value('snapshot', { states: ['TIME_WAIT'] })).total;

  before(async () => {
    ns = await Namespace.create();
    await buildScenario(ns);
  });
  after(async () => ns && ns.destroy());

  it('prints the summary: states, range and limits, busiest destinations, close rate, warnings; aligned, no colors off a terminal', () => {
    const { status, stdout, stderr } = run([]);
    assert.equal(status, 0, stderr);
    assert.equal(stderr, '');
    assert.doesNotMatch(stdout, ESCAPE);
    assert.match(stdout, /^TCP sockets {2}32 {2}read in \d+\.\d\d ms\n/);
    const states = stdout.split('\n').slice(1, 5);
    assert.match(states[0], /^\s+state\s+ipv4\s+ipv6\s+total$/);
    assert.match(states[1], /^\s+ESTABLISHED\s+6\s+0\s+6$/);
    assert.match(states[2], /^\s+TIME_WAIT\s+20\s+4\s+24$/);
    assert.match(states[3], /^\s+LISTEN\s+1\s+1\s+2$/);
    assert.equal(new Set(states.map((line) => line.length)).size, 1, 'right-aligned columns');
    assert.match(stdout, /^Ephemeral ports {2}40000-49999$/m);
    assert.match(stdout, /^\s+available\s+10,000\s+of 10,000 in the range, 0 reserved$/m);
    assert.match(stdout, /^\s+TIME_WAIT lasts\s+60 s\s+at most 166\.7 new connections\/s per destination$/m);
    assert.match(stdout, /^\s+TIME_WAIT\s+24\s+client side 24 · server side 0 · other 0$/m);
    assert.match(stdout, /^\s+close rate\s+\d+\.\d\/s/m);
    assert.match(stdout, /^\s+limits\s+tcp_tw_reuse 0 \(off\) · tcp_timestamps 1 · tcp_max_tw_buckets [\d,]+$/m);
    assert.match(stdout, /^Busiest destinations {2}2 of \d+$/m);
    const rows = stdout.split('\n').filter((line) => line.includes(' -> '));
    assert.equal(rows.length, 2);
    // destination, bar, used, ports, closes/s, limit/s, status, out of ports in
    assert.match(stdout, /^\s+destination\s+used\s+ports\s+closes\/s\s+limit\/s\s+status\s+out in$/m);
    assert.match(rows[0], /^\s+127\.0\.0\.1 -> 127\.0\.0\.1:5001\s+█?░+\s+0\.2%\s+23\s+\d+\.\d\s+166\.7\s+fine\s+-$/);
    assert.match(rows[1], /^\s+::1 -> \[::1\]:6001\s+░+\s+0\.0%\s+4\s+\d+\.\d\s+166\.7\s+fine\s+-$/);
    assert.match(stdout, /^\s+host ports\s+\d+\s+held by any socket \(\d+\.\d%\), 0 by listeners/m);
    assert.match(stdout, /^\s+connects\s+[\d,]+\s+opened so far \(Tcp ActiveOpens\)/m);
    assert.equal(rows[0].length, rows[1].length, 'aligned destination columns');
    assert.match(stdout, /^Warnings {2}1\n {2}! RANGE_NARROWER_THAN_DEFAULT\n {4}The ephemeral range 40000-49999 holds 10,000 ports, .*: widen it/m);
  });

  it('--json: the documented shape with the values of the table', () => {
    const { status, stdout } = run(['--json']);
    assert.equal(status, 0);
    const summary = JSON.parse(stdout);
    assert.deepEqual(Object.keys(summary), [
      'timestamp', 'durationMs', 'consistent', 'sockets', 'ephemeralRange', 'timeWait', 'closeRate',
      'hostPorts', 'counters', 'destinationCount', 'destinations', 'warnings',
    ]);
    assert.ok(Math.abs(summary.timestamp - Date.now()) < 60000);
    assert.equal(summary.consistent, true);
    assert.equal(summary.sockets.total, EXPECTED.total);
    for (const family of ['ipv4', 'ipv6']) {
      for (const [state, count] of Object.entries(summary.sockets[family].states)) {
        assert.equal(count, EXPECTED[family][state] ?? 0, `${family} ${state}`);
      }
    }
    const { range } = EXPECTED;
    assert.deepEqual(
      { low: summary.ephemeralRange.low, high: summary.ephemeralRange.high, size: summary.ephemeralRange.size,
        reserved: summary.ephemeralRange.reserved, available: summary.ephemeralRange.available },
      range);
    assert.equal(summary.ephemeralRange.settings.tcpTwReuse.value, 0);
    assert.deepEqual(summary.timeWait, EXPECTED.timeWait);
    assert.ok(summary.closeRate > 0);
    assert.ok(summary.destinationCount >= 2);
    assert.deepEqual(summary.destinations.map((d) => ({
      family: d.family, localAddress: d.localAddress, remoteAddress: d.remoteAddress, remotePort: d.remotePort,
      portsInUse: d.portsInUse, timeWait: d.timeWait, established: d.established,
    })), EXPECTED.destinations);
    assert.equal(summary.destinations[0].utilization, 23 / 10000);
    assert.deepEqual(summary.warnings.map((w) => w.code), EXPECTED.warnings);
    assert.match(summary.warnings[0].message, /widen it/);
    const top = JSON.parse(run(['--json', '--top', '1']).stdout);
    assert.deepEqual(top.destinations.map((d) => d.remotePort), [5001]);
  });

  it('sockets: rows like ss -tan under a header, and every filter', async () => {
    const all = run(['sockets']);
    assert.equal(all.status, 0, all.stderr);
    const lines = all.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^State\s+Recv-Q\s+Send-Q\s+Local Address:Port\s+Peer Address:Port\s+Timer$/);
    assert.equal(lines.length, 1 + EXPECTED.total);
    assert.ok(lines.some((l) => /^LISTEN\s+0\s+511\s+\[::1\]:6001\s+\[::\]:\*$/.test(l)), 'IPv6 in brackets, * for no port');
    assert.ok(lines.some((l) => /^LISTEN\s+0\s+511\s+127\.0\.0\.1:5001\s+0\.0\.0\.0:\*$/.test(l)));
    const timeWait = lines.filter((l) => l.startsWith('TIME_WAIT'));
    assert.equal(timeWait.length, 24);
    for (const l of timeWait) assert.match(l, /^TIME_WAIT\s+0\s+0\s+(127\.0\.0\.1|\[::1\]):4\d{4}\s+(127\.0\.0\.1:5001|\[::1\]:6001)\s+\d+\.\ds$/);

    const count = (args) => {
      const result = run(['sockets', ...args]);
      assert.equal(result.status, 0, result.stderr);
      return result.stdout.trimEnd().split('\n').length - 1;
    };
    assert.equal(count(['--state', 'TIME_WAIT']), 24);
    assert.equal(count(['--state', 'time-wait', '--family', 'ipv6']), 4);
    assert.equal(count(['--state', 'established,listen', '--sport', '5001']), 4);
    assert.equal(count(['--state', 'ESTABLISHED', '--state', 'LISTEN', '--family', 'ipv4']), 7);
    assert.equal(count(['--dport', '5001', '--state', 'ESTABLISHED']), 3);
    assert.equal(count(['--sport', '40000-49999', '--state', 'ESTABLISHED']), 3);
    assert.equal(count(['--src', '::1']), 5);
    assert.equal(count(['--dst', '127.0.0.0/8', '--state', 'ESTABLISHED']), 6);
    assert.equal(count(['--state', 'SYN_SENT']), 0);

    const json = run(['sockets', '--json', '--family', 'ipv4', '--dport', '5001']);
    assert.equal(json.status, 0);
    const rows = JSON.parse(json.stdout);
    const expected = await ns.value('sockets', { family: 'ipv4', remotePort: 5001 });
    assert.equal(rows.length, 23);
    assert.deepEqual(keys(rows), keys(expected));
  });

  it('--netns reads the namespace from outside it, for the summary, sockets and watch', () => {
    const netns = `/var/run/netns/${ns.name}`;
    const inside = JSON.parse(run(['--json']).stdout);
    const outside = JSON.parse(cli(['--netns', netns, '--json']).stdout);
    assert.deepEqual(outside.sockets.states, inside.sockets.states);
    assert.deepEqual(outside.ephemeralRange.low, inside.ephemeralRange.low);
    const rows = JSON.parse(cli(['--netns', netns, 'sockets', '--json', '--state', 'LISTEN']).stdout);
    assert.equal(rows.length, inside.sockets.states.LISTEN);
    assert.ok(rows.every((r) => r.netnsInode === rows[0].netnsInode && r.netnsInode > 0));
    const frame = cli(['--netns', netns, 'watch', '--count', '1']);
    assert.equal(frame.status, 0, frame.stderr);
    const missing = cli(['--netns', '/var/run/netns/no-such-namespace', 'sockets']);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^error: network namespace .* \(TCPSTATE_NETNS_NOT_FOUND\)\n$/);
  });

  it('watch without a terminal: a frame per read, with rates per second as sockets close', async () => {
    const before = await timeWaitNow();
    const child = cliSpawn(['watch', '--interval', '300ms', '--count', '5'], { ns });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    await lineMatching(child, /^closing|^TIME_WAIT\s+[\d,]+\s+[▁▂▃▄▅▆▇█]/);
    await ns.send('timeWait', { host: '127.0.0.1', port: 5001, count: 5 });
    assert.deepEqual(await exited(child, 20000), { code: 0, signal: null });
    const frames = stdout.split(/^(?=tcpstate watch)/m);
    assert.equal(frames.length, 5);
    const rows = frames.map((frame) => stateRow(frame, 'TIME_WAIT'));
    assert.equal(rows[0][1], String(before));
    assert.equal(rows.at(-1)[1], String(before + 5));
    assert.equal(rows[0][4], '0.0', 'no rate on the first frame');
    assert.ok(rows.some((row) => /^\+\d+\.\d$/.test(row[4])), `a positive TIME_WAIT rate: ${rows.map((r) => r[4])}`);
    assert.match(frames.at(-1),
      /^busiest\s+0\.\d%\s+[▁▂▃▄▅▆▇█]+\s+127\.0\.0\.1 -> 127\.0\.0\.1:5001\s+fine\s+\d+ of 10,000 ports · closing \d+\.\d\/s of 166\.7\/s · out of ports in -$/m);
    // One read per frame: the state table and the trend line agree.
    for (const frame of frames.slice(1)) {
      const timeWait = /^TIME_WAIT\s+([\d,]+)\s+[\d,]+\s+[\d,]+/m.exec(frame);
      const trend = /^TIME_WAIT\s+([\d,]+)\s+[▁▂▃▄▅▆▇█]+\s+closing [\d.,]+\/s · connecting [\d.,]+\/s/m.exec(frame);
      assert.ok(timeWait && trend, frame);
      assert.equal(timeWait[1], trend[1], frame);
    }
  });

  describe('in a terminal (tmux)', { skip: toolSkipReason('tmux') ?? false }, () => {
    const server = `tcpstate-test-${process.pid}`;
    const tmux = (...args) => execFileSync('tmux', ['-L', server, '-f', '/dev/null', ...args], { encoding: 'utf8' });
    const quote = (text) => `'${text.replace(/'/g, "'\\''")}'`;
    let sessions = 0;

    /** Starts `args` in a new 150x50 terminal; the shell reports the exit code, then waits. */
    function terminal(args, env) {
      const name = `s${++sessions}`;
      const command = ['ip', 'netns', 'exec', ns.name, 'env', '-u', 'NO_COLOR', ...env, process.execPath, CLI, ...args].map(quote).join(' ');
      tmux('new-session', '-d', '-s', name, '-x', '150', '-y', '50', `${command}; echo EXIT=$?; sleep 600`);
      return name;
    }
    const screen = (name, escapes) => tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', name);
    async function until(name, check, what, ms = 30000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const text = screen(name, false);
        if (check(text)) return text;
        if (Date.now() > deadline) assert.fail(`${what}; the screen:\n${text}`);
        await delay(50);
      }
    }

    after(() => {
      try {
        tmux('kill-server');
      } catch {
        // no server was started
      }
    });

    it('colors the summary on a terminal, and not with NO_COLOR', async () => {
      const colored = terminal([], []);
      await until(colored, (text) => text.includes('EXIT=0'), 'the summary ends');
      const withColor = screen(colored, true);
      assert.match(withColor, ESCAPE);
      assert.match(withColor, /\x1b\[1mTCP sockets/);
      const plain = terminal([], ['NO_COLOR=1']);
      await until(plain, (text) => text.includes('EXIT=0'), 'the summary ends');
      assert.doesNotMatch(screen(plain, true), ESCAPE);
      assert.match(screen(plain, false), /^TCP sockets {2}\d+/m);
    });

    it('watch redraws in place with trends, and ends with exit code 0 on Ctrl-C', async () => {
      const before = await timeWaitNow();
      const name = terminal(['watch', '--interval', '200ms'], []);
      await until(name, (text) => stateRow(text, 'TIME_WAIT')?.[1] === String(before), `TIME_WAIT ${before} shown`);
      await ns.send('timeWait', { host: '127.0.0.1', port: 5001, count: 6 });
      const text = await until(name, (t) => stateRow(t, 'TIME_WAIT')?.[1] === String(before + 6), `TIME_WAIT ${before + 6} shown`);
      assert.equal(text.match(/tcpstate watch/g).length, 1, 'one frame on the screen: redrawn in place');
      assert.match(text, /^tcpstate watch {2}every 200 ms {2}\d\d:\d\d:\d\d {2}Ctrl-C to quit$/m);
      const trend = /^TIME_WAIT\s+[\d,]+\s+([▁▂▃▄▅▆▇█]+)\s+closing/m.exec(text);
      assert.ok(trend && new Set(trend[1]).size >= 2, `the TIME_WAIT trend rises: ${trend && trend[1]}`);
      assert.match(text, /^busiest\s+0\.\d%\s+[▁▂▃▄▅▆▇█]+\s+127\.0\.0\.1 -> 127\.0\.0\.1:5001/m);
      assert.match(screen(name, true), ESCAPE, 'colors on the terminal');
      tmux('send-keys', '-t', name, 'C-c');
      const end = await until(name, (t) => /EXIT=\d+/.test(t), 'watch ends on Ctrl-C', 5000);
      assert.match(end, /EXIT=0/);
      assert.doesNotMatch(end, /tcpstate watch/, 'the alternate screen is left');
    });
  });
});
