'use strict';
// deploy/grafana-dashboard.json: checked against Grafana's published dashboard types
// (@grafana/schema, strict TypeScript), laid out on Grafana's 24-column grid, its queries
// naming only metrics and labels tcpstate exports, and every query run by a real Prometheus
// that scrapes `tcpstate --all-netns serve` on a known table.
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { rootSkipReason } = require('./helpers/netns');
const { toolSkipReason } = require('./helpers/tools');
const { scrapedScenario, stopScenario } = require('./helpers/prometheus');
const { METRICS } = require('../dist/metrics');
const { NETNS_METRICS } = require('../dist/metrics/all-netns');
const { TRACE_METRICS } = require('../dist/trace-metrics');

const ROOT = path.join(__dirname, '..');
const FILE = path.join(ROOT, 'deploy', 'grafana-dashboard.json');
const dashboard = JSON.parse(fs.readFileSync(FILE, 'utf8'));

// Labels Prometheus adds to every scraped series, and those `--all-netns` adds to a namespace's.
const TARGET_LABELS = ['instance', 'job'];
const NETNS_LABELS = ['netns', 'container'];
const DEFINITIONS = new Map([...METRICS, ...NETNS_METRICS, ...TRACE_METRICS].map((m) => [m.name, m]));
// Series that exist only on some hosts or at some times: the tracer's (serve --trace), and
// seconds to exhaustion (only while a destination runs out). Their queries must run; they
// may answer nothing.
const MAY_BE_EMPTY = new Set(['tcpstate_destination_seconds_to_exhaustion', 'tcpstate_connect_failures_total']);

const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
const targets = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, ...t })));
const variables = dashboard.templating.list;

/** The query as Grafana sends it with every variable at "All" and the rate interval at 1 m. */
function expand(expr) {
  return expr.replaceAll('$__rate_interval', '1m').replace(/\$(instance|container)\b/g, '.*');
}

/** A variable's `label_values(series, label)` as { series, label }; null for any other query. */
function labelValues(query) {
  const match = /^label_values\((.*),\s*([a-z_]+)\)$/.exec(query);
  return match && { series: match[1], label: match[2] };
}

function metricsOf(expr) {
  return [...new Set(expr.match(/\btcpstate_[a-z_]+\b/g) ?? [])];
}

/** Label names an expression uses: matchers, by/without/on/ignoring lists. */
function labelsOf(expr) {
  const names = [];
  for (const [, body] of expr.matchAll(/\{([^}]*)\}/g)) names.push(...[...body.matchAll(/([a-z_]+)\s*(?:=~|!~|!=|=)/g)].map((m) => m[1]));
  for (const [, list] of expr.matchAll(/\b(?:by|without|on|ignoring)\s*\(([^)]*)\)/g)) names.push(...list.split(',').map((s) => s.trim()).filter(Boolean));
  return [...new Set(names)];
}

describe('deploy/grafana-dashboard.json', () => {
  it('type-checks as a Grafana dashboard (@grafana/schema, strict, no unknown property)', () => {
    // The JSON inlined as an object literal, so that TypeScript rejects unknown properties; the
    // schema's string enums (thresholds mode, color mode) are taken as their string values.
    const check = path.join(ROOT, 'test', '.build', 'dashboard-check.ts');
    fs.mkdirSync(path.dirname(check), { recursive: true });
    fs.writeFileSync(check, [
      "import type { Dashboard } from '@grafana/schema';",
      'type Loose<T> = T extends string ? (`${T}` extends T ? T : `${T}`) : T extends number ? number : T extends boolean ? boolean :',
      '  T extends ReadonlyArray<infer U> ? Array<Loose<U>> : T extends object ? { [K in keyof T]: Loose<T[K]> } : T;',
      `export const dashboard: Loose<Dashboard> = ${fs.readFileSync(FILE, 'utf8').trim()};`,
      '',
    ].join('\n'));
    const tsc = require.resolve('typescript/bin/tsc');
    try {
      execFileSync(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'node16', '--moduleResolution', 'node16',
        '--target', 'es2022', '--skipLibCheck', check], { cwd: ROOT, encoding: 'utf8' });
    } catch (error) {
      assert.fail(`${error.stdout}${error.stderr}`);
    }
  });

  it('lays its panels on the 24-column grid, unique ids, no overlaps', () => {
    assert.equal(dashboard.uid, 'tcpstate');
    const ids = panels.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length, `ids ${ids}`);
    const cells = new Set();
    for (const { id, gridPos: g } of panels) {
      assert.ok(Number.isInteger(g.x) && Number.isInteger(g.w) && g.x >= 0 && g.w > 0 && g.x + g.w <= 24, `panel ${id}: ${JSON.stringify(g)}`);
      for (let x = g.x; x < g.x + g.w; x++) {
        for (let y = g.y; y < g.y + g.h; y++) {
          assert.ok(!cells.has(`${x},${y}`), `panel ${id} overlaps another at ${x},${y}`);
          cells.add(`${x},${y}`);
        }
      }
    }
  });

  it('queries through its datasource variable, each target with its own refId', () => {
    assert.deepEqual(variables.map((v) => [v.name, v.type]), [['datasource', 'datasource'], ['instance', 'query'], ['container', 'query']]);
    const ref = { type: 'prometheus', uid: '${datasource}' };
    for (const p of panels.filter((p) => p.type !== 'row')) {
      assert.deepEqual(p.datasource, ref, p.title);
      assert.ok(p.targets.length > 0, p.title);
      const refIds = p.targets.map((t) => t.refId);
      assert.equal(new Set(refIds).size, refIds.length, p.title);
      for (const t of p.targets) {
        assert.deepEqual(t.datasource, ref, p.title);
        assert.equal(typeof t.expr, 'string', p.title);
      }
    }
    for (const v of variables.slice(1)) assert.deepEqual(v.datasource, ref, v.name);
  });

  it('names only metrics tcpstate exports, with their labels', () => {
    const exprs = [...targets.map((t) => ({ where: t.panel, expr: t.expr, legend: t.legendFormat ?? '' })),
      ...variables.slice(1).map((v) => ({ where: `variable ${v.name}`, expr: v.query.query, legend: '' }))];
    for (const { where, expr, legend } of exprs) {
      const metrics = metricsOf(expr);
      assert.ok(metrics.length > 0, `${where}: ${expr}`);
      const allowed = new Set([...TARGET_LABELS, ...NETNS_LABELS]);
      for (const name of metrics) {
        const definition = DEFINITIONS.get(name);
        assert.ok(definition, `${where}: ${name} is not a tcpstate metric`);
        for (const label of definition.labels) allowed.add(label);
      }
      // label_values(metric, label) names its label as the second argument.
      const extra = labelValues(expr)?.label;
      for (const label of [...labelsOf(expr), ...(extra ? [extra] : []), ...[...legend.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1])]) {
        assert.ok(allowed.has(label), `${where}: label ${label} is not on ${metrics.join(', ')}`);
      }
    }
  });
});

const skip = rootSkipReason() ?? toolSkipReason('prometheus', 'promtool:prometheus') ?? false;

describe('the dashboard\'s queries on a real Prometheus', { skip }, () => {
  let scenario;
  let ns;
  let prometheus;

  before(async () => {
    // A namespace's series appear once its table is walked: it holds TIME_WAIT (the scenario does).
    scenario = await scrapedScenario(['--all-netns'], 9465);
    ({ ns, prometheus } = scenario);
    // rate() and increase() need two samples of a series.
    await prometheus.eventually('count_over_time(tcpstate_read_duration_seconds[1m])', (r) => r.length === 1 && r[0].value >= 3);
  });

  after(async () => scenario && stopScenario(scenario));

  it('every panel query runs, and answers where tcpstate has the series', async () => {
    for (const t of targets) {
      const expr = expand(t.expr);
      const result = await prometheus.query(expr);
      if (metricsOf(t.expr).some((m) => MAY_BE_EMPTY.has(m))) continue;
      assert.ok(result.length > 0, `${t.panel} (${t.refId}): no series for ${expr}`);
      for (const r of result) assert.ok(Number.isFinite(r.value), `${t.panel}: ${expr} gave ${r.value}`);
    }
  });

  it('the variables list the exporter and the containers (the host\'s namespace is the empty one)', async () => {
    for (const v of variables.slice(1)) {
      const { series, label } = labelValues(v.query.query);
      const values = await prometheus.api(`/api/v1/label/${label}/values?match[]=${encodeURIComponent(expand(series))}`);
      assert.ok(values.length > 0, `${v.name}: ${JSON.stringify(values)}`);
      if (v.name === 'instance') assert.deepEqual(values, ['[::1]:9465']);
    }
  });

  it('the warnings panels show the scenario\'s warnings for the test namespace', async () => {
    const inode = fs.statSync(`/var/run/netns/${ns.name}`).ino;
    const [warnings] = targets.filter((t) => t.panel === 'Warnings by container');
    const rows = await prometheus.query(expand(warnings.expr));
    const ours = rows.filter((r) => r.labels.netns === String(inode));
    assert.ok(ours.length > 0, JSON.stringify(rows));
    for (const r of ours) assert.ok(r.value > 0 && r.labels.code, JSON.stringify(r));
  });
});
