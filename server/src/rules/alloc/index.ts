// The alloc/ rules: allocation patterns in loops that have a cheaper equivalent.
export { appendNoPrealloc } from './appendNoPrealloc';
export { conversionInLoop } from './conversionInLoop';
export { deferInLoop } from './deferInLoop';
export { sprintfSimple } from './sprintfSimple';
export { stringConcatLoop } from './stringConcatLoop';
