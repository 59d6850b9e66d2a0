// The ES module entry: the same functions as the CommonJS build.
import tcpstate from './index.js';

export {
  ERROR_CODES,
  STATES,
  TcpStateError,
  snapshot,
  snapshotAsync,
  sockets,
  socketsAsync,
} from './index.js';
export type {
  ErrorCode,
  Family,
  FamilyCounts,
  Options,
  PortFilter,
  Snapshot,
  Socket,
  StateCounts,
  TcpState,
  TcpStateErrorDetails,
} from './index.js';

export default tcpstate;
