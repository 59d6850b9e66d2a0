'use strict';
// The exhaustion verdict against real traffic: paced loads toward one destination in
// namespaces of their own (a 1,000-port range, 60 s of TIME_WAIT: 16.7 connections/s per
// destination), with pressure() read every half second while they run.
const { describe, it, after } = require('node:test');
const assert = require('node:assert/strict');
const { Namespace, rootSkipReason } = require('./helpers/netns');
const traffic = require('./helpers/traffic');

const skip = rootSkipReason() ?? false;
const SYSCTL = '/proc/sys/net/ipv4/';
const LOW = 40000;
const HIGH = 40999;

async function sysctl(ns, name, value) {
  await ns.send('writeFile', { path: SYSCTL + name, data: `${value}\n` });
}

/** A namespace with the 1,000-port range and the given tcp_tw_reuse, destroyed after `fn`. */
async function inNamespace(reuse, fn) {
  const ns = await Namespace.create();
  try {
    await sysctl(ns, 'ip_local_port_range', `${LOW} ${HIGH}`);
    await sysctl(ns, 'tcp_tw_reuse', reuse);
    return await fn(ns);
  } finally {
    await ns.destroy();
  }
}

/** Runs a load toward `port` (a listener of the load's own) while reading pressure(); resolves both. */
async function drive(ns, spec, { filter, remotePort = spec.port } = {}) {
  const done = traffic.runLoad(ns, spec);
  const reads = await traffic.poll(ns, { done, filter: filter ?? { remotePort: spec.port }, remotePort });
  const result = await done;
  return { result, summary: traffic.summarize(result), reads };
}

const { seconds, has, checkExhaustion } = traffic;

describe('exhaustion verdict on real traffic', { skip, concurrency: true }, () => {
  after(traffic.stopLoads);

  it('warns ahead of EADDRNOTAVAIL on a burst from idle', async (t) => {
    await inNamespace(0, async (ns) => {
      const before = await ns.value('counters');
      const run = await drive(ns, { port: 5001, listener: {}, close: 'destroy', phases: [{ rate: 50, seconds: 30 }] });
      // A connect() refused with EADDRNOTAVAIL sends no SYN: only the successful ones are active opens.
      const counters = await ns.value('counters');
      assert.equal(counters.activeOpens - before.activeOpens, run.summary.ok);
      assert.equal(counters.passiveOpens - before.passiveOpens, run.summary.ok);
      checkExhaustion(t, run, 5001);
    });
  });

  it('warns ahead of EADDRNOTAVAIL at 5/s for 60 s, then 50/s', async (t) => {
    await inNamespace(0, async (ns) => {
      const run = await drive(ns, {
        port: 5001, listener: {}, close: 'destroy', phases: [{ rate: 5, seconds: 60 }, { rate: 50, seconds: 40 }],
      });
      const switched = run.result.phaseStarts[1];
      // 5/s stays below the limit: no port warning and no time to exhaustion before the switch.
      const slow = run.reads.filter((r) => r.t < switched);
      const alarms = slow.filter(
        (r) => traffic.destinationCodes(r, 5001).length > 0 || (r.destination && r.destination.secondsToExhaustion !== null),
      );
      assert.deepEqual(alarms, [], traffic.describeReads(alarms, run.result.startedAt, 5001));
      assert.ok(slow.length > 50, `${slow.length} reads in the slow phase`);
      const figures = checkExhaustion(t, run, 5001);
      assert.ok(figures.single.firstWarningAt >= (switched - run.result.startedAt) / 1000);
      assert.ok(figures.since.firstWarningAt >= (switched - run.result.startedAt) / 1000);
    });
  });

  it('holds DESTINATION_PORTS_EXHAUSTED or CLOSE_RATE_ABOVE_LIMIT through steady saturation for over a minute', async (t) => {
    await inNamespace(0, async (ns) => {
      // 20/s against 16.7/s: out of ports after 50 s, then ports come back as the first TIME_WAITs
      // end and connects succeed and fail by turns until the load stops at 125 s.
      const run = await drive(ns, {
        port: 5001, listener: {}, close: 'destroy', tailSeconds: 1000, phases: [{ rate: 20, seconds: 125 }],
      });
      checkExhaustion(t, run, 5001);
      const { results, firstFailure } = run.summary;
      const after = results.filter(([at]) => at > firstFailure);
      const recovered = after.findIndex(([, code]) => code === 0);
      assert.ok(recovered >= 0, 'connects succeed again once the first TIME_WAIT sockets end');
      assert.ok(after.slice(recovered).some(([, code]) => code !== 0), 'and keep failing by turns: the load stays at the limit');
      t.diagnostic(`saturated for ${seconds(results.at(-1)[0] - firstFailure)} s; ${after.filter(([, c]) => c === 0).length} connects succeeded after the first failure`);
    });
  });

  for (const reuse of [2, 1]) {
    it(`lets tcp_tw_reuse=${reuse} reuse loopback TIME_WAIT ports: no connect fails, no port warning`, async (t) => {
      await inNamespace(reuse, async (ns) => {
        // 1,500 connects at 50/s: without reuse the range would run out after 20 s.
        const run = await drive(ns, { port: 5001, listener: {}, close: 'destroy', phases: [{ rate: 50, seconds: 30 }] });
        assert.equal(run.summary.failed, 0, `failed connects: ${JSON.stringify(run.summary.otherCodes)} ${run.summary.firstFailure}`);
        assert.equal(run.summary.ok, 1500);
        const origin = run.result.startedAt;
        const warned = run.reads.filter((r) => traffic.destinationCodes(r, 5001).length > 0);
        assert.deepEqual(warned.map((r) => r.codes), [], traffic.describeReads(warned, origin, 5001));
        const judged = run.reads.filter((r) => r.destination);
        assert.ok(judged.length > 20);
        for (const r of judged) {
          assert.equal(r.range.timeWaitReuse, reuse === 2 ? 'loopback' : 'all');
          assert.equal(r.destination.secondsToExhaustion, null, traffic.describeReads([r], origin, 5001));
          assert.ok(['fine', 'high'].includes(r.destination.status), traffic.describeReads([r], origin, 5001));
          assert.ok(r.destination.maxConnectRate > 50);
        }
        const maxTimeWait = Math.max(...judged.map((r) => r.destination.timeWait));
        const hostHigh = run.reads.filter((r) => r.codes.includes('HOST_PORTS_HIGH')).length;
        t.diagnostic(JSON.stringify({
          maxTimeWait,
          maxReusable: Math.max(...judged.map((r) => r.destination.reusable)),
          maxUtilization: Math.max(...judged.map((r) => r.destination.utilization)),
          readsWithHostPortsHigh: hostHigh,
        }));
        assert.ok(maxTimeWait > 0);
      });
    });
  }

  it('makes no destination of server-side sockets when the server closes first', async (t) => {
    await inNamespace(0, async (ns) => {
      // 1,200 connections that the server ends: its TIME_WAIT sockets sit on the listening port.
      // The listener (the agent's) stays up for the last read: it is what marks them server-side.
      await ns.send('listen', { host: '127.0.0.1', port: 5001, closeFirst: true });
      const run = await drive(ns, { port: 5001, close: 'wait', phases: [{ rate: 50, seconds: 24 }] }, { filter: {} });
      assert.equal(run.summary.failed, 0, JSON.stringify(run.summary.otherCodes));
      assert.equal(run.summary.ok, 1200);
      await ns.send('settle');
      const last = await ns.send('run', { module: traffic.path, fn: 'read', args: { remotePort: 5001 } });
      const reads = [...run.reads, last];
      for (const r of reads) {
        assert.equal(r.clientSideTimeWait, 0);
        assert.ok(r.destinationCount <= 25, `destinationCount ${r.destinationCount} with ${r.serverSideTimeWait} server-side TIME_WAIT`);
        assert.deepEqual(r.codes.filter((c) => c.includes('@')), []);
      }
      assert.equal(last.destinationCount, 0);
      assert.equal(last.destination, null);
      // Fewer than the connections: a new connection from a port that one of them holds replaces it.
      assert.ok(last.serverSideTimeWait >= 240 && last.serverSideTimeWait <= 1200, `serverSideTimeWait ${last.serverSideTimeWait}`);
      const growth = run.reads.map((r) => r.serverSideTimeWait);
      assert.ok(growth.at(-1) > growth[0]);
      t.diagnostic(JSON.stringify({ serverSideTimeWait: last.serverSideTimeWait, maxDestinationCount: Math.max(...reads.map((r) => r.destinationCount)) }));
    });
  });

  it('sees a bind()-before-connect() client and a listener in the range use up the host ports', async (t) => {
    await inNamespace(0, async (ns) => {
      // Node binds 127.0.0.1:0 before connect() when given a local address; 40500 lies in the range.
      const port = 40500;
      const run = await drive(
        ns,
        {
          port, listener: {}, localAddress: '127.0.0.1', close: 'destroy', tailSeconds: 3,
          failCodes: ['EADDRINUSE', 'EADDRNOTAVAIL'], phases: [{ rate: 50, seconds: 30 }],
        },
        { filter: {}, remotePort: port },
      );
      const { results } = run.summary;
      const failures = results.filter(([, c]) => c !== 0);
      assert.ok(failures.length > 0, `${run.summary.ok} connects and no failure`);
      for (const [, code] of failures) assert.ok(['EADDRINUSE', 'EADDRNOTAVAIL'].includes(code), code);
      const firstFailure = failures[0][0];
      const origin = run.result.startedAt;
      const loaded = run.reads.filter((r) => r.t >= origin && r.hostPorts.inUse > 0);
      for (const r of loaded) assert.equal(r.hostPorts.listening, 1);
      const beforeFailure = loaded.filter((r) => r.t < firstFailure);
      for (let i = 1; i < beforeFailure.length; i++) {
        assert.ok(beforeFailure[i].hostPorts.inUse >= beforeFailure[i - 1].hostPorts.inUse, 'TIME_WAIT ports stay held for 60 s');
      }
      const warning = beforeFailure.find((r) => r.codes.includes('HOST_PORTS_HIGH'));
      const trace = loaded.map((r) => `${seconds(r.t - origin)}s inUse=${r.hostPorts.inUse} util=${r.hostPorts.utilization.toFixed(3)} ${r.codes.join(',')}`).join('\n');
      assert.ok(warning, `HOST_PORTS_HIGH before the first failure at ${seconds(firstFailure - origin)} s\n${trace}`);
      assert.ok(warning.hostPorts.utilization > 0.8);
      const failing = loaded.filter((r) => traffic.failingAt(results, r.t));
      for (const r of failing) {
        assert.ok(r.codes.includes('HOST_PORTS_HIGH'), trace);
        assert.ok(r.hostPorts.available <= 1, `${r.hostPorts.available} ports left while bind() fails`);
      }
      t.diagnostic(JSON.stringify({
        connects: run.summary.ok,
        failures: failures.length,
        codes: [...new Set(failures.map(([, c]) => c))],
        firstWarningAt: +seconds(warning.t - origin),
        firstFailureAt: +seconds(firstFailure - origin),
        inUseAtWarning: warning.hostPorts.inUse,
        maxInUse: Math.max(...loaded.map((r) => r.hostPorts.inUse)),
      }));
    });
  });

  it('counts each connect once in counters().activeOpens', async () => {
    await inNamespace(0, async (ns) => {
      await ns.send('listen', { host: '127.0.0.1', port: 5001 });
      const before = await ns.value('counters');
      const made = 25;
      await ns.send('timeWait', { host: '127.0.0.1', port: 5001, count: made });
      await ns.send('settle');
      const afterwards = await ns.value('counters');
      assert.equal(afterwards.activeOpens - before.activeOpens, made);
      assert.equal(afterwards.passiveOpens - before.passiveOpens, made);
      assert.equal(afterwards.attemptFails - before.attemptFails, 0);
      const pressure = await ns.value('pressure');
      assert.equal(pressure.counters.activeOpens, afterwards.activeOpens);
      assert.equal(pressure.clientSideTimeWait, made);
    });
  });
});
