// The pool/ family: sync.Pool misuse, found from syntax and the package's other files.
import type { Rule } from '../../engine/rule';
import { copied } from './copied';
import { getWithoutNew } from './getWithoutNew';
import { missingPut } from './missingPut';
import { missingReset } from './missingReset';
import { putNonPointer } from './putNonPointer';
import { shortLivedPool } from './shortLivedPool';
import { typeMismatch } from './typeMismatch';
import { unboundedSize } from './unboundedSize';
import { useAfterPut } from './useAfterPut';

export { copied, getWithoutNew, missingPut, missingReset, putNonPointer, shortLivedPool, typeMismatch, unboundedSize, useAfterPut };

export const poolRules: readonly Rule[] = [putNonPointer, typeMismatch, getWithoutNew, missingReset, useAfterPut, missingPut, shortLivedPool, copied, unboundedSize];
