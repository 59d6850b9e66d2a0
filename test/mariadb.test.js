'use strict';
// End to end with a real server and client: Debian's MariaDB started in a namespace of its
// own (a 1,000-port range, 60 s of TIME_WAIT) and mysql2 connecting to it at 50/s, closing
// with end() (COM_QUIT: the server closes first) and with destroy() (the client does).
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, execFileSync } = require('node:child_process');
const { Namespace, rootSkipReason } = require('./helpers/netns');
const { toolSkipReason, exited } = require('./helpers/tools');
const traffic = require('./helpers/traffic');

const skip = rootSkipReason() ?? toolSkipReason('mariadbd:mariadb-server', 'mariadb-install-db:mariadb-server') ?? false;
const SYSCTL = '/proc/sys/net/ipv4/';
const PORT = 3306;

async function sysctl(ns, name, value) {
  await ns.send('writeFile', { path: SYSCTL + name, data: `${value}\n` });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

describe('MariaDB server and mysql2 client in a namespace', { skip }, () => {
  let ns;
  let dir;
  let server;
  let serverLog = '';

  before(async () => {
    ns = await Namespace.create();
    await sysctl(ns, 'ip_local_port_range', '40000 40999');
    await sysctl(ns, 'tcp_tw_reuse', 0);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpstate-mariadb-'));
    const datadir = path.join(dir, 'data');
    execFileSync('chown', ['mysql:mysql', dir]);
    execFileSync('mariadb-install-db', [
      '--user=mysql', `--datadir=${datadir}`, '--auth-root-authentication-method=normal', '--skip-test-db',
    ], { stdio: 'pipe' });
    server = spawn('ip', [
      'netns', 'exec', ns.name, 'mariadbd', '--no-defaults', '--user=mysql', `--datadir=${datadir}`,
      `--socket=${path.join(dir, 'mariadbd.sock')}`, `--pid-file=${path.join(dir, 'mariadbd.pid')}`, `--port=${PORT}`,
      '--bind-address=127.0.0.1', '--skip-grant-tables', '--skip-name-resolve', '--max-connections=5000',
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    server.stderr.setEncoding('utf8');
    server.stderr.on('data', (chunk) => (serverLog = (serverLog + chunk).slice(-8000)));
    // Up within a few seconds; give it up to 60 tries half a second apart.
    let answer = null;
    for (let i = 0; i < 60 && answer !== true; i++) {
      if (server.exitCode !== null) break;
      answer = await ns.send('run', { module: traffic.path, fn: 'mysqlPing', args: { port: PORT } });
      if (answer !== true) await sleep(500);
    }
    assert.equal(answer, true, `mariadbd did not answer (exit ${server.exitCode}): ${answer}\n${serverLog}`);
  });

  after(async () => {
    await traffic.stopLoads();
    if (server) {
      server.kill('SIGTERM');
      await exited(server, 30000);
    }
    if (ns) await ns.destroy();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('end(): the server closes first, so its TIME_WAIT makes no destination and no port warning', async (t) => {
    const done = traffic.runLoad(ns, { kind: 'mysql', port: PORT, close: 'end', phases: [{ rate: 50, seconds: 20 }] });
    const reads = await traffic.poll(ns, { done, filter: {}, remotePort: PORT });
    const result = await done;
    const summary = traffic.summarize(result);
    assert.deepEqual(summary.otherCodes, []);
    assert.equal(summary.failed, 0);
    assert.equal(summary.ok, 1000, 'more sessions than the range has ports, and none fails');
    await ns.send('settle');
    const last = await ns.send('run', { module: traffic.path, fn: 'read', args: { remotePort: PORT } });
    const all = [...reads, last];
    const origin = result.startedAt;
    const warned = all.filter((r) => r.codes.some((c) => c.includes('@')));
    assert.deepEqual(warned.map((r) => r.codes), [], traffic.describeReads(warned, origin, PORT));
    for (const r of all) {
      assert.ok(r.destinationCount <= 50, `destinationCount ${r.destinationCount}`);
      assert.ok(r.destination === null || ['fine', 'high'].includes(r.destination.status), traffic.describeReads([r], origin, PORT));
    }
    // The server's TIME_WAIT sockets pile up on 3306 (fewer than the sessions: a new connection from a
    // port that one of them holds replaces it); the client keeps almost none.
    assert.ok(last.serverSideTimeWait >= 0.2 * summary.ok && last.serverSideTimeWait <= summary.ok, `serverSideTimeWait ${last.serverSideTimeWait}`);
    assert.ok(last.clientSideTimeWait <= 0.05 * summary.ok, `clientSideTimeWait ${last.clientSideTimeWait}`);
    assert.ok(last.serverSideTimeWait > reads[0].serverSideTimeWait);
    assert.equal(last.destinationCount, 0);
    t.diagnostic(JSON.stringify({
      sessions: summary.ok,
      serverSideTimeWait: last.serverSideTimeWait,
      clientSideTimeWait: last.clientSideTimeWait,
      maxDestinationCount: Math.max(...all.map((r) => r.destinationCount)),
      maxUtilization: Math.max(0, ...all.filter((r) => r.destination).map((r) => r.destination.utilization)),
    }));
  });

  it('destroy(): the client closes first and runs out, with a warning ahead of the first errno 99', async (t) => {
    const done = traffic.runLoad(ns, {
      kind: 'mysql', port: PORT, close: 'destroy', tailSeconds: 5, phases: [{ rate: 50, seconds: 35 }],
    });
    const reads = await traffic.poll(ns, { done, filter: { remotePort: PORT }, remotePort: PORT });
    const result = await done;
    const summary = traffic.summarize(result);
    const climb = reads.filter((r) => r.destination && r.t < summary.firstFailure).map((r) => r.destination.portsInUse);
    assert.ok(climb.length > 10);
    // TIME_WAIT ports stay for 60 s: the count climbs, give or take the sessions in flight.
    for (let i = 1; i < climb.length; i++) assert.ok(climb[i] >= climb[i - 1] - 10, `portsInUse ${climb.join(' ')}`);
    assert.ok(climb.at(-1) >= 900, `portsInUse ${climb.join(' ')}`);
    traffic.checkExhaustion(t, { summary, reads, result }, PORT);
  });
});
