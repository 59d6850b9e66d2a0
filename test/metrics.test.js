'use strict';
// The metric definition, its Prometheus text, and the prom-client and OpenTelemetry integrations
// on a socket table built in a namespace.
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { Namespace, rootSkipReason } = require('./helpers/netns');
const { buildScenario, EXPECTED } = require('./helpers/scenario');
const { parseExposition, valueOf } = require('./helpers/exposition');
const { root, unsupportedAddon } = require('./helpers/build');
const { METRICS, metricFamilies, renderPrometheus, createMetricsReader, parseMetricsOptions } = require('../dist/metrics');

const INSIDE = path.join(__dirname, 'helpers', 'inside.js');
const skip = rootSkipReason() ?? false;

const NAMES = [
  'tcpstate_sockets', 'tcpstate_time_wait_sockets', 'tcpstate_ephemeral_ports', 'tcpstate_time_wait_seconds',
  'tcpstate_max_connect_rate_per_second', 'tcpstate_close_rate_per_second', 'tcpstate_host_ports', 'tcpstate_destinations',
  'tcpstate_destination_ports_in_use', 'tcpstate_destination_reusable_ports', 'tcpstate_destination_utilization_ratio',
  'tcpstate_destination_close_rate_per_second', 'tcpstate_destination_max_connect_rate_per_second',
  'tcpstate_destination_seconds_to_exhaustion',
  'tcpstate_active_opens_total', 'tcpstate_passive_opens_total', 'tcpstate_attempt_fails_total', 'tcpstate_estab_resets_total',
  'tcpstate_time_wait_expired_total', 'tcpstate_time_wait_recycled_total', 'tcpstate_time_wait_killed_total',
  'tcpstate_time_wait_overflow_total', 'tcpstate_listen_overflows_total', 'tcpstate_listen_drops_total',
  'tcpstate_warnings', 'tcpstate_read_duration_seconds', 'tcpstate_read_errors_total',
];

// A close rate from the timers falls while no new connection closes (its window grows with
// the oldest close's age): the scrape's lies between a reading just before it and one just after.
function between(actual, after, before, what) {
  const slack = 1e-9 * Math.max(1, before);
  assert.ok(actual <= before + slack && actual >= after - slack, `${what}: ${actual} not within [${after}, ${before}]`);
}

/** Checks samples ({ name, labels, value }) against the scenario and against snapshot()/pressure() of the same moment. */
function checkAgainstTable(samples, snapshot, pressure, top, pressureBefore) {
  const value = (name, labels) => valueOf(samples, name, labels);
  for (const family of ['ipv4', 'ipv6']) {
    for (const [state, count] of Object.entries(snapshot[family].states)) {
      assert.equal(value('tcpstate_sockets', { state, family }), count, `${state} ${family}`);
      assert.equal(count, EXPECTED[family][state] ?? 0, `scenario ${state} ${family}`);
    }
  }
  assert.equal(value('tcpstate_time_wait_sockets', { side: 'client' }), EXPECTED.timeWait.clientSide);
  assert.equal(value('tcpstate_time_wait_sockets', { side: 'server' }), pressure.serverSideTimeWait);
  assert.equal(value('tcpstate_time_wait_sockets', { side: 'other' }), 0);
  for (const kind of ['size', 'reserved', 'available']) {
    assert.equal(value('tcpstate_ephemeral_ports', { kind }), EXPECTED.range[kind], kind);
  }
  assert.equal(value('tcpstate_time_wait_seconds'), pressure.range.timeWaitSeconds);
  assert.equal(value('tcpstate_max_connect_rate_per_second'), pressure.range.maxConnectRate);
  between(value('tcpstate_close_rate_per_second'), pressure.closeRate, pressureBefore.closeRate, 'close rate');
  assert.equal(value('tcpstate_destinations'), pressure.destinationCount);
  const busy = samples.filter((s) => s.name === 'tcpstate_destination_ports_in_use');
  assert.equal(busy.length, Math.min(top, EXPECTED.destinations.length), 'only the busiest, only those using ports');
  for (const d of EXPECTED.destinations.slice(0, top)) {
    const labels = { local: d.localAddress, remote: d.remoteAddress, remote_port: String(d.remotePort) };
    assert.equal(value('tcpstate_destination_ports_in_use', labels), d.portsInUse, JSON.stringify(labels));
    assert.equal(value('tcpstate_destination_utilization_ratio', labels), d.portsInUse / EXPECTED.range.available);
    const rate = (p) => p.destinations.find((x) => x.remotePort === d.remotePort).closeRate;
    between(value('tcpstate_destination_close_rate_per_second', labels), rate(pressure), rate(pressureBefore), `close rate to ${d.remotePort}`);
  }
  for (const code of ['DESTINATION_PORTS_HIGH', 'CLOSE_RATE_ABOVE_LIMIT', 'TIME_WAIT_BUCKETS_FULL', 'RANGE_NARROWER_THAN_DEFAULT', 'RESERVED_PORTS_IN_RANGE', 'MAX_USER_PORT_LIMITS_RANGE']) {
    assert.equal(value('tcpstate_warnings', { code }), EXPECTED.warnings.includes(code) ? 1 : 0, `${code}: ${JSON.stringify(pressure.warnings.map((w) => w.message))}`);
  }
  assert.equal(value('tcpstate_read_errors_total'), 0);
  assert.ok(value('tcpstate_read_duration_seconds') > 0);
}

describe('metric definition', () => {
  it('names every metric once, Prometheus style, with help and type', () => {
    assert.deepEqual(METRICS.map((m) => m.name), NAMES);
    for (const m of METRICS) {
      assert.match(m.name, /^tcpstate_[a-z_]+$/);
      assert.ok(m.help.length > 10, m.name);
      assert.equal(m.type, m.name.endsWith('_total') ? 'counter' : 'gauge', m.name);
    }
  });

  it('renders the text format, escaping help and label values; a failed read leaves only duration and errors', () => {
    const text = renderPrometheus([
      { name: 'x_ratio', help: 'a \\ b\nc', type: 'gauge', labels: ['a'], samples: [{ labels: { a: 'q"\\\n' }, value: 0.5 }] },
      { name: 'x_empty', help: 'none', type: 'gauge', labels: [], samples: [] },
      { name: 'x_inf', help: 'inf', type: 'gauge', labels: [], samples: [{ labels: {}, value: Infinity }] },
    ]);
    assert.equal(text, '# HELP x_ratio a \\\\ b\\nc\n# TYPE x_ratio gauge\nx_ratio{a="q\\"\\\\\\n"} 0.5\n' +
      '# HELP x_inf inf\n# TYPE x_inf gauge\nx_inf +Inf\n');
    const failed = parseExposition(renderPrometheus(metricFamilies({ table: null, durationSeconds: 0.25, errors: 3 })));
    assert.deepEqual(failed.samples, [
      { name: 'tcpstate_read_duration_seconds', labels: {}, value: 0.25 },
      { name: 'tcpstate_read_errors_total', labels: {}, value: 3 },
    ]);
    assert.equal(failed.type.tcpstate_read_errors_total, 'counter');
  });

  it('checks its options in Node style', () => {
    assert.deepEqual(parseMetricsOptions(undefined), { top: 10, minIntervalMs: 0 });
    assert.deepEqual(parseMetricsOptions({ top: 3, minIntervalMs: 500 }), { top: 3, minIntervalMs: 500 });
    assert.throws(() => createMetricsReader({ top: -1 }), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
    assert.throws(() => createMetricsReader({ top: '5' }), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => createMetricsReader({ tpo: 5 }), { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' });
    assert.throws(() => createMetricsReader(null), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  });

  it('shares a read among concurrent callers and reuses one younger than minIntervalMs', async () => {
    const reader = createMetricsReader({ minIntervalMs: 60000 });
    const [a, b] = await Promise.all([reader.read(), reader.read()]);
    assert.equal(a, b);
    assert.equal(await reader.read(), a);
    const fresh = createMetricsReader();
    const first = await fresh.read();
    assert.notEqual(await fresh.read(), first);
    assert.equal(fresh.errors, 0);
    assert.equal(fresh.lastError, null);
  });

  it('loads neither peer dependency unless its subpath is used; rejects what is not a registry or meter', () => {
    const run = spawnSync(process.execPath, ['-e', `
      require('tcpstate');
      const loaded = () => Object.keys(require.cache).filter((f) => /prom-client|@opentelemetry/.test(f)).length;
      const before = loaded();
      const otel = require('tcpstate/otel');
      const afterOtel = loaded();
      const prom = require('tcpstate/prometheus');
      const errors = [];
      for (const [fn, arg] of [[otel.registerTcpstateMetrics, {}], [prom.registerTcpstateMetrics, 42]]) {
        try { fn(arg); } catch (e) { errors.push(e.code); }
      }
      process.stdout.write(JSON.stringify({ before, afterOtel, afterProm: loaded() > 0, errors }));
    `], { cwd: root, encoding: 'utf8', timeout: 30000 });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { before: 0, afterOtel: 0, afterProm: true, errors: ['ERR_INVALID_ARG_TYPE', 'ERR_INVALID_ARG_TYPE'] });
  });

  it('after a failed read, prom-client and OpenTelemetry report the error counter and no table values', () => {
    const run = spawnSync(process.execPath, ['-r', path.join(__dirname, 'helpers', 'addon-override.js'), '-e', `
      const { Registry } = require('prom-client');
      const { MeterProvider, MetricReader } = require('@opentelemetry/sdk-metrics');
      class PullReader extends MetricReader { async onForceFlush() {} async onShutdown() {} }
      (async () => {
        const registry = new Registry();
        require('tcpstate/prometheus').registerTcpstateMetrics(registry);
        await registry.metrics();
        const text = await registry.metrics();
        const reader = new PullReader();
        const provider = new MeterProvider({ readers: [reader] });
        require('tcpstate/otel').registerTcpstateMetrics(provider.getMeter('t'));
        const { resourceMetrics } = await reader.collect();
        const points = {};
        for (const m of resourceMetrics.scopeMetrics.flatMap((s) => s.metrics)) points[m.descriptor.name] = m.dataPoints.map((p) => p.value);
        process.stdout.write(JSON.stringify({ text, points }));
      })();
    `], { cwd: root, encoding: 'utf8', timeout: 30000, env: { ...process.env, TCPSTATE_TEST_ADDON: unsupportedAddon() } });
    assert.equal(run.status, 0, run.stderr);
    const { text, points } = JSON.parse(run.stdout);
    const { samples } = parseExposition(text);
    assert.equal(valueOf(samples, 'tcpstate_read_errors_total'), 2);
    assert.ok(valueOf(samples, 'tcpstate_read_duration_seconds') >= 0);
    assert.ok(Number.isNaN(valueOf(samples, 'tcpstate_time_wait_seconds')), 'unlabeled gauges read NaN');
    assert.equal(samples.filter((s) => s.name === 'tcpstate_sockets').length, 0, 'labeled gauges are empty');
    assert.deepEqual(points.tcpstate_read_errors_total, [1]);
    assert.equal(points.tcpstate_read_duration_seconds.length, 1);
    for (const name of NAMES.slice(0, -2)) assert.deepEqual(points[name] ?? [], [], name);
  });

  it('imports from the ES module subpaths', async () => {
    const prom = await import('tcpstate/prometheus');
    const otel = await import('tcpstate/otel');
    assert.equal(prom.registerTcpstateMetrics, require('tcpstate/prometheus').registerTcpstateMetrics);
    assert.equal(otel.registerTcpstateMetrics, require('tcpstate/otel').registerTcpstateMetrics);
    assert.equal(prom.METRICS, METRICS);
  });
});

describe('metric integrations on a known table', { skip }, () => {
  let ns;
  before(async () => {
    ns = await Namespace.create();
    await buildScenario(ns);
  });
  after(async () => ns && ns.destroy());

  it('prom-client: the registry exposes values that match snapshot() and pressure(), from one read per scrape', async () => {
    const result = await ns.send('run', { module: INSIDE, fn: 'promClient', args: { top: 10 } });
    // One read per scrape: pressure() carries the state counts too.
    assert.deepEqual(result.reads, { snapshotAsync: 0, pressureAsync: 1 });
    assert.match(result.duplicate, /already registered/);
    assert.deepEqual(result.names, NAMES);
    assert.equal(result.left, 0, 'unregister removes every metric');
    const exposition = parseExposition(result.text);
    for (const m of METRICS) {
      assert.equal(exposition.type[m.name], m.type, m.name);
      assert.equal(exposition.help[m.name], m.help, m.name);
    }
    checkAgainstTable(exposition.samples, result.snapshot, result.pressure, 10, result.pressureBefore);
  });

  it('prom-client: top bounds the destination series', async () => {
    const result = await ns.send('run', { module: INSIDE, fn: 'promClient', args: { top: 1 } });
    checkAgainstTable(parseExposition(result.text).samples, result.snapshot, result.pressure, 1, result.pressureBefore);
  });

  it('OpenTelemetry: observable gauges (and counters) on a Meter, one read per collection', async () => {
    const result = await ns.send('run', { module: INSIDE, fn: 'otel', args: { top: 10 } });
    assert.deepEqual(result.errors, []);
    // One read per scrape: pressure() carries the state counts too.
    assert.deepEqual(result.reads, { snapshotAsync: 0, pressureAsync: 1 });
    assert.deepEqual(result.names, NAMES);
    assert.deepEqual(result.readsAfter, { snapshotAsync: 0, pressureAsync: 0 }, 'unregister removes the callback');
    const samples = [];
    for (const m of METRICS) {
      const metric = result.metrics[m.name];
      // The SDK exports no metric without points: a destination that does not run out has no
      // time to exhaustion, so on this healthy table that one is absent.
      if (m.name === 'tcpstate_destination_seconds_to_exhaustion' && !metric) continue;
      assert.ok(metric, m.name);
      assert.equal(metric.description, m.help);
      assert.equal(metric.type, m.type === 'counter' ? 'OBSERVABLE_COUNTER' : 'OBSERVABLE_GAUGE', m.name);
      assert.equal(metric.unit, m.unit ?? '', m.name);
      for (const p of metric.points) samples.push({ name: m.name, labels: p.attributes, value: p.value });
    }
    checkAgainstTable(samples, result.snapshot, result.pressure, 10, result.pressureBefore);
  });
});
