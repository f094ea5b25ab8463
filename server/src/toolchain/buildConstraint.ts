// The `//go:build` line of a Go file and the minimum Go version its expression implies, computed the
// way go/build/constraint.GoVersion does: `&&` takes the larger bound, `||` the smaller, a negated
// tag implies nothing, and a tag other than go1.N implies nothing.

export interface BuildConstraint {
  /** Zero-based line of the `//go:build` comment. */
  line: number;
  expression: string;
  /** Minor N of the go1.N the expression requires, or undefined when it requires none. */
  minGoMinor?: number;
}

const NO_VERSION = -1;

export function findBuildConstraint(source: string): BuildConstraint | undefined {
  // Only the header counts: comments and blank lines before the package clause.
  let line = 0;
  let pos = 0;
  let inBlockComment = false;
  while (pos < source.length) {
    let end = source.indexOf('\n', pos);
    if (end < 0) end = source.length;
    const text = source.slice(pos, end).trim();
    if (inBlockComment) {
      if (text.includes('*/')) inBlockComment = false;
    } else if (text.startsWith('//go:build')) {
      const expression = text.slice('//go:build'.length).trim();
      const min = goVersionOfExpression(expression);
      return { line, expression, minGoMinor: min === NO_VERSION ? undefined : min };
    } else if (text.startsWith('/*')) {
      inBlockComment = !text.includes('*/');
    } else if (text !== '' && !text.startsWith('//')) {
      return undefined;
    }
    pos = end + 1;
    line++;
  }
  return undefined;
}

type Expr =
  | { op: 'and' | 'or'; x: Expr; y: Expr }
  | { op: 'not'; x: Expr }
  | { op: 'tag'; tag: string };

/** Returns NO_VERSION for expressions that imply no Go version or do not parse. */
export function goVersionOfExpression(expression: string): number {
  const expr = parseExpression(expression);
  return expr ? minVersion(expr, 1) : NO_VERSION;
}

function minVersion(e: Expr, sign: 1 | -1): number {
  switch (e.op) {
    case 'and':
      return sign > 0 ? Math.max(minVersion(e.x, sign), minVersion(e.y, sign)) : Math.min(minVersion(e.x, sign), minVersion(e.y, sign));
    case 'or':
      return sign > 0 ? Math.min(minVersion(e.x, sign), minVersion(e.y, sign)) : Math.max(minVersion(e.x, sign), minVersion(e.y, sign));
    case 'not':
      return minVersion(e.x, sign > 0 ? -1 : 1);
    case 'tag': {
      if (sign < 0) return NO_VERSION;
      if (e.tag === 'go1') return 0;
      const m = /^go1\.(\d+)$/.exec(e.tag);
      return m ? Number(m[1]) : NO_VERSION;
    }
  }
}

/**
 * go/build/constraint rejects expressions of more than this many operands and negations ("build
 * expression too large"): the parser and minVersion recurse once per level of nesting.
 */
const MAX_EXPRESSION_SIZE = 1000;

function parseExpression(text: string): Expr | undefined {
  const tokens = text.match(/&&|\|\||[!()]|[^\s!()&|]+/g) ?? [];
  let i = 0;
  let size = 0;
  const peek = () => tokens[i];
  const parseOr = (): Expr | undefined => {
    let x = parseAnd();
    while (x && peek() === '||') {
      i++;
      const y = parseAnd();
      if (!y) return undefined;
      x = { op: 'or', x, y };
    }
    return x;
  };
  const parseAnd = (): Expr | undefined => {
    let x = parseNot();
    while (x && peek() === '&&') {
      i++;
      const y = parseNot();
      if (!y) return undefined;
      x = { op: 'and', x, y };
    }
    return x;
  };
  const parseNot = (): Expr | undefined => {
    if (++size > MAX_EXPRESSION_SIZE) return undefined;
    const t = tokens[i++];
    if (t === undefined) return undefined;
    if (t === '!') {
      const x = parseNot();
      return x && { op: 'not', x };
    }
    if (t === '(') {
      const x = parseOr();
      if (tokens[i++] !== ')') return undefined;
      return x;
    }
    if (!/^[\w.]+$/.test(t)) return undefined;
    return { op: 'tag', tag: t };
  };
  const expr = parseOr();
  return expr && i === tokens.length ? expr : undefined;
}
