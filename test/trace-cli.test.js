'use strict';
// The connect tracer in the command line (watch --trace, serve --trace) and in the exporters.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync, spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const tcpstate = require('..');
const { cli, cliSpawn } = require('./helpers/cli');
const { root } = require('./helpers/build');
const { rootSkipReason } = require('./helpers/netns');
const { exited, lineMatching } = require('./helpers/tools');

const CONNECTOR = path.join(__dirname, 'helpers', 'connector.js');
const skip = process.platform !== 'linux' ? 'connect tracing is Linux only' : rootSkipReason() ?? false;
let counter = 0;

function namespace() {
  const name = `tcpstate-tracecli-${process.pid}-${++counter}`;
  execFileSync('ip', ['netns', 'add', name]);
  execFileSync('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
  return { name, path: `/var/run/netns/${name}`, inode: fs.statSync(`/var/run/netns/${name}`).ino,
    destroy: () => spawnSync('ip', ['netns', 'del', name], { stdio: 'ignore' }) };
}

function connector(ns, spec) {
  const run = spawnSync('ip', ['netns', 'exec', ns.name, process.execPath, CONNECTOR, JSON.stringify(spec)], { encoding: 'utf8', timeout: 30000 });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
}

async function scrape(port) {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  return res.text();
}

describe('tracing in the CLI and the exporters', { skip }, () => {
  it('watch --trace shows the connect rates and CONNECTS_FAILING for the namespace it reads', async () => {
    const ns = namespace();
    // Refused connects until watch has taken its two frames a second apart (bounded at 60 s),
    // however long the CLI takes to start and attach.
    const client = spawn('ip', ['netns', 'exec', ns.name, process.execPath, '-e', `
      const net = require('net');
      const end = Date.now() + 60000;
      const t = setInterval(() => {
        if (Date.now() > end) return clearInterval(t);
        net.connect(5010, '127.0.0.1').on('error', () => {});
      }, 20);`], { stdio: 'ignore' });
    try {
      const run = cli(['--netns', ns.path, 'watch', '--trace', '--count', '2', '--interval', '1s'], { env: { NO_COLOR: '1' } });
      assert.equal(run.status, 0, run.stderr);
      const frames = run.stdout.split('tcpstate watch').filter(Boolean);
      assert.equal(frames.length, 2);
      assert.match(frames[1], /connects\s+[\d.,]+\/s/);
      assert.match(frames[1], /CONNECTS_FAILING/);
      assert.match(frames[1], new RegExp(`127\\.0\\.0\\.1:5010 \\(netns ${ns.inode}\\).*ECONNREFUSED`));
    } finally {
      client.kill();
      await exited(client);
      ns.destroy();
    }
  });

  it('serve --trace exports the connect counters, equal to what the client counted', async () => {
    const ns = namespace();
    const serve = cliSpawn(['--netns', ns.path, 'serve', '--trace', '--port', '0', '--min-interval', '1ms']);
    try {
      const line = await lineMatching(serve, /metrics at http/);
      const port = Number(/:(\d+)\/metrics/.exec(line)[1]);
      const seen = connector(ns, { host: '127.0.0.1', port: 5011, count: 7, listen: false });
      const text = await scrape(port);
      const labels = `netns="${ns.inode}",remote="127.0.0.1",remote_port="5011"`;
      assert.match(text, /# TYPE tcpstate_connect_attempts_total counter/);
      assert.ok(text.includes(`tcpstate_connect_attempts_total{${labels}} ${seen.attempts}\n`), text);
      assert.ok(text.includes(`tcpstate_connect_failures_total{errno="ECONNREFUSED",${labels}} ${seen.failures.ECONNREFUSED}\n`), text);
      assert.ok(text.includes(`tcpstate_connect_failures_total{errno="EADDRNOTAVAIL",${labels}} 0\n`), text);
      assert.match(text, /tcpstate_warnings\{code="CONNECTS_FAILING"\} 1/);
      serve.kill('SIGTERM');
      assert.equal((await exited(serve)).code, 0);
    } finally {
      serve.kill('SIGKILL');
      ns.destroy();
    }
  });

  it('serve --trace without the privileges fails at start with TCPSTATE_PERMISSION_DENIED (exit 1)', () => {
    const run = spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'serve', '--trace', '--port', '0'], {
      encoding: 'utf8', timeout: 30000, uid: 65534, gid: 65534,
    });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /TCPSTATE_PERMISSION_DENIED/);
  });

  it('prom-client and OpenTelemetry: the trace metrics are registered with a tracer, and only then', async () => {
    const ns = namespace();
    const tracer = await tcpstate.traceConnects({ netns: ns.path });
    try {
      const seen = connector(ns, { host: '127.0.0.1', port: 5012, count: 3, listen: false });
      const { Registry } = require('prom-client');
      const prom = require('tcpstate/prometheus');
      const registry = new Registry();
      const registration = prom.registerTcpstateMetrics(registry, { tracer });
      assert.deepEqual(registration.names.slice(-2), prom.TRACE_METRICS.map((m) => m.name));
      const text = await registry.metrics();
      const labels = `netns="${ns.inode}",remote="127.0.0.1",remote_port="5012"`;
      assert.ok(text.includes(`tcpstate_connect_attempts_total{${labels}} ${seen.attempts}`), text);
      assert.ok(text.includes(`tcpstate_connect_failures_total{errno="ECONNREFUSED",${labels}} ${seen.failures.ECONNREFUSED}`), text);
      registration.unregister();
      const plain = prom.registerTcpstateMetrics(new Registry());
      assert.ok(!plain.names.includes('tcpstate_connect_attempts_total'));

      const { MeterProvider, MetricReader } = require('@opentelemetry/sdk-metrics');
      class PullReader extends MetricReader {
        async onForceFlush() {}
        async onShutdown() {}
      }
      const reader = new PullReader();
      const provider = new MeterProvider({ readers: [reader] });
      const otel = require('tcpstate/otel').registerTcpstateMetrics(provider.getMeter('trace-test'), { tracer });
      const collected = await reader.collect();
      const metric = collected.resourceMetrics.scopeMetrics.flatMap((s) => s.metrics)
        .find((m) => m.descriptor.name === 'tcpstate_connect_failures_total');
      assert.equal(metric.descriptor.type, 'OBSERVABLE_COUNTER');
      const point = metric.dataPoints.find((p) => p.attributes.errno === 'ECONNREFUSED' && p.attributes.remote_port === '5012');
      assert.equal(point.value, seen.failures.ECONNREFUSED);
      otel.unregister();
      await provider.shutdown();
      assert.throws(() => prom.registerTcpstateMetrics(new Registry(), { tracer: {} }), { code: 'ERR_INVALID_ARG_TYPE' });
    } finally {
      tracer.close();
      ns.destroy();
    }
  });
});
