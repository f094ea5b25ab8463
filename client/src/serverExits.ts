// vscode-languageclient 9 logs "Server process exited with code N." as an error whenever the server
// process ends, the clean exit that follows a stop someone asked for (the restart command, VS Code
// closing) included. That one is information; every other exit stays an error, and a crash still goes
// through the error handler's restart budget (crashHandler.ts), which this does not touch. Free of VS
// Code imports so that tests can drive it.

/** The language client's words for a server process that ended: with an exit code, or killed by a signal. */
const EXIT = /^Server process exited with (?:code (\d+)|signal \w+)\.?$/;

export type ExitLevel = 'info' | 'error';

export class ServerExits {
  private stopping = false;

  /** A stop of the running server was asked for: its process is about to exit. */
  stopRequested(): void {
    this.stopping = true;
  }

  /**
   * The level of a line the language client reports as an error: the clean exit (code 0) of a server
   * whose stop was asked for is information; any other exit, and any other line, an error. Each exit
   * ends the expectation: the next server's exit is judged afresh.
   */
  levelOf(message: string): ExitLevel {
    const exit = EXIT.exec(message);
    if (!exit) return 'error';
    const requested = this.stopping;
    this.stopping = false;
    return requested && exit[1] === '0' ? 'info' : 'error';
  }
}
