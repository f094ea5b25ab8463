// Every rule gohazard runs, in one place so that the server, the CLI and the tests agree.
import type { Rule } from '../engine/rule';
import { capture } from './loopvar/capture';

export const allRules: readonly Rule[] = [capture];
