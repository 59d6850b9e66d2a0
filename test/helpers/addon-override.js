'use strict';
// Makes tcpstate load a given addon file (a sanitizer or no-backend build) instead of
// the one node-gyp-build would pick. Preloaded with --require, it uses the file named
// by TCPSTATE_TEST_ADDON (and the connect tracer's addon named by TCPSTATE_TEST_TRACE_ADDON).
// For tests only; the package has no such switch.
const path = require('node:path');

function override(file) {
  const gypBuild = require.resolve('node-gyp-build', { paths: [path.join(__dirname, '..', '..')] });
  require.cache[gypBuild] = { id: gypBuild, filename: gypBuild, loaded: true, exports: () => require(file) };
}

/**
 * Makes traceConnects() load `file` as its addon: lib/trace.ts requires the built one by its
 * path, and that request (only that one, and only when made) is answered with `file`.
 */
function overrideTrace(file) {
  const Module = require('node:module');
  const built = path.join(__dirname, '..', '..', 'build', 'Release', 'trace', 'tcpstate_trace.node');
  const load = Module._load;
  Module._load = function loadOverridden(request, ...rest) {
    return load.call(this, request === built ? file : request, ...rest);
  };
}

if (process.env.TCPSTATE_TEST_ADDON) override(process.env.TCPSTATE_TEST_ADDON);
if (process.env.TCPSTATE_TEST_TRACE_ADDON) overrideTrace(process.env.TCPSTATE_TEST_TRACE_ADDON);

module.exports = { override, overrideTrace };
