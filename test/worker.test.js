'use strict';
// The addon is context-aware: it loads and reads inside worker_threads, several at once.
// Runs without root, in the caller's own network namespace. Platform facts assumed:
// - a listener on an ephemeral port of 127.0.0.1 is the only socket with that local port
//   (nothing else on the host binds it while the test runs), so each read finds exactly it;
// - a worker that terminate() stops exits with code 1 (Node's documented code);
// - the row invariants of helpers/rows.js (FACTS there) hold on this platform.
const { it } = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const { Worker } = require('node:worker_threads');
const { checkRow, checkSnapshot } = require('./helpers/rows');

const WORKER = `
  const { parentPort, workerData } = require('node:worker_threads');
  const tcpstate = require(workerData.root);
  (async () => {
    const options = { localPort: workerData.port };
    const results = [];
    for (let i = 0; i < 20; i++) {
      results.push({
        snapshot: tcpstate.snapshot(options),
        asyncSnapshot: await tcpstate.snapshotAsync(options),
        rows: tcpstate.sockets(options),
        asyncRows: await tcpstate.socketsAsync(options),
      });
    }
    parentPort.postMessage(results);
  })().catch((error) => parentPort.postMessage({ error: error.stack }));
`;

function runWorker(port) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { eval: true, workerData: { root: require.resolve('..'), port } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

it('works in 8 worker threads at once and sees the same sockets', async () => {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address();
  try {
    const all = await Promise.all(Array.from({ length: 8 }, () => runWorker(port)));
    for (const results of all) {
      assert.ok(Array.isArray(results), JSON.stringify(results));
      for (const { snapshot, asyncSnapshot, rows, asyncRows } of results) {
        checkSnapshot(snapshot);
        checkSnapshot(asyncSnapshot);
        assert.equal(snapshot.states.LISTEN, 1);
        assert.equal(asyncSnapshot.states.LISTEN, 1);
        rows.concat(asyncRows).forEach(checkRow);
        assert.deepEqual(asyncRows, rows);
        assert.equal(rows.length, 1);
        assert.equal(rows[0].localPort, port);
      }
    }
  } finally {
    server.close();
  }
});

it('survives a worker terminated while its async reads are in flight', async () => {
  // Each read that settles starts another, so reads are always in flight and the worker
  // never runs out of work and exits by itself (exit code 0) before terminate() reaches it.
  const code = `
    const tcpstate = require(require('node:worker_threads').workerData.root);
    const read = () => tcpstate.socketsAsync().then(read, read);
    for (let i = 0; i < 50; i++) read();
    require('node:worker_threads').parentPort.postMessage('started');
  `;
  for (let round = 0; round < 30; round++) {
    const worker = new Worker(code, { eval: true, workerData: { root: require.resolve('..') } });
    await new Promise((resolve) => worker.once('message', resolve));
    const exitCode = await worker.terminate();
    assert.equal(exitCode, 1);
  }
  const { snapshot } = require('..');
  checkSnapshot(snapshot());
});
