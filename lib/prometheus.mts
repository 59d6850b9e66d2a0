// The ES module entry of tcpstate/prometheus.
export { METRICS, registerTcpstateMetrics } from './prometheus.js';
export type * from './prometheus.js';
