'use strict';
// npm run soak (as root): a 10k-socket table in a namespace of its own, then
// 10,000 snapshots and 1,000 sockets() calls with RSS and handles measured, the
// addon in 8 worker threads at once, and an exit while async reads are in flight.
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { Worker } = require('node:worker_threads');
const tcpstate = require('..');
const { Namespace } = require('../test/helpers/netns');

const root = path.join(__dirname, '..');
const MB = 1024 * 1024;
const results = [];

function report(name, fn) {
  return Promise.resolve()
    .then(fn)
    .then((detail) => {
      results.push(true);
      console.log(`ok ${name}${detail ? `: ${detail}` : ''}`);
    })
    .catch((error) => {
      results.push(false);
      console.log(`not ok ${name}: ${error.message}`);
    });
}

function memory() {
  global.gc?.();
  return { rss: process.memoryUsage().rss, handles: process.getActiveResourcesInfo().length };
}

async function build(ns) {
  await ns.send('writeFile', { path: '/proc/sys/net/ipv4/ip_local_port_range', data: '1024 65535\n' });
  await ns.send('writeFile', { path: '/proc/sys/net/ipv4/tcp_tw_reuse', data: '0\n' });
  await ns.send('listen', { host: '127.0.0.1', port: 8001 });
  await ns.send('listen', { host: '::1', port: 8002 });
  // Mostly established pairs, which last; the TIME_WAIT part fades after a minute.
  await ns.send('pairs', { host: '127.0.0.1', port: 8001, count: 2500 });
  await ns.send('pairs', { host: '::1', port: 8002, count: 1500 });
  await Promise.all([
    ns.send('churn', { host: '127.0.0.1', port: 8001, seconds: 20, parallel: 4, limit: 1200 }),
    ns.send('churn', { host: '::1', port: 8002, seconds: 20, parallel: 4, limit: 800 }),
  ]);
}

async function loop(count, fn) {
  for (let i = 0; i < count; i++) await fn(i);
}

async function main() {
  if (process.getuid() !== 0) {
    console.error('soak: needs root, to build its table in a network namespace of its own');
    process.exit(2);
  }
  const ns = await Namespace.create();
  const netns = `/var/run/netns/${ns.name}`;
  try {
    await build(ns);
    const size = tcpstate.snapshot({ netns }).total;
    console.log(`# table: ${size} sockets in ${ns.name}`);

    await report('1,000 sockets() calls keep RSS and handles flat', async () => {
      await loop(50, () => tcpstate.sockets({ netns }));
      const before = memory();
      let rows = 0;
      await loop(1000, async (i) => {
        rows = (i % 2 ? tcpstate.sockets({ netns }) : await tcpstate.socketsAsync({ netns })).length;
      });
      const after = memory();
      const growth = (after.rss - before.rss) / MB;
      assert.ok(growth < 5, `RSS grew ${growth.toFixed(1)} MB`);
      assert.equal(after.handles, before.handles);
      return `${rows} rows each; RSS ${(before.rss / MB).toFixed(1)} -> ${(after.rss / MB).toFixed(1)} MB (${growth >= 0 ? '+' : ''}${growth.toFixed(1)})`;
    });

    await report('10,000 snapshots keep RSS and handles flat', async () => {
      await loop(500, () => tcpstate.snapshot({ netns }));
      const before = memory();
      const started = performance.now();
      await loop(10000, async (i) => {
        const s = i % 2 ? tcpstate.snapshot({ netns }) : await tcpstate.snapshotAsync({ netns });
        assert.ok(s.total > 0);
      });
      const seconds = (performance.now() - started) / 1000;
      const after = memory();
      const growth = (after.rss - before.rss) / MB;
      assert.ok(growth < 5, `RSS grew ${growth.toFixed(1)} MB`);
      assert.equal(after.handles, before.handles);
      return `RSS ${(before.rss / MB).toFixed(1)} -> ${(after.rss / MB).toFixed(1)} MB (${growth >= 0 ? '+' : ''}${growth.toFixed(1)}), ` +
        `handles ${before.handles} -> ${after.handles}, ${(seconds / 10).toFixed(2)} ms per read`;
    });

    await report('8 worker threads read at once', async () => {
      const code = `
        const { parentPort, workerData } = require('node:worker_threads');
        const t = require(workerData.root);
        (async () => {
          let total = 0;
          for (let i = 0; i < 300; i++) total += (i % 2 ? t.snapshot(workerData.options) : await t.snapshotAsync(workerData.options)).total;
          for (let i = 0; i < 20; i++) total += (await t.socketsAsync(workerData.options)).length;
          parentPort.postMessage(total);
        })().catch((e) => parentPort.postMessage(e.message));`;
      const totals = await Promise.all(Array.from({ length: 8 }, () => new Promise((resolve, reject) => {
        const worker = new Worker(code, { eval: true, workerData: { root, options: { netns } } });
        worker.once('message', resolve);
        worker.once('error', reject);
      })));
      for (const total of totals) assert.equal(typeof total, 'number', String(total));
      return `${totals.length} workers, ${totals.reduce((a, b) => a + b, 0)} sockets counted`;
    });

    await report('exit while async reads are in flight is clean', () => {
      const script = `
        const t = require('.');
        for (let i = 0; i < 100; i++) { t.socketsAsync({ netns: ${JSON.stringify(netns)} }); t.snapshotAsync(); }
        setImmediate(() => process.exit(0));`;
      for (let round = 0; round < 5; round++) {
        const run = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8', timeout: 60000 });
        assert.equal(run.signal, null, `killed by ${run.signal}: ${run.stderr}`);
        assert.equal(run.status, 0, run.stderr);
      }
      return '5 runs, exit code 0';
    });
    console.log(`# table at the end: ${tcpstate.snapshot({ netns }).total} sockets`);
  } finally {
    await ns.destroy();
  }
  const failed = results.filter((ok) => !ok).length;
  console.log(`${results.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((error) => {
  console.error(`soak: ${error.stack || error}`);
  process.exit(1);
});
