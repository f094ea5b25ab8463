// Messages between the fuzz runner and its worker.
import type { Problem } from './check';
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
  /** ms: the input's thread CPU time where it can be measured, else wall-clock time. */
  | { type: 'end'; index: number; ms: number; problems: Problem[]; rss: number }
  | { type: 'done' }
  | { type: 'fatal'; message: string };
