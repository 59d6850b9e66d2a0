// The ES module entry: the same functions as the CommonJS build.
import tcpstate from './index.js';

export {
  ERROR_CODES,
  STATES,
  TcpStateError,
  UNKNOWN_STATE,
  ephemeralRange,
  namespaces,
  pressureAll,
  pressure,
  pressureAsync,
  snapshot,
  snapshotAll,
  snapshotAsync,
  sockets,
  socketsAsync,
  traceConnects,
  watch,
} from './index.js';
export type * from './index.js';

export default tcpstate;
