// The language server as a Node process: over node IPC when VS Code starts it, over stdio for
// `gohazard lsp --stdio` (createConnection picks the transport from the command line).
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from '../lsp/server';
import { nodeServerHost } from './serverHost';

export function startNodeServer(): void {
  startServer(createConnection(ProposedFeatures.all), nodeServerHost);
}
