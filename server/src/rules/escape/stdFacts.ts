// What gohazard knows about standard-library functions and types without reading their source:
// signatures (to type call results and to know which parameters are interfaces), how each
// parameter escapes, and which small constructors the compiler inlines so that their allocation
// happens at the call site.
//
// Escape tags are gc's own, as go1.26 prints them when compiling std with -m ("leaking param: x",
// "leaking param content: x", "leaking param: x to result ~r0 level=0", "x does not escape");
// scripts/eval-escape.mjs cross-checks this table against the installed toolchain's std report.
//   heap     the argument's value flows to the heap: whatever it points to escapes, and a value
//            converted to an interface for this parameter is boxed on the heap
//   content  what the argument points to flows to the heap (the argument itself does not)
//   result   the argument flows to the first result (the result aliases it)
//   resultContent  what the argument points to flows to the first result ("to result ~r0
//            level=1": strings.Join returns one of the strings, not the slice)
// A parameter without a tag does not escape. Variadic tags apply to every element.
import {
  ERROR_TYPE,
  GoType,
  NamedType,
  UNKNOWN,
  basic,
  predeclaredType,
  stdNamed,
} from './goTypes';

export type Leak = 'heap' | 'content' | 'result' | 'resultContent';

/**
 * An allocation a small std function makes at the call site once inlined. `append` ones store
 * into the receiver's buffer through its pointer, so they always escape.
 */
export interface InlineAlloc {
  text: string;
  /** Parameters that flow into the allocation. */
  from: number[];
  sinceToolchain?: number;
  /** gc's inlining cost: above 20, very large callers do not inline it. */
  cost: number;
  kind?: 'append';
  /**
   * fmt.Errorf since go1.26: the inlined errors.New runs only when nothing is formatted (no
   * arguments after the format and no % in it); otherwise the error is made inside fmt.
   */
  onlyWithoutFormatting?: boolean;
}

export interface StdFunc {
  params: GoType[];
  results: GoType[];
  variadic: boolean;
  leaks: (Leak | undefined)[];
  /** Receiver leak of a method (the receiver expression, or its address for pointer methods). */
  recvLeak?: Leak;
  /**
   * The call is inlined and allocates at the call site (gc prints this text there): the result
   * points to the allocation, and the parameters listed flow into it.
   */
  inlineAlloc?: InlineAlloc;
  /** For functions of the package's other files that gc inlines: their allocations. */
  inlined?: import('./packageFacts').InlineSummary;
  /** For functions of the package's other files: see FuncTags.dv. */
  returnsConcrete?: boolean;
}

const IFACE: GoType = { kind: 'interface', empty: false };
const ANY: GoType = { kind: 'interface', empty: true };

// ---- signature text

/** Parses `(T1, ...T2) R` or `(T1) (R1, R2)`; type names may be std-qualified by import path. */
function parseSignature(text: string, pkg: string): { params: GoType[]; results: GoType[]; variadic: boolean } {
  const p = new TypeTextParser(text, pkg);
  const { types: params, variadic } = p.list();
  p.skipSpace();
  let results: GoType[] = [];
  if (p.peek() === '(') results = p.list().types;
  else if (!p.done()) results = [p.type()];
  return { params, results, variadic };
}

class TypeTextParser {
  private i = 0;
  constructor(
    private readonly s: string,
    private readonly pkg: string,
  ) {}

  done(): boolean {
    this.skipSpace();
    return this.i >= this.s.length;
  }

  peek(): string {
    return this.s[this.i];
  }

  skipSpace(): void {
    while (this.s[this.i] === ' ') this.i++;
  }

  expect(c: string): void {
    this.skipSpace();
    if (this.s[this.i] !== c) throw new Error(`stdFacts: expected ${c} at ${this.i} in ${this.s}`);
    this.i++;
  }

  list(): { types: GoType[]; variadic: boolean } {
    this.expect('(');
    const types: GoType[] = [];
    let variadic = false;
    this.skipSpace();
    while (this.s[this.i] !== ')') {
      this.skipSpace();
      if (this.s.startsWith('...', this.i)) {
        this.i += 3;
        variadic = true;
      }
      types.push(this.type());
      this.skipSpace();
      if (this.s[this.i] === ',') this.i++;
    }
    this.i++;
    return { types, variadic };
  }

  type(): GoType {
    this.skipSpace();
    const s = this.s;
    if (s[this.i] === '*') {
      this.i++;
      return { kind: 'pointer', elem: this.type() };
    }
    if (s.startsWith('[]', this.i)) {
      this.i += 2;
      return { kind: 'slice', elem: this.type() };
    }
    if (s[this.i] === '[') {
      const close = s.indexOf(']', this.i);
      const len = Number(s.slice(this.i + 1, close));
      this.i = close + 1;
      return { kind: 'array', len, elem: this.type() };
    }
    if (s.startsWith('map[', this.i)) {
      this.i += 4;
      const key = this.type();
      this.expect(']');
      return { kind: 'map', key, value: this.type() };
    }
    if (s.startsWith('func', this.i)) {
      this.i += 4;
      const { types: params, variadic } = this.list();
      this.skipSpace();
      let results: GoType[] = [];
      if (s[this.i] === '(') results = this.list().types;
      else if (this.i < s.length && s[this.i] !== ',' && s[this.i] !== ')') results = [this.type()];
      return { kind: 'func', params, results, variadic };
    }
    const m = /^[A-Za-z0-9_/.]+/.exec(s.slice(this.i));
    if (!m) throw new Error(`stdFacts: bad type at ${this.i} in ${s}`);
    this.i += m[0].length;
    return resolveTypeName(m[0], this.pkg);
  }
}

function resolveTypeName(name: string, pkg: string): GoType {
  const pre = predeclaredType(name);
  if (pre) return pre;
  if (name === 'error') return ERROR_TYPE;
  const at = name.lastIndexOf('.');
  const key = at < 0 ? `${pkg}.${name}` : name;
  const t = stdTypes.get(key);
  if (t) return t;
  return UNKNOWN;
}

// ---- types

function opaqueStruct(pkg: string, name: string, opts: { size?: number; direct?: boolean; hasPointers?: boolean; pointerMethods?: string[] } = {}): NamedType {
  return stdNamed(pkg, name, { kind: 'struct', fields: [] }, {
    opaque: { size: opts.size, align: 8, direct: opts.direct ?? false, hasPointers: opts.hasPointers },
    pointerMethods: opts.pointerMethods ? new Set(opts.pointerMethods) : undefined,
  });
}

const stdTypes = new Map<string, GoType>();

function defType(key: string, t: GoType | ((pkg: string, name: string) => GoType)): void {
  const at = key.lastIndexOf('.');
  const pkg = key.slice(0, at);
  const name = key.slice(at + 1);
  stdTypes.set(key, typeof t === 'function' ? t(pkg, name) : stdNamed(pkg, name, t));
}

const interfaces = [
  'io.Reader', 'io.Writer', 'io.Closer', 'io.ReadCloser', 'io.WriteCloser', 'io.ReadWriter', 'io.ReadWriteCloser',
  'io.ReaderAt', 'io.WriterAt', 'io.Seeker', 'io.ReadSeeker', 'io.ReadSeekCloser', 'io.WriteSeeker', 'io.ByteReader',
  'io.ByteScanner', 'io.ByteWriter', 'io.RuneReader', 'io.RuneScanner', 'io.StringWriter', 'io.ReaderFrom', 'io.WriterTo',
  'fmt.Stringer', 'fmt.State', 'fmt.Formatter', 'fmt.GoStringer', 'fmt.ScanState', 'hash.Hash', 'hash.Hash32',
  'hash.Hash64', 'context.Context', 'net.Conn', 'net.Listener', 'net.Addr', 'net.PacketConn', 'net/http.ResponseWriter',
  'net/http.Handler', 'net/http.RoundTripper', 'net/http.Flusher', 'sort.Interface', 'io/fs.FS', 'io/fs.File',
  'io/fs.FileInfo', 'io/fs.DirEntry', 'io/fs.ReadDirFile', 'os.Signal', 'reflect.Type', 'crypto/cipher.Block',
  'crypto/cipher.Stream', 'crypto/cipher.AEAD', 'crypto/cipher.BlockMode', 'crypto.Signer', 'crypto.Decrypter',
  'encoding.BinaryMarshaler', 'encoding.BinaryUnmarshaler', 'encoding.TextMarshaler', 'encoding.TextUnmarshaler',
  'encoding/json.Marshaler', 'encoding/json.Unmarshaler', 'encoding/binary.ByteOrder', 'encoding/binary.AppendByteOrder',
  'go/ast.Node', 'go/ast.Expr', 'go/ast.Stmt', 'go/ast.Decl', 'go/ast.Spec', 'go/types.Type', 'go/types.Object',
  'image.Image', 'image/color.Color', 'image/color.Model', 'runtime.Error', 'net.Error', 'math/rand.Source',
  'database/sql/driver.Value', 'testing.TB', 'flag.Value', 'log/slog.Handler', 'compress/flate.Resetter',
];
for (const key of interfaces) defType(key, IFACE);
defType('crypto.PublicKey', ANY);
defType('crypto.PrivateKey', ANY);

defType('time.Duration', basic('int64'));
defType('time.Month', basic('int'));
defType('time.Weekday', basic('int'));
defType('io/fs.FileMode', basic('uint32'));
defType('reflect.Kind', basic('uint'));
defType('net/http.Header', { kind: 'map', key: basic('string'), value: { kind: 'slice', elem: basic('string') } });
defType('net/url.Values', { kind: 'map', key: basic('string'), value: { kind: 'slice', elem: basic('string') } });
defType('encoding/json.RawMessage', { kind: 'slice', elem: basic('uint8') });
defType('net.IP', { kind: 'slice', elem: basic('uint8') });
defType('math/big.Word', basic('uint'));
defType('time.Time', (p, n) => opaqueStruct(p, n, { size: 24, hasPointers: true }));
defType('reflect.Value', (p, n) => opaqueStruct(p, n, { size: 24, hasPointers: true }));
defType('sync.Mutex', (p, n) => opaqueStruct(p, n, { size: 8, hasPointers: false, pointerMethods: ['Lock', 'Unlock', 'TryLock'] }));
defType('sync.RWMutex', (p, n) => opaqueStruct(p, n, { hasPointers: false, pointerMethods: ['Lock', 'Unlock', 'TryLock', 'RLock', 'RUnlock', 'TryRLock', 'RLocker'] }));
defType('sync.WaitGroup', (p, n) => opaqueStruct(p, n, { hasPointers: false, pointerMethods: ['Add', 'Done', 'Wait', 'Go'] }));
defType('sync.Once', (p, n) => opaqueStruct(p, n, { hasPointers: false, pointerMethods: ['Do'] }));
defType('sync.Pool', (p, n) => opaqueStruct(p, n, { hasPointers: true, pointerMethods: ['Get', 'Put'] }));
defType('sync.Map', (p, n) => opaqueStruct(p, n, { hasPointers: true, pointerMethods: ['Load', 'Store', 'LoadOrStore', 'LoadAndDelete', 'Delete', 'Swap', 'CompareAndSwap', 'CompareAndDelete', 'Range', 'Clear'] }));
defType('sync/atomic.Value', (p, n) => opaqueStruct(p, n, { size: 16, hasPointers: true, pointerMethods: ['Load', 'Store', 'Swap', 'CompareAndSwap'] }));
for (const a of ['Int32', 'Int64', 'Uint32', 'Uint64', 'Uintptr', 'Bool']) {
  defType(`sync/atomic.${a}`, (p, n) => opaqueStruct(p, n, { hasPointers: false, pointerMethods: ['Load', 'Store', 'Swap', 'CompareAndSwap', 'Add', 'And', 'Or'] }));
}
const bufferMethods = ['Write', 'WriteString', 'WriteByte', 'WriteRune', 'Read', 'ReadByte', 'ReadRune', 'ReadString', 'ReadBytes', 'ReadFrom', 'WriteTo', 'Reset', 'Grow', 'Truncate', 'Next', 'UnreadByte', 'UnreadRune', 'Bytes', 'String', 'Len', 'Cap', 'Available', 'AvailableBuffer'];
defType('bytes.Buffer', (p, n) => opaqueStruct(p, n, { hasPointers: true, pointerMethods: bufferMethods }));
defType('strings.Builder', (p, n) => opaqueStruct(p, n, { size: 32, hasPointers: true, pointerMethods: ['Write', 'WriteString', 'WriteByte', 'WriteRune', 'Reset', 'Grow', 'String', 'Len', 'Cap'] }));
for (const key of ['strings.Reader', 'bytes.Reader', 'io.SectionReader', 'bufio.Reader', 'bufio.Writer', 'bufio.Scanner', 'os.File', 'encoding/json.Encoder', 'encoding/json.Decoder', 'log.Logger', 'time.Timer', 'time.Ticker', 'time.Location', 'strings.Replacer', 'regexp.Regexp', 'net/http.Request', 'net/http.Client', 'net/http.Server', 'net/url.URL', 'testing.T', 'testing.B', 'testing.F']) {
  defType(key, (p, n) => opaqueStruct(p, n, { hasPointers: true }));
}

// ---- functions

const stdFuncs = new Map<string, StdFunc>();

/**
 * Declares a function or method: `pkg.Func` or `pkg.Type.Method`, a Go-like signature with
 * parameter types only, and tags by parameter index (`r` for the receiver).
 */
function def(key: string, signature: string, tags: Record<string, Leak> = {}, inlineAlloc?: StdFunc['inlineAlloc']): void {
  const pkg = packageOfKey(key);
  const { params, results, variadic } = parseSignature(signature, pkg);
  const leaks = params.map((_, i) => tags[String(i)]);
  stdFuncs.set(key, { params, results, variadic, leaks, recvLeak: tags.r, inlineAlloc });
}

function packageOfKey(key: string): string {
  // The package path is everything up to the first dot after the last slash.
  const slash = key.lastIndexOf('/');
  const dot = key.indexOf('.', slash + 1);
  return key.slice(0, dot);
}

// fmt: the variadic arguments are stored in the printer's interface slice: they leak.
for (const [name, sig] of [
  ['Sprintf', '(string, ...any) string'],
  ['Sprint', '(...any) string'],
  ['Sprintln', '(...any) string'],
  ['Printf', '(string, ...any) (int, error)'],
  ['Print', '(...any) (int, error)'],
  ['Println', '(...any) (int, error)'],
] as const) {
  def(`fmt.${name}`, sig, { [sig.startsWith('(string') ? '1' : '0']: 'heap' });
}
def('fmt.Fprintf', '(io.Writer, string, ...any) (int, error)', { 0: 'heap', 2: 'heap' });
def('fmt.Fprint', '(io.Writer, ...any) (int, error)', { 0: 'heap', 1: 'heap' });
def('fmt.Fprintln', '(io.Writer, ...any) (int, error)', { 0: 'heap', 1: 'heap' });
def('fmt.Appendf', '([]byte, string, ...any) []byte', { 0: 'result', 2: 'heap' });
def('fmt.Append', '([]byte, ...any) []byte', { 0: 'result', 1: 'heap' });
def('fmt.Appendln', '([]byte, ...any) []byte', { 0: 'result', 1: 'heap' });
def('fmt.Errorf', '(string, ...any) error', { 0: 'heap', 1: 'heap' }, { text: '&errors.errorString{...}', from: [0], sinceToolchain: 26, cost: 79, onlyWithoutFormatting: true });
def('fmt.Sscanf', '(string, string, ...any) (int, error)', { 2: 'heap' });
def('fmt.Sscan', '(string, ...any) (int, error)', { 1: 'heap' });
def('fmt.Sscanln', '(string, ...any) (int, error)', { 1: 'heap' });
def('fmt.Fscanf', '(io.Reader, string, ...any) (int, error)', { 0: 'heap', 2: 'heap' });
def('fmt.Fscan', '(io.Reader, ...any) (int, error)', { 0: 'heap', 1: 'heap' });

for (const name of ['Printf', 'Print', 'Println', 'Fatalf', 'Fatal', 'Fatalln', 'Panicf', 'Panic', 'Panicln']) {
  const sig = name.endsWith('f') ? '(string, ...any)' : '(...any)';
  const idx = name.endsWith('f') ? '1' : '0';
  def(`log.${name}`, sig, { [idx]: 'heap' });
  def(`log.Logger.${name}`, sig, { [idx]: 'heap', r: 'heap' });
}

def('errors.New', '(string) error', { 0: 'heap' }, { text: '&errors.errorString{...}', from: [0], cost: 6 });
def('errors.Is', '(error, error) bool', { 0: 'heap', 1: 'heap' });
def('errors.As', '(error, any) bool', { 0: 'heap', 1: 'heap' });
def('errors.Unwrap', '(error) error', { 0: 'heap' });
def('errors.Join', '(...error) error', { 0: 'heap' });

def('strconv.Itoa', '(int) string');
def('strconv.FormatInt', '(int64, int) string');
def('strconv.FormatUint', '(uint64, int) string');
def('strconv.FormatFloat', '(float64, byte, int, int) string');
def('strconv.FormatBool', '(bool) string');
def('strconv.Quote', '(string) string');
def('strconv.QuoteRune', '(rune) string');
def('strconv.QuoteToASCII', '(string) string');
def('strconv.AppendInt', '([]byte, int64, int) []byte', { 0: 'result' });
def('strconv.AppendUint', '([]byte, uint64, int) []byte', { 0: 'result' });
def('strconv.AppendFloat', '([]byte, float64, byte, int, int) []byte', { 0: 'result' });
def('strconv.AppendBool', '([]byte, bool) []byte', { 0: 'result' });
def('strconv.AppendQuote', '([]byte, string) []byte', { 0: 'result' });
def('strconv.AppendQuoteRune', '([]byte, rune) []byte', { 0: 'result' });
def('strconv.Atoi', '(string) (int, error)');
def('strconv.ParseInt', '(string, int, int) (int64, error)');
def('strconv.ParseUint', '(string, int, int) (uint64, error)');
def('strconv.ParseFloat', '(string, int) (float64, error)');
def('strconv.ParseBool', '(string) (bool, error)');
def('strconv.Unquote', '(string) (string, error)', { 0: 'result' });

def('sort.Slice', '(any, func(int, int) bool)', { 0: 'heap' });
def('sort.SliceStable', '(any, func(int, int) bool)', { 0: 'heap' });
def('sort.Sort', '(sort.Interface)', { 0: 'heap' });
def('sort.Stable', '(sort.Interface)', { 0: 'heap' });
def('sort.Strings', '([]string)');
def('sort.Ints', '([]int)');
def('sort.Float64s', '([]float64)');
def('sort.Search', '(int, func(int) bool) int');
def('sort.SearchInts', '([]int, int) int');
def('sort.SearchStrings', '([]string, string) int');

def('sync.Pool.Put', '(any)', { 0: 'heap', r: 'heap' });
def('sync.Pool.Get', '() any', { r: 'heap' });
def('sync/atomic.Value.Store', '(any)', { 0: 'heap', r: 'heap' });
def('sync/atomic.Value.Swap', '(any) any', { 0: 'heap', r: 'heap' });
def('sync/atomic.Value.CompareAndSwap', '(any, any) bool', { 1: 'heap', r: 'heap' });
def('sync/atomic.Value.Load', '() any', { r: 'heap' });

def('encoding/json.Marshal', '(any) ([]byte, error)', { 0: 'heap' });
def('encoding/json.MarshalIndent', '(any, string, string) ([]byte, error)', { 0: 'heap' });
def('encoding/json.Unmarshal', '([]byte, any) error', { 0: 'heap', 1: 'heap' });
def('encoding/json.Valid', '([]byte) bool');
def('encoding/json.Encoder.Encode', '(any) error', { 0: 'heap', r: 'content' });
def('encoding/json.Decoder.Decode', '(any) error', { 0: 'heap', r: 'heap' });
def('encoding/binary.Write', '(io.Writer, encoding/binary.ByteOrder, any) error', { 0: 'heap', 1: 'heap', 2: 'content' });
def('encoding/binary.Read', '(io.Reader, encoding/binary.ByteOrder, any) error', { 0: 'heap', 1: 'heap' });
def('encoding/binary.AppendUvarint', '([]byte, uint64) []byte', { 0: 'result' });
def('encoding/binary.AppendVarint', '([]byte, int64) []byte', { 0: 'result' });
def('encoding/binary.PutUvarint', '([]byte, uint64) int');
def('encoding/binary.PutVarint', '([]byte, int64) int');
def('encoding/hex.EncodeToString', '([]byte) string');
def('encoding/hex.DecodeString', '(string) ([]byte, error)');

def('reflect.ValueOf', '(any) reflect.Value', { 0: 'result' });
def('reflect.TypeOf', '(any) reflect.Type');
def('reflect.DeepEqual', '(any, any) bool', { 0: 'heap', 1: 'heap' });

def('time.AfterFunc', '(time.Duration, func()) *time.Timer', { 1: 'heap' });
def('time.Now', '() time.Time');
def('time.Since', '(time.Time) time.Duration');
def('time.Until', '(time.Time) time.Duration');
def('time.Unix', '(int64, int64) time.Time');
def('time.Duration.String', '() string');
def('time.Duration.Seconds', '() float64');
def('time.Duration.Milliseconds', '() int64');
def('time.Time.Unix', '() int64');
def('time.Time.UnixNano', '() int64');
def('time.Time.Sub', '(time.Time) time.Duration');
def('time.Time.Format', '(string) string');
def('context.WithValue', '(context.Context, any, any) context.Context', { 0: 'heap', 1: 'heap', 2: 'heap' });

for (const name of ['TrimSpace', 'ToUpper', 'ToLower', 'ToTitle']) def(`strings.${name}`, '(string) string', { 0: 'result' });
for (const name of ['Trim', 'TrimLeft', 'TrimRight', 'TrimPrefix', 'TrimSuffix']) def(`strings.${name}`, '(string, string) string', { 0: 'result' });
def('strings.Repeat', '(string, int) string', { 0: 'result' });
def('strings.Replace', '(string, string, string, int) string', { 0: 'result' });
def('strings.ReplaceAll', '(string, string, string) string', { 0: 'result' });
def('strings.Split', '(string, string) []string', { 0: 'heap' });
def('strings.SplitN', '(string, string, int) []string', { 0: 'heap' });
def('strings.Fields', '(string) []string', { 0: 'heap' });
def('strings.Join', '([]string, string) string', { 0: 'resultContent' });
def('strings.Cut', '(string, string) (string, string, bool)', { 0: 'result' });
for (const name of ['Contains', 'HasPrefix', 'HasSuffix', 'EqualFold', 'ContainsAny', 'ContainsRune']) def(`strings.${name}`, '(string, string) bool');
for (const name of ['Index', 'LastIndex', 'IndexAny', 'Count']) def(`strings.${name}`, '(string, string) int');
def('strings.Compare', '(string, string) int', { 0: 'heap', 1: 'heap' });
def('strings.IndexByte', '(string, byte) int');
def('strings.IndexRune', '(string, rune) int');
def('strings.NewReader', '(string) *strings.Reader', { 0: 'heap' }, { text: '&strings.Reader{...}', from: [0], cost: 9 });
def('strings.NewReplacer', '(...string) *strings.Replacer', { 0: 'heap' });
// Inlined since they were written with append; the append stores through the receiver pointer.
const builderAppend = (cost: number): InlineAlloc => ({ text: 'append', from: [], sinceToolchain: 26, cost, kind: 'append' });
def('strings.Builder.WriteString', '(string) (int, error)', { r: 'content' }, builderAppend(32));
def('strings.Builder.WriteByte', '(byte) error', { r: 'content' }, builderAppend(30));
def('strings.Builder.WriteRune', '(rune) (int, error)', { r: 'content' });
def('strings.Builder.Write', '([]byte) (int, error)', { r: 'content' }, builderAppend(32));
def('strings.Builder.String', '() string');
def('strings.Builder.Len', '() int');

def('bytes.TrimSpace', '([]byte) []byte', { 0: 'result' });
for (const name of ['ToUpper', 'ToLower']) def(`bytes.${name}`, '([]byte) []byte');
for (const name of ['TrimPrefix', 'TrimSuffix']) def(`bytes.${name}`, '([]byte, []byte) []byte', { 0: 'result' });
for (const name of ['Trim', 'TrimLeft', 'TrimRight']) def(`bytes.${name}`, '([]byte, string) []byte', { 0: 'result' });
def('bytes.Split', '([]byte, []byte) [][]byte', { 0: 'heap' });
def('bytes.Fields', '([]byte) [][]byte', { 0: 'heap' });
def('bytes.Cut', '([]byte, []byte) ([]byte, []byte, bool)', { 0: 'result' });
for (const name of ['Contains', 'Equal', 'HasPrefix', 'HasSuffix', 'EqualFold']) def(`bytes.${name}`, '([]byte, []byte) bool');
for (const name of ['Index', 'LastIndex', 'Count', 'Compare']) def(`bytes.${name}`, '([]byte, []byte) int');
def('bytes.IndexByte', '([]byte, byte) int');
def('bytes.NewReader', '([]byte) *bytes.Reader', { 0: 'heap' }, { text: '&bytes.Reader{...}', from: [0], cost: 9 });
def('bytes.NewBuffer', '([]byte) *bytes.Buffer', { 0: 'heap' }, { text: '&bytes.Buffer{...}', from: [0], cost: 5 });
def('bytes.NewBufferString', '(string) *bytes.Buffer', {}, { text: '&bytes.Buffer{...}', from: [], cost: 6 });
for (const name of ['Write', 'WriteString', 'WriteByte']) {
  def(`bytes.Buffer.${name}`, name === 'Write' ? '([]byte) (int, error)' : name === 'WriteString' ? '(string) (int, error)' : '(byte) error');
}
def('bytes.Buffer.WriteRune', '(rune) (int, error)', { r: 'content' });
def('bytes.Buffer.String', '() string');
def('bytes.Buffer.Len', '() int');

def('io.WriteString', '(io.Writer, string) (int, error)', { 0: 'heap', 1: 'heap' });
def('io.ReadFull', '(io.Reader, []byte) (int, error)', { 0: 'heap', 1: 'heap' });
def('io.Copy', '(io.Writer, io.Reader) (int64, error)', { 0: 'heap', 1: 'heap' });
def('io.ReadAll', '(io.Reader) ([]byte, error)', { 0: 'heap' });
def('io.NewSectionReader', '(io.ReaderAt, int64, int64) *io.SectionReader', { 0: 'heap' }, { text: '&io.SectionReader{...}', from: [0], cost: 31 });

def('unicode/utf8.AppendRune', '([]byte, rune) []byte', { 0: 'result' });
def('unicode/utf8.EncodeRune', '([]byte, rune) int');
def('unicode/utf8.DecodeRune', '([]byte) (rune, int)');
def('unicode/utf8.DecodeRuneInString', '(string) (rune, int)');
def('unicode/utf8.RuneLen', '(rune) int');
def('unicode/utf8.RuneCountInString', '(string) int');
def('unicode/utf8.ValidString', '(string) bool');

def('os.Open', '(string) (*os.File, error)', { 0: 'heap' });
def('os.Create', '(string) (*os.File, error)', { 0: 'heap' });
def('os.ReadFile', '(string) ([]byte, error)', { 0: 'heap' });
def('os.WriteFile', '(string, []byte, io/fs.FileMode) error', { 0: 'heap' });
def('os.Getenv', '(string) string', { 0: 'heap' });
def('os.File.Write', '([]byte) (int, error)', { r: 'content' });
def('os.File.Read', '([]byte) (int, error)', { r: 'content' });
def('os.File.WriteString', '(string) (int, error)', { r: 'content' });

def('bufio.NewReader', '(io.Reader) *bufio.Reader', { 0: 'heap' });
def('bufio.NewWriter', '(io.Writer) *bufio.Writer', { 0: 'heap' });
def('bufio.NewScanner', '(io.Reader) *bufio.Scanner', { 0: 'heap' }, { text: '&bufio.Scanner{...}', from: [0], cost: 9 });
def('bufio.Writer.Write', '([]byte) (int, error)', { 0: 'heap', r: 'content' });
def('bufio.Writer.WriteString', '(string) (int, error)', { 0: 'heap', r: 'content' });
def('bufio.Reader.Read', '([]byte) (int, error)', { 0: 'heap', r: 'content' });

// testing.T and testing.B print through fmt: the variadic arguments leak.
for (const t of ['T', 'B', 'F']) {
  for (const name of ['Log', 'Error', 'Fatal', 'Skip']) def(`testing.${t}.${name}`, '(...any)', { 0: 'heap', r: 'heap' });
  for (const name of ['Logf', 'Errorf', 'Fatalf', 'Skipf']) def(`testing.${t}.${name}`, '(string, ...any)', { 1: 'heap', r: 'heap' });
}
def('net/http.HandleFunc', '(string, func(net/http.ResponseWriter, *net/http.Request))', { 0: 'heap', 1: 'heap' });
def('path/filepath.Join', '(...string) string', { 0: 'result' });
def('path.Join', '(...string) string');
def('crypto/sha256.Sum256', '([]byte) [32]byte');

// ---- lookups

export function stdType(pkgPath: string, name: string): GoType | undefined {
  return stdTypes.get(`${pkgPath}.${name}`);
}

export function stdFunc(pkgPath: string, name: string): StdFunc | undefined {
  return stdFuncs.get(`${pkgPath}.${name}`);
}

/** A method of a std named type (value or pointer receiver alike). */
export function stdMethod(recv: NamedType, method: string): StdFunc | undefined {
  return recv.pkg ? stdFuncs.get(`${recv.pkg}.${recv.name}.${method}`) : undefined;
}

/** Every table entry, for the evaluation's cross-check against the compiler. */
export function stdFuncEntries(): [string, StdFunc][] {
  return [...stdFuncs];
}

export { IFACE as NONEMPTY_INTERFACE, ANY as EMPTY_INTERFACE };
