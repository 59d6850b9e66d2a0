// The ES module entry of tcpstate/otel.
export { METRICS, TRACE_METRICS, registerTcpstateMetrics } from './otel.js';
export type * from './otel.js';
