// The language client's error handler: a crashed server is restarted a bounded number of times
// (RestartBudget), and every crash and the final decision are written to gohazard's output channel.
import type { OutputChannel } from 'vscode';
import { CloseAction, ErrorAction, ErrorHandler } from 'vscode-languageclient';
import { RestartBudget } from './restartBudget';

export function crashHandler(output: OutputChannel, budget = new RestartBudget()): ErrorHandler {
  return {
    // As vscode-languageclient does: a few read/write errors in a row are tolerated, more end the connection.
    error: (_error, _message, count) => ({ action: count !== undefined && count <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown }),
    closed: () => {
      const decision = budget.crashed();
      output.appendLine(decision.message);
      return decision.restart ? { action: CloseAction.Restart, handled: true } : { action: CloseAction.DoNotRestart, message: decision.message };
    },
  };
}
