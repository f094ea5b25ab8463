// How often a crashed language server is restarted: at most MAX_RESTARTS times within RESTART_WINDOW_MS
// (vscode-languageclient's own default, made explicit so that each crash and the decision to stop are
// said in gohazard's output channel). Free of VS Code imports so that tests can drive it with a clock.

export const MAX_RESTARTS = 4;
export const RESTART_WINDOW_MS = 3 * 60 * 1000;

export interface CrashDecision {
  restart: boolean;
  /** The line for the output channel. */
  message: string;
}

export class RestartBudget {
  private crashes: number[] = [];

  constructor(
    private readonly max = MAX_RESTARTS,
    private readonly windowMs = RESTART_WINDOW_MS,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Records a crash and decides: restart while fewer than max+1 crashes fall within the window. */
  crashed(): CrashDecision {
    const t = this.now();
    this.crashes = this.crashes.filter((c) => t - c < this.windowMs);
    this.crashes.push(t);
    const n = this.crashes.length;
    if (n <= this.max) return { restart: true, message: `gohazard server crashed (${n}/${this.max}), restarting` };
    return {
      restart: false,
      message: `gohazard server crashed ${n} times within ${Math.round(this.windowMs / 60000)} minutes: not restarting again. The log above says why; run "gohazard: Restart Language Server" once that is fixed.`,
    };
  }

  /** The user restarted the server: count anew. */
  reset(): void {
    this.crashes = [];
  }
}
