// Generated Go sources: realistic code (loops, closures, goroutines, pools, string building) with a
// few hazards of every family, valid Go that `go vet` accepts, for the keystroke benchmark and as a
// corpus when no Go standard library is installed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const HEADER_IMPORTS = ['context', 'errors', 'fmt', 'sort', 'strings', 'sync', 'time'];

/** Templates with a hazard of some family; each returns the lines of one or two top-level declarations named with the suffix s. */
const hazardTemplates = [
  (s) => [
    `// processBatch${s} fans the items out to goroutines and collects the upper-cased results.`,
    `func processBatch${s}(items []string) []string {`,
    `\tvar mu sync.Mutex`,
    `\tvar wg sync.WaitGroup`,
    `\tout := []string{}`,
    `\tfor _, item := range items {`,
    `\t\twg.Add(1)`,
    `\t\tgo func() {`,
    `\t\t\tdefer wg.Done()`,
    `\t\t\tmu.Lock()`,
    `\t\t\tout = append(out, strings.ToUpper(item))`,
    `\t\t\tmu.Unlock()`,
    `\t\t}()`,
    `\t}`,
    `\twg.Wait()`,
    `\treturn out`,
    `}`,
  ],
  (s) => [
    `type record${s} struct {`,
    `\tid   int`,
    `\tname string`,
    `\ttags []string`,
    `}`,
    ``,
    `// describe renders the record as "id:name[tags]".`,
    `func (r *record${s}) describe() string {`,
    `\ts := ""`,
    `\tfor _, t := range r.tags {`,
    `\t\ts += t + ","`,
    `\t}`,
    `\treturn fmt.Sprintf("%d", r.id) + ":" + r.name + "[" + s + "]"`,
    `}`,
  ],
  (s) => [
    `// handlers${s} makes one greeting closure per name.`,
    `func handlers${s}(names []string) []func() string {`,
    `\tvar hs []func() string`,
    `\tfor _, n := range names {`,
    `\t\ths = append(hs, func() string { return "handler " + n })`,
    `\t}`,
    `\treturn hs`,
    `}`,
  ],
  (s) => [
    `// pointers${s} keeps a pointer per element.`,
    `func pointers${s}(xs []int) []*int {`,
    `\tvar ps []*int`,
    `\tfor _, x := range xs {`,
    `\t\tps = append(ps, &x)`,
    `\t}`,
    `\treturn ps`,
    `}`,
  ],
  (s) => [
    `// closeAll${s} closes every closer when it returns.`,
    `func closeAll${s}(cs []interface{ Close() error }) error {`,
    `\tfor _, c := range cs {`,
    `\t\tdefer c.Close()`,
    `\t}`,
    `\treturn nil`,
    `}`,
  ],
];

/** Ordinary code: loops, closures, switches, methods, without a hazard gohazard reports by default. */
const cleanTemplates = [
  (s) => [
    `// counter${s} is a goroutine-safe event counter.`,
    `type counter${s} struct {`,
    `\tmu     sync.Mutex`,
    `\tcounts map[string]int`,
    `}`,
    ``,
    `// add records n events of the given kind.`,
    `func (c *counter${s}) add(kind string, n int) {`,
    `\tc.mu.Lock()`,
    `\tdefer c.mu.Unlock()`,
    `\tif c.counts == nil {`,
    `\t\tc.counts = make(map[string]int)`,
    `\t}`,
    `\tc.counts[kind] += n`,
    `}`,
    ``,
    `// total sums every kind.`,
    `func (c *counter${s}) total() int {`,
    `\tc.mu.Lock()`,
    `\tdefer c.mu.Unlock()`,
    `\tn := 0`,
    `\tfor _, v := range c.counts {`,
    `\t\tn += v`,
    `\t}`,
    `\treturn n`,
    `}`,
  ],
  (s) => [
    `// digits${s} parses a decimal number, rejecting anything else.`,
    `func digits${s}(text string) (int, error) {`,
    `\tif text == "" {`,
    `\t\treturn 0, errors.New("empty input")`,
    `\t}`,
    `\tn := 0`,
    `\tfor i := 0; i < len(text); i++ {`,
    `\t\tc := text[i]`,
    `\t\tif c < '0' || c > '9' {`,
    `\t\t\treturn 0, fmt.Errorf("bad digit %q at %d", c, i)`,
    `\t\t}`,
    `\t\tn = n*10 + int(c-'0')`,
    `\t}`,
    `\treturn n, nil`,
    `}`,
  ],
  (s) => [
    `// stage${s} squares what arrives on in and closes out when in is drained.`,
    `func stage${s}(in <-chan int) <-chan int {`,
    `\tout := make(chan int, 16)`,
    `\tgo func() {`,
    `\t\tdefer close(out)`,
    `\t\tfor v := range in {`,
    `\t\t\tout <- v * v`,
    `\t\t}`,
    `\t}()`,
    `\treturn out`,
    `}`,
  ],
  (s) => [
    `// longest${s} returns the longest line and its index.`,
    `func longest${s}(lines []string) (string, int) {`,
    `\tbest, at := "", -1`,
    `\tfor i, line := range lines {`,
    `\t\tif trimmed := strings.TrimSpace(line); len(trimmed) > len(best) {`,
    `\t\t\tbest, at = trimmed, i`,
    `\t\t}`,
    `\t}`,
    `\treturn best, at`,
    `}`,
  ],
  (s, k) => [
    `// sum${s} adds the non-negative values, scaled.`,
    `func sum${s}(values []int) int {`,
    `\ttotal := 0`,
    `\tfor i := 0; i < len(values); i++ {`,
    `\t\tif values[i] < 0 {`,
    `\t\t\tcontinue`,
    `\t\t}`,
    `\t\ttotal += values[i] * ${k % 7 + 1}`,
    `\t}`,
    `\treturn total`,
    `}`,
  ],
  (s) => [
    `var bufPool${s} = sync.Pool{New: func() any { return new(strings.Builder) }}`,
    ``,
    `// render${s} joins the parts with a pooled builder.`,
    `func render${s}(parts []string) string {`,
    `\tb := bufPool${s}.Get().(*strings.Builder)`,
    `\tb.Reset()`,
    `\tfor _, p := range parts {`,
    `\t\tb.WriteString(p)`,
    `\t}`,
    `\tresult := b.String()`,
    `\tbufPool${s}.Put(b)`,
    `\treturn result`,
    `}`,
  ],
  (s) => [
    `// poll${s} counts even ticks until the context ends or the channel closes.`,
    `func poll${s}(ctx context.Context, ticks <-chan time.Time) (int, error) {`,
    `\tn := 0`,
    `\tfor {`,
    `\t\tselect {`,
    `\t\tcase <-ctx.Done():`,
    `\t\t\treturn n, ctx.Err()`,
    `\t\tcase t, ok := <-ticks:`,
    `\t\t\tif !ok {`,
    `\t\t\t\treturn n, errors.New("ticks closed")`,
    `\t\t\t}`,
    `\t\t\tif t.Unix()%2 == 0 {`,
    `\t\t\t\tn++`,
    `\t\t\t}`,
    `\t\t}`,
    `\t}`,
    `}`,
  ],
  (s) => [
    `// sortByLen${s} orders the strings by length, shortest first.`,
    `func sortByLen${s}(xs []string) {`,
    `\tsort.Slice(xs, func(a, b int) bool {`,
    `\t\treturn len(xs[a]) < len(xs[b])`,
    `\t})`,
    `}`,
  ],
  (s) => [
    `// classify${s} names the class of an HTTP-like status code.`,
    `func classify${s}(code int) string {`,
    `\tswitch {`,
    `\tcase code < 200:`,
    `\t\treturn "informational"`,
    `\tcase code < 300:`,
    `\t\treturn "success"`,
    `\tcase code < 400:`,
    `\t\treturn "redirect"`,
    `\tcase code < 500:`,
    `\t\treturn "client error"`,
    `\tdefault:`,
    `\t\treturn "server error"`,
    `\t}`,
    `}`,
  ],
  (s) => [
    `// index${s} maps each word to the positions where it occurs.`,
    `func index${s}(words []string) map[string][]int {`,
    `\tpositions := make(map[string][]int, len(words))`,
    `\tfor i, w := range words {`,
    `\t\tkey := strings.ToLower(strings.TrimSpace(w))`,
    `\t\tif key == "" {`,
    `\t\t\tcontinue`,
    `\t\t}`,
    `\t\tpositions[key] = append(positions[key], i)`,
    `\t}`,
    `\treturn positions`,
    `}`,
  ],
];

/** A Go file of package pkg with about `lines` lines (exactly, when exact is set); names carry tag. */
export function goFile(pkg, lines, tag = '', exact = false) {
  const out = [`// Code generated by gohazard's benchmark; realistic shapes, a few hazards.`, ``, `package ${pkg}`, ``, `import (`];
  for (const imp of HEADER_IMPORTS) out.push(`\t"${imp}"`);
  out.push(`)`, ``);
  // Every import is used even when few templates fit.
  out.push(`var _ = context.Background`, `var _ = errors.New`, `var _ = fmt.Sprint`, `var _ = sort.Ints`, `var _ = strings.ToUpper`, `var _ sync.Mutex`, `var _ = time.Now`, ``);
  // One declaration in four has a hazard: a file with some findings, like real code, not only findings.
  for (let i = 0; ; i++) {
    const template = i % 4 === 3 ? hazardTemplates[((i - 3) / 4) % hazardTemplates.length] : cleanTemplates[(i - Math.floor(i / 4)) % cleanTemplates.length];
    const block = template(`${tag}_${i}`, i);
    if (out.length + block.length + 1 > lines) break;
    out.push(...block, ``);
  }
  if (exact) while (out.length < lines) out.push(`// padding ${out.length + 1}`);
  return `${out.join('\n')}\n`;
}

/** A go 1.21 module of dirs packages with files files of about linesPerFile lines each; returns its root. */
export function writeCorpus(root, { dirs, files, linesPerFile }) {
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'go.mod'), 'module bench.example/corpus\n\ngo 1.21\n');
  for (let d = 0; d < dirs; d++) {
    const pkg = `p${String(d).padStart(3, '0')}`;
    mkdirSync(join(root, pkg), { recursive: true });
    for (let f = 0; f < files; f++) writeFileSync(join(root, pkg, `f${f}.go`), goFile(pkg, linesPerFile, `f${f}`));
  }
  return root;
}
