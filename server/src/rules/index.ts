// Every rule gohazard runs, in one place so that the server, the CLI and the tests agree.
import type { Rule } from '../engine/rule';
import { address } from './loopvar/address';
import { capture } from './loopvar/capture';
import { redundantCopy } from './loopvar/redundantCopy';
import { semanticsChange } from './loopvar/semanticsChange';
import { appendNoPrealloc, conversionInLoop, deferInLoop, sprintfSimple, stringConcatLoop } from './alloc';
import { addressEscapes, appendEscapes, closure, interfaceArg, largeLocal, makeNonconst, sliceOfLocalArray, stringCopy } from './escape/rules';
import { copied, getWithoutNew, missingPut, missingReset, putNonPointer, shortLivedPool, typeMismatch, unboundedSize, useAfterPut } from './pool';
import { languageFeature, stdApi } from './toolchain';

export const allRules: readonly Rule[] = [
  capture,
  address,
  redundantCopy,
  semanticsChange,
  putNonPointer,
  typeMismatch,
  getWithoutNew,
  missingReset,
  useAfterPut,
  missingPut,
  shortLivedPool,
  copied,
  unboundedSize,
  addressEscapes,
  interfaceArg,
  closure,
  makeNonconst,
  largeLocal,
  sliceOfLocalArray,
  appendEscapes,
  stringCopy,
  appendNoPrealloc,
  stringConcatLoop,
  conversionInLoop,
  deferInLoop,
  sprintfSimple,
  languageFeature,
  stdApi,
];
