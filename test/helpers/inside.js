'use strict';
// Test code the agent runs inside a namespace (agent command `run`): the metrics
// integrations, and HTTP requests to servers on the namespace's loopback.
const tcpstate = require('../..');

/** Counts the table reads the metrics make, by wrapping the public async readers. */
function countReads() {
  const originals = { snapshotAsync: tcpstate.snapshotAsync, pressureAsync: tcpstate.pressureAsync };
  const counts = { snapshotAsync: 0, pressureAsync: 0 };
  for (const name of Object.keys(originals)) {
    tcpstate[name] = (...args) => {
      counts[name]++;
      return originals[name](...args);
    };
  }
  return () => {
    Object.assign(tcpstate, originals);
    return counts;
  };
}

/** prom-client: register on a fresh registry, scrape as text and as JSON, then unregister. */
async function promClient({ top }) {
  const { Registry } = require('prom-client');
  const { registerTcpstateMetrics } = require('tcpstate/prometheus');
  const registry = new Registry();
  const registration = registerTcpstateMetrics(registry, { top });
  let duplicate = null;
  try {
    registerTcpstateMetrics(registry);
  } catch (error) {
    duplicate = error.message;
  }
  const pressureBefore = tcpstate.pressure({ top });
  const stop = countReads();
  const text = await registry.metrics();
  const firstReads = { ...stop() };
  const snapshot = tcpstate.snapshot();
  const pressure = tcpstate.pressure({ top });
  registration.unregister();
  return { text, reads: firstReads, snapshot, pressure, pressureBefore, names: registration.names, left: registry.getMetricsAsArray().length, duplicate };
}

/** OpenTelemetry: a MeterProvider with a pull reader; one collection, then unregister and collect again. */
async function otel({ top }) {
  const { MeterProvider, MetricReader } = require('@opentelemetry/sdk-metrics');
  const { registerTcpstateMetrics } = require('tcpstate/otel');
  class PullReader extends MetricReader {
    async onForceFlush() {}
    async onShutdown() {}
  }
  const reader = new PullReader();
  const provider = new MeterProvider({ readers: [reader] });
  const registration = registerTcpstateMetrics(provider.getMeter('tcpstate-test'), { top });
  const pressureBefore = tcpstate.pressure({ top });
  const stop = countReads();
  const collected = await reader.collect();
  const reads = stop();
  const snapshot = tcpstate.snapshot();
  const pressure = tcpstate.pressure({ top });
  const metrics = {};
  for (const scope of collected.resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      metrics[metric.descriptor.name] = {
        type: metric.descriptor.type,
        unit: metric.descriptor.unit,
        description: metric.descriptor.description,
        points: metric.dataPoints.map((p) => ({ attributes: p.attributes, value: p.value })),
      };
    }
  }
  registration.unregister();
  const stopAfter = countReads();
  await reader.collect();
  const readsAfter = stopAfter();
  await provider.shutdown();
  return { metrics, errors: collected.errors.map(String), reads, readsAfter, snapshot, pressure, pressureBefore, names: registration.names };
}

/** An HTTP request from inside the namespace. */
async function http({ url, method = 'GET' }) {
  const response = await fetch(url, { method, signal: AbortSignal.timeout(10000) });
  return { status: response.status, contentType: response.headers.get('content-type'), body: await response.text() };
}

module.exports = { promClient, otel, http };
