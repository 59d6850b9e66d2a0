// The ES module entry exposes the same API as the CommonJS one.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import tcpstateDefault, {
  snapshot, snapshotAsync, sockets, socketsAsync, ephemeralRange, pressure, pressureAsync, watch,
  STATES, TcpStateError, ERROR_CODES, UNKNOWN_STATE,
} from 'tcpstate';

const cjs = createRequire(import.meta.url)('tcpstate');

it('imports by name and by default, the same functions as require()', async () => {
  assert.equal(snapshot, cjs.snapshot);
  assert.equal(sockets, cjs.sockets);
  assert.equal(snapshotAsync, cjs.snapshotAsync);
  assert.equal(socketsAsync, cjs.socketsAsync);
  assert.equal(TcpStateError, cjs.TcpStateError);
  assert.equal(ephemeralRange, cjs.ephemeralRange);
  assert.equal(pressure, cjs.pressure);
  assert.equal(pressureAsync, cjs.pressureAsync);
  assert.equal(watch, cjs.watch);
  assert.equal(STATES, cjs.STATES);
  assert.equal(ERROR_CODES, cjs.ERROR_CODES);
  assert.equal(UNKNOWN_STATE, cjs.UNKNOWN_STATE);
  assert.equal(UNKNOWN_STATE, 'UNKNOWN');
  assert.equal(tcpstateDefault.snapshot, snapshot);
  const result = await snapshotAsync({ states: ['LISTEN'] });
  assert.equal(result.total, result.states.LISTEN);
});
