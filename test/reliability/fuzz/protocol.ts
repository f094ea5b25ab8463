// Messages between the fuzz runner and its worker.
import type { FuzzChecker, Problem } from './check';
import type { InputProfile } from './inputs';

export interface WorkerRequest {
  seed: number;
  /** The input indexes to check, in order. */
  indexes: number[];
  corpusRoots?: string[];
  profile: InputProfile['name'];
}

export type WorkerMessage =
  | { type: 'ready'; fingerprint: string; statPath?: string }
  | { type: 'begin'; index: number; size: number }
  /**
   * Times are the worker thread's CPU time where it can be measured, else wall-clock time: ms for the
   * whole check, analysisMs for the analysis proper (facts, parse, rules), which the budget applies to.
   */
  | { type: 'end'; index: number; size: number; ms: number; analysisMs: number; problems: Problem[]; rss: number; columns: FuzzChecker['lastColumns'] }
  | { type: 'done' }
  | { type: 'fatal'; message: string };
