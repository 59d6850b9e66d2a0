#!/usr/bin/env node
// The tcpstate command line: a summary, a live view, socket rows and a Prometheus endpoint.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';

import { socketsAsync } from './index';
import { DEFAULT_TOP, MAX_TOP } from './options';
import { colorEnabled, createStyle } from './cli/format';
import { runServe } from './cli/serve';
import {
  collectStates, parseAddressFlag, parsePortFlag, renderSockets, toOptions, type SocketFlags,
} from './cli/sockets';
import { readSummary, renderSummary } from './cli/summary';
import { runWatch } from './cli/watch';
import { readAllNetns, renderAllNetns } from './cli/all-netns';

/** Exit codes: success, a failed read or other runtime failure, a usage error. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

function integer(min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new InvalidArgumentError(`Expected an integer from ${min} to ${max}.`);
    }
    return Number(value);
  };
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60000, '': 1000 };

/** `500ms`, `1s`, `1.5s`, `2m`, or a plain number of seconds; whole milliseconds, at least 1. */
export function parseDuration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  const ms = match ? Math.round(Number(match[1]) * (UNITS[match[2] ?? ''] as number)) : NaN;
  if (!(ms >= 1 && ms <= 2 ** 31 - 1)) {
    throw new InvalidArgumentError('Expected a duration such as 500ms, 1s, 2.5s or 1m.');
  }
  return ms;
}

function withDebug(command: Command): Command {
  return command.option('--debug', 'show the stack trace of an error');
}

const EXIT_CODES = `
Exit codes:
  0  success
  1  the socket table could not be read (or another runtime failure)
  2  usage error: unknown command or flag, bad flag value`;

/** The command tree; actions write to process.stdout. */
export function buildProgram(): Command {
  const program = new Command('tcpstate');
  const style = () => createStyle(colorEnabled(process.stdout));
  program
    .description("TCP socket states, ephemeral port pressure and Prometheus metrics of this host's network namespace")
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .exitOverride()
    .enablePositionalOptions()
    .helpCommand('help [command]', 'show help for a command')
    .configureOutput({
      writeErr: (text) => process.stderr.write(text),
      // Errors in one line: commander puts its "did you mean" hint on a line of its own.
      outputError: (text, write) => write(text.replace(/\s*\n(?=.)/g, ' ')),
    })
    .option('--json', 'print the summary as JSON')
    .option('--top <n>', 'destinations to show', integer(0, MAX_TOP), 5)
    .option('--netns <path>', 'read in this network namespace, for every command: /var/run/netns/NAME, /proc/PID/ns/net')
    .option('--all-netns', 'every network namespace of the host: one line each (the summary), or series labelled netns and container (serve)')
    .addHelpText('after', `
With no command: states with counts, the ephemeral range and the limits that bound it,
the busiest destinations, the close rate and warnings with advice.
Colors on a terminal only, and never when NO_COLOR is set.
${EXIT_CODES}

Examples:
  tcpstate
  tcpstate --json
  tcpstate watch --interval 500ms
  tcpstate sockets --state TIME_WAIT --dport 5432
  tcpstate serve --port 9464
  tcpstate --netns /var/run/netns/web watch
  tcpstate --all-netns
  tcpstate --all-netns serve --port 9464`);
  withDebug(program);

  // --netns comes before the command and holds for all of them.
  const where = (): { netns?: string } => {
    const { netns } = program.opts<{ netns?: string }>();
    return netns === undefined ? {} : { netns };
  };

  const allNetns = (): boolean => Boolean(program.opts<{ allNetns?: boolean }>().allNetns);

  program.action(async (opts: { json?: boolean; top: number }) => {
    if (program.args.length > 0) {
      program.error(`error: unknown command '${program.args[0]}'`, { code: 'commander.unknownCommand', exitCode: EXIT_USAGE });
    }
    if (allNetns()) {
      const all = await readAllNetns();
      process.stdout.write(opts.json ? `${JSON.stringify(all.lines, null, 2)}\n` : renderAllNetns(all, style()));
      return;
    }
    const summary = readSummary(opts.top, where());
    process.stdout.write(opts.json ? `${JSON.stringify(summary, null, 2)}\n` : renderSummary(summary, style(), process.stdout.isTTY ? process.stdout.columns ?? 0 : 0));
  });

  withDebug(program.command('watch'))
    .description('a live view, redrawn in place: states with rates per second, TIME_WAIT and the busiest destination as trends')
    .option('--interval <duration>', 'time between reads: 500ms, 1s, 2m', parseDuration, 1000)
    .option('--count <n>', 'stop after n frames (default: until Ctrl-C)', integer(1, 2 ** 31 - 1))
    .option('--trace', 'also count connect() attempts and failures with eBPF (Linux; root, or CAP_BPF and CAP_PERFMON)')
    .allowExcessArguments(false)
    .addHelpText('after', '\nEnds cleanly (exit code 0) on Ctrl-C or SIGTERM.')
    .action(async (opts: { interval: number; count?: number; trace?: boolean }) => {
      await runWatch({ intervalMs: opts.interval, frames: opts.count ?? 0, stdout: process.stdout, style: style(), where: where(), trace: Boolean(opts.trace) });
    });

  withDebug(program.command('sockets'))
    .description('one row per socket, like ss -tan; every given filter must hold')
    .addOption(new Option('--state <state>', 'only this state; repeat or separate by commas (TIME_WAIT, time-wait)').argParser(collectStates))
    .option('--sport <port>', 'local port or range: 443, 32768-60999', parsePortFlag)
    .option('--dport <port>', 'remote port or range', parsePortFlag)
    .option('--src <address>', 'local IP address or CIDR: 10.0.0.0/8, ::1', parseAddressFlag)
    .option('--dst <address>', 'remote IP address or CIDR', parseAddressFlag)
    .addOption(new Option('--family <family>', 'address family').choices(['ipv4', 'ipv6', 'all']))
    .option('--json', 'print the rows as a JSON array')
    .allowExcessArguments(false)
    .action(async (opts: SocketFlags & { json?: boolean }) => {
      const rows = await socketsAsync({ ...toOptions(opts), ...where() });
      process.stdout.write(opts.json ? `${JSON.stringify(rows, null, 2)}\n` : renderSockets(rows, style()));
    });

  withDebug(program.command('serve'))
    .description('serve /metrics in the Prometheus text format over HTTP, read fresh per scrape')
    .option('--port <port>', 'TCP port to listen on (0: any free port)', integer(0, 65535), 9464)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--top <n>', 'destinations with their own series', integer(0, MAX_TOP), DEFAULT_TOP)
    .option('--min-interval <duration>', 'scrapes closer together than this reuse the last read', parseDuration, 1000)
    .option('--max-netns <n>', 'with --all-netns: namespaces with series of their own (alerting ones first, then the busiest)', integer(1, 100000), 50)
    .option('--trace', 'also export connect() attempts and failures counted with eBPF (Linux; root, or CAP_BPF and CAP_PERFMON)')
    .allowExcessArguments(false)
    .addHelpText('after', '\nStops cleanly (exit code 0) on SIGINT or SIGTERM. A failed read answers 200 with\n' +
      'tcpstate_read_errors_total and tcpstate_read_duration_seconds only, and is logged on stderr.')
    .action(async (opts: { port: number; host: string; top: number; minInterval: number; maxNetns: number; trace?: boolean }) => {
      await runServe({
        host: opts.host, port: opts.port, top: opts.top, minIntervalMs: opts.minInterval, ...where(), trace: Boolean(opts.trace),
        ...(allNetns() ? { allNetns: true, maxNetns: opts.maxNetns } : {}),
        stdout: process.stdout, stderr: process.stderr,
      }, packageVersion());
    });

  return program;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** Runs the command line; resolves to the exit code. */
export async function main(argv: readonly string[] = process.argv): Promise<number> {
  const program = buildProgram();
  let debug = argv.includes('--debug');
  program.hook('preAction', (_, action) => {
    debug = Boolean(action.optsWithGlobals().debug);
    const globals = program.opts<{ netns?: string; allNetns?: boolean }>();
    if (globals.allNetns && globals.netns !== undefined) {
      program.error("error: options '--netns' and '--all-netns' cannot be used together", { code: 'commander.conflictingOption', exitCode: EXIT_USAGE });
    }
    if (globals.allNetns && action !== program && action.name() !== 'serve') {
      program.error(`error: option '--all-netns' applies to the summary and serve only, not to ${action.name()}`, { code: 'commander.unknownOption', exitCode: EXIT_USAGE });
    }
    for (const name of ['json', 'top']) {
      if (action !== program && program.getOptionValueSource(name) === 'cli') {
        program.error(`error: option '--${name}' before a command applies to the summary only; ` +
          `put the command's own flags after it: tcpstate ${action.name()} --help`, { code: 'commander.unknownOption', exitCode: EXIT_USAGE });
      }
    }
  });
  try {
    await program.parseAsync([...argv]);
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    const err = error instanceof Error ? error : new Error(String(error));
    if (debug && err.stack) {
      process.stderr.write(`${err.stack}\n`);
    } else {
      const code = (err as { code?: unknown }).code;
      process.stderr.write(`error: ${oneLine(err.message)}${typeof code === 'string' ? ` (${code})` : ''}\n`);
    }
    return EXIT_FAILURE;
  }
}

if (require.main === module) {
  // A closed pipe (`tcpstate sockets | head`) ends the output, not in an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT_OK);
    throw error;
  });
  main().then((code) => {
    process.exitCode = code;
  });
}
