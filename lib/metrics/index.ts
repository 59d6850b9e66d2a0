// The tcpstate metrics: definitions, sampling, the caching reader and the text format.
export * from './definitions';
export * from './exposition';
export * from './reader';
export * from './samples';
export { parseMetricsOptions } from '../options';
