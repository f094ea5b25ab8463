// Messages between the scanner and its worker threads.
import type { ByteLayout } from '../engine/byteLayout';
import type { EngineConfig } from '../engine/config';
import type { CacheCounts } from '../engine/scanCache';
import type { Finding } from '../engine/types';
import type { ToolchainKnowledge } from '../toolchain/facts';

export interface WorkerInit {
  /** A SharedArrayBuffer holding one Int32: non-zero once the scan is cancelled. */
  cancelFlag: SharedArrayBuffer;
  toolchain: ToolchainKnowledge;
  /** Analyse every file at this language version (go1.N minor), whatever go.mod says. */
  goMinor?: number;
  /** Parse and free the tree, run no rule: the baseline the benchmark compares with. */
  parseOnly?: boolean;
  /** Files above this many bytes are skipped (0: no limit; absent: the default). */
  maxFileBytes?: number;
  /** The scan cache's directory, and the identity of the code writing to it (node/engineIdentity.ts). */
  cache?: { dir: string; engineId: string };
}

/** All the files of one directory, so that its package index is built by one worker. */
export interface ScanJob {
  dir: string;
  files: string[];
  config: EngineConfig;
}

export interface FileResult {
  file: string;
  findings: Finding[];
  lines: number;
  problems: string[];
  /** The source, returned only when there are findings (to convert columns to bytes). */
  text?: string;
  /** With the text, when its own encoding is not the file's bytes. */
  layout?: ByteLayout;
  /** The findings came from the scan cache. */
  cached?: boolean;
}

export type WorkerMessage =
  | { kind: 'ready' }
  /** wasmBytes: the worker's WebAssembly memory after the directory (it never shrinks). */
  | { kind: 'done'; dir: string; results: FileResult[]; cache?: CacheCounts; wasmBytes: number }
  | { kind: 'failed'; message: string };
