// tcpstate/otel: the tcpstate metrics as OpenTelemetry observable instruments on a Meter.
// Only types come from @opentelemetry/api: the Meter given does the work.
import type { BatchObservableResult, Meter, Observable } from '@opentelemetry/api';

import { invalidArgType } from './errors';
import { createMetricsReader, type MetricsOptions, type MetricsRegistration } from './metrics';

export { METRICS } from './metrics';
export { TRACE_METRICS } from './trace-metrics';
export type { MetricDefinition, MetricsOptions, MetricsRegistration, MetricType } from './metrics';

/**
 * Creates an observable gauge for every tcpstate metric (an observable counter for
 * `tcpstate_read_errors_total`) on `meter`, all fed by one batch callback: one read
 * of the table per collection. A failed read counts in `tcpstate_read_errors_total`
 * and the table's instruments report nothing for that collection.
 */
export function registerTcpstateMetrics(meter: Meter, options?: MetricsOptions): MetricsRegistration {
  if (typeof meter !== 'object' || meter === null ||
      typeof meter.createObservableGauge !== 'function' || typeof meter.addBatchObservableCallback !== 'function') {
    throw invalidArgType('meter', 'an OpenTelemetry Meter', meter);
  }
  const reader = createMetricsReader(options);
  const instruments = new Map<string, Observable>();
  for (const definition of reader.definitions) {
    const descriptor = definition.unit ? { description: definition.help, unit: definition.unit } : { description: definition.help };
    instruments.set(definition.name, definition.type === 'counter'
      ? meter.createObservableCounter(definition.name, descriptor)
      : meter.createObservableGauge(definition.name, descriptor));
  }
  const observables = [...instruments.values()];

  const callback = async (result: BatchObservableResult): Promise<void> => {
    for (const family of await reader.read()) {
      const instrument = instruments.get(family.name);
      if (!instrument) continue;
      for (const sample of family.samples) result.observe(instrument, sample.value, sample.labels);
    }
  };
  meter.addBatchObservableCallback(callback, observables);

  return {
    names: reader.definitions.map((m) => m.name),
    unregister() {
      meter.removeBatchObservableCallback(callback, observables);
    },
  };
}
