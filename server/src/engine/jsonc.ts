// JSON with comments, as VS Code's settings and tsconfig.json have it: `//` and `/* */` comments and
// trailing commas are allowed. The tree keeps every value's offsets so that a problem in a
// configuration file can be reported on its key or value. Nesting is bounded, so a hostile file cannot
// exhaust the stack.

export type JsonValue =
  | { kind: 'object'; start: number; end: number; members: JsonMember[] }
  | { kind: 'array'; start: number; end: number; items: JsonValue[] }
  | { kind: 'string'; start: number; end: number; value: string }
  | { kind: 'number'; start: number; end: number; value: number }
  | { kind: 'boolean'; start: number; end: number; value: boolean }
  | { kind: 'null'; start: number; end: number };

export interface JsonMember {
  key: string;
  keyStart: number;
  keyEnd: number;
  value: JsonValue;
}

export interface JsonSyntaxError {
  message: string;
  start: number;
  end: number;
}

const MAX_DEPTH = 128;

export function parseJsonc(text: string): { value: JsonValue } | { error: JsonSyntaxError } {
  const parser = new Parser(text);
  try {
    parser.skipTrivia();
    const value = parser.value(0);
    parser.skipTrivia();
    if (parser.at < text.length) parser.fail('unexpected text after the end of the value');
    return { value };
  } catch (error) {
    if (error instanceof SyntaxFailure) return { error: error.detail };
    throw error;
  }
}

class SyntaxFailure extends Error {
  constructor(readonly detail: JsonSyntaxError) {
    super(detail.message);
  }
}

class Parser {
  at = 0;

  constructor(private readonly text: string) {}

  fail(message: string, start = this.at, end = Math.min(start + 1, this.text.length)): never {
    throw new SyntaxFailure({ message, start, end: Math.max(end, start) });
  }

  skipTrivia(): void {
    const t = this.text;
    while (this.at < t.length) {
      const c = t[this.at];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\ufeff') this.at++;
      else if (t.startsWith('//', this.at)) {
        const eol = t.indexOf('\n', this.at);
        this.at = eol < 0 ? t.length : eol + 1;
      } else if (t.startsWith('/*', this.at)) {
        const close = t.indexOf('*/', this.at + 2);
        if (close < 0) this.fail('unterminated /* comment', this.at, this.at + 2);
        this.at = close + 2;
      } else return;
    }
  }

  value(depth: number): JsonValue {
    if (depth > MAX_DEPTH) this.fail(`values nested more than ${MAX_DEPTH} levels deep`);
    const t = this.text;
    const start = this.at;
    const c = t[this.at];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return { kind: 'string', start, value: this.string(), end: this.at };
    if (c === '-' || (c >= '0' && c <= '9')) {
      const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(t.slice(this.at, this.at + 400));
      if (!m) this.fail('invalid number');
      this.at += m[0].length;
      return { kind: 'number', start, end: this.at, value: Number(m[0]) };
    }
    for (const [word, node] of [
      ['true', { kind: 'boolean', value: true }],
      ['false', { kind: 'boolean', value: false }],
      ['null', { kind: 'null' }],
    ] as const) {
      if (t.startsWith(word, this.at)) {
        this.at += word.length;
        return { ...node, start, end: this.at } as JsonValue;
      }
    }
    if (this.at >= t.length) this.fail('unexpected end of file: a value is missing', Math.max(0, t.length - 1), t.length);
    return this.fail('expected a value (an object, array, string, number, true, false or null)');
  }

  private object(depth: number): JsonValue {
    const start = this.at++;
    const members: JsonMember[] = [];
    for (;;) {
      this.skipTrivia();
      if (this.text[this.at] === '}') break;
      if (this.text[this.at] !== '"') this.fail(this.at >= this.text.length ? 'unexpected end of file: } is missing' : 'expected a "key" or }');
      const keyStart = this.at;
      const key = this.string();
      const keyEnd = this.at;
      this.skipTrivia();
      if (this.text[this.at] !== ':') this.fail(`expected : after "${key}"`);
      this.at++;
      this.skipTrivia();
      members.push({ key, keyStart, keyEnd, value: this.value(depth + 1) });
      this.skipTrivia();
      if (this.text[this.at] === ',') this.at++;
      else if (this.text[this.at] !== '}') this.fail(this.at >= this.text.length ? 'unexpected end of file: } is missing' : 'expected , or }');
    }
    this.at++;
    return { kind: 'object', start, end: this.at, members };
  }

  private array(depth: number): JsonValue {
    const start = this.at++;
    const items: JsonValue[] = [];
    for (;;) {
      this.skipTrivia();
      if (this.text[this.at] === ']') break;
      items.push(this.value(depth + 1));
      this.skipTrivia();
      if (this.text[this.at] === ',') this.at++;
      else if (this.text[this.at] !== ']') this.fail(this.at >= this.text.length ? 'unexpected end of file: ] is missing' : 'expected , or ]');
    }
    this.at++;
    return { kind: 'array', start, end: this.at, items };
  }

  /** A string literal at this.at, with JSON's escapes; leaves this.at after the closing quote. */
  private string(): string {
    const t = this.text;
    const start = this.at++;
    let out = '';
    for (;;) {
      if (this.at >= t.length) this.fail('unterminated string', start, t.length);
      const c = t[this.at];
      if (c === '"') {
        this.at++;
        return out;
      }
      if (c === '\n' || c === '\r') this.fail('unterminated string (a line break inside a string must be written \\n)', start, this.at);
      if (c !== '\\') {
        out += c;
        this.at++;
        continue;
      }
      const e = t[this.at + 1];
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (e !== undefined && e in simple) {
        out += simple[e];
        this.at += 2;
      } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(t.slice(this.at + 2, this.at + 6))) {
        out += String.fromCharCode(parseInt(t.slice(this.at + 2, this.at + 6), 16));
        this.at += 6;
      } else this.fail('invalid escape in a string', this.at, this.at + 2);
    }
  }
}
