// The language server process the VS Code client starts (node IPC); `gohazard lsp --stdio` is the
// same server for other editors.
import { startServer } from './server';

startServer();
