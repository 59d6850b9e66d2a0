// tcpstate/prometheus: the tcpstate metrics on a prom-client registry, read at collect time.
import { Counter, Gauge, register as defaultRegistry, type Registry } from 'prom-client';

import { invalidArgType } from './errors';
import { createMetricsReader, type MetricFamily, type MetricsOptions, type MetricsRegistration } from './metrics';

export { METRICS } from './metrics';
export { TRACE_METRICS } from './trace-metrics';
export type { MetricDefinition, MetricsOptions, MetricsRegistration, MetricType } from './metrics';

/**
 * Registers every tcpstate metric on `registry` (default: prom-client's global one).
 * Each scrape reads the table once, when the registry collects; the metrics of one
 * scrape share that read. A failed read counts in `tcpstate_read_errors_total` and
 * leaves the table's metrics empty (NaN for those without labels).
 */
export function registerTcpstateMetrics(registry?: Registry, options?: MetricsOptions): MetricsRegistration {
  const target = registry ?? defaultRegistry;
  if (typeof target !== 'object' || target === null || typeof target.registerMetric !== 'function') {
    throw invalidArgType('registry', 'a prom-client Registry', registry);
  }
  const reader = createMetricsReader(options);
  const definitions = reader.definitions;
  for (const { name } of definitions) {
    if (target.getSingleMetric(name)) throw new Error(`A metric named ${name} is already registered on this registry`);
  }

  const familyOf = async (name: string): Promise<MetricFamily | undefined> =>
    (await reader.read()).find((family) => family.name === name);

  for (const definition of definitions) {
    const { name, help } = definition;
    const labelNames = [...definition.labels];
    if (definition.type === 'counter') {
      new Counter<string>({
        name, help, labelNames, registers: [target],
        async collect() {
          const family = await familyOf(name);
          this.reset();
          if (labelNames.length > 0) {
            for (const sample of family?.samples ?? []) if (sample.value > 0) this.inc(sample.labels, sample.value);
            return;
          }
          const value = family?.samples[0]?.value ?? 0;
          if (value > 0) this.inc(value);
        },
      });
      continue;
    }
    new Gauge<string>({
      name, help, labelNames, registers: [target],
      async collect() {
        const family = await familyOf(name);
        this.reset();
        const samples = family?.samples ?? [];
        if (labelNames.length === 0) this.set(samples[0]?.value ?? NaN);
        else for (const sample of samples) this.set(sample.labels, sample.value);
      },
    });
  }

  const names = definitions.map((m) => m.name);
  return {
    names,
    unregister() {
      for (const name of names) target.removeSingleMetric(name);
    },
  };
}
