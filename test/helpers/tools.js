'use strict';
// System programs some tests need (installed by .ci/run): a reason to skip when one is missing, except under CI.
const { execFileSync } = require('node:child_process');

function missing(tool) {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return false;
  } catch {
    return true;
  }
}

/**
 * Why tests that need `tools` cannot run here, or null. Under CI a missing tool is an error.
 * A tool is a command, or `command:package` when Debian's package has another name.
 */
function toolSkipReason(...tools) {
  const absent = tools.map((t) => t.split(':')).filter(([command]) => missing(command));
  if (absent.length === 0) return null;
  const packages = [...new Set(absent.map(([command, pkg]) => pkg ?? command))];
  const reason = `needs ${absent.map(([command]) => command).join(', ')} (apt-get install ${packages.join(' ')})`;
  if (process.env.CI) throw new Error(`CI must run every test, but this one ${reason}`);
  return reason;
}

/** Resolves when the child exits: { code, signal }; kills it with SIGKILL after `ms`. */
function exited(child, ms = 10000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

/** Resolves with the first line of the child's stdout that matches `pattern`. */
function lineMatching(child, pattern, ms = 15000) {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} within ${ms} ms: ${seen}`)), ms);
    const onData = (chunk) => {
      seen += chunk;
      const match = seen.split('\n').find((line) => pattern.test(line));
      if (match) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolve(match);
      }
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited with ${code} before printing ${pattern}: ${seen}`)));
  });
}

module.exports = { toolSkipReason, exited, lineMatching };
