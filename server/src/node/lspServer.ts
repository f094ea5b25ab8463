// The language server as a Node process: over node IPC when VS Code starts it, over stdio for
// `gohazard lsp --stdio` (createConnection picks the transport from the command line). On stdio, the
// input goes through a FrameGuard, so that malformed framing costs a dropped message (and a line in
// the log), not the server.
import { inspect } from 'node:util';
import { Connection, createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from '../lsp/server';
import { FrameGuard } from './frameGuard';
import { nodeServerHost } from './serverHost';

export function startNodeServer(): void {
  if (!process.argv.includes('--stdio')) {
    startServer(createConnection(ProposedFeatures.all), nodeServerHost);
    return;
  }
  let connection: Connection | undefined;
  const early: string[] = [];
  const guard = new FrameGuard((message) => (connection ? connection.console.error(message) : early.push(message)));
  process.stdin.pipe(guard);
  // Given streams, createConnection ends the process when the input ends, as it does for --stdio.
  connection = createConnection(ProposedFeatures.all, guard, process.stdout);
  routeConsoleToClient(connection);
  for (const message of early) connection.console.error(message);
  startServer(connection, nodeServerHost);
}

/** What createConnection does for --stdio itself: nothing may write to stdout but the protocol. */
function routeConsoleToClient(connection: Connection): void {
  const text = (args: unknown[]) => args.map((a) => (typeof a === 'string' ? a : inspect(a))).join(' ');
  console.log = (...args: unknown[]) => connection.console.log(text(args));
  console.info = (...args: unknown[]) => connection.console.info(text(args));
  console.debug = (...args: unknown[]) => connection.console.log(text(args));
  console.warn = (...args: unknown[]) => connection.console.warn(text(args));
  console.error = (...args: unknown[]) => connection.console.error(text(args));
  console.trace = (...args: unknown[]) => connection.console.log(text(args));
}
