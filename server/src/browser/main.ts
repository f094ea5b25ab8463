// The language server in a web worker, for VS Code for the web (vscode.dev, github.dev): the client
// (client/src/browserExtension.ts) starts this bundle (dist/web/server.js) with `new Worker(...)` and
// speaks LSP over postMessage. The server code is the Node server's; only the host differs.
import { BrowserMessageReader, BrowserMessageWriter, createConnection, ProposedFeatures } from 'vscode-languageserver/browser';
import { startServer } from '../lsp/server';
import { browserServerHost, WorkerGlobal } from './browserHost';

/** The worker's global scope (the project compiles without the DOM and WebWorker libraries). */
declare const self: WorkerGlobal & { close(): void };

const connection = createConnection(ProposedFeatures.all, new BrowserMessageReader(self as never), new BrowserMessageWriter(self as never));
// Node ends the process on exit; a worker ends itself (the client makes a new worker on restart).
connection.onExit(() => self.close());
startServer(connection, browserServerHost(connection, self));
