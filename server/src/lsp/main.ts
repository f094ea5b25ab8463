// The language server process the VS Code client starts (node IPC); `gohazard lsp --stdio` is the
// same server for other editors. The browser build starts it in a web worker (server/src/browser/main.ts).
import { startNodeServer } from '../node/lspServer';

startNodeServer();
