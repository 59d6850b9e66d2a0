// The ES module entry of tcpstate/prometheus.
export { METRICS, TRACE_METRICS, registerTcpstateMetrics } from './prometheus.js';
export type * from './prometheus.js';
