// Benchmark: how analysis cost grows with the size of one file. Each shape of generated Go (many
// functions, closures nested deep, a long const block, a long function, a big switch) is analysed in
// this process at two sizes, n and 4n, with every rule and the escape model on everything (escape scope
// `all`); the figure is the ratio of the two CPU times, 4 when the cost is linear. A cost that grows with
// the square of the size gives 16: what fuzzing found twice (seed 20261207: nested closures cost cubic
// parent walks, #72524; one diagnostic per problem compared every subject with every other, #76698).
// The baseline, in the same run: parsing the same texts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { removeLater } from './lib/cleanup.mjs';
import { engine } from './lib/engine.mjs';
import { cpuNow } from './lib/proc.mjs';
import { median } from './lib/stats.mjs';

/** Generated sources by shape: each gives the text of a file of package p at size n. */
const shapes = {
  // A loop variable captured by a goroutine in every function (go1.21): a finding, a merged
  // explanation and escape facts for each.
  functions: {
    n: 1000,
    text: (n) => body(n, (i) => `func f${i}(xs []int) {\n\tfor _, x := range xs {\n\t\tgo func() { println(x) }()\n\t}\n}\n`),
  },
  closures: {
    n: 20,
    text: (n) => `package p\n\nfunc f(xs []int) {\n\tfor _, x := range xs {\n${'\t\tfunc() {\n'.repeat(n)}\t\t\tprintln(x)\n${'\t\t}()\n'.repeat(n)}\t}\n}\n`,
  },
  constants: {
    n: 3000,
    text: (n) => `package p\n\nconst (\n\tc0 = 1 << iota\n${Array.from({ length: n - 1 }, (_, i) => `\tc${i + 1}\n`).join('')})\n\nfunc use() int { return c${n - 1} }\n`,
  },
  statements: {
    n: 800,
    text: (n) => `package p\n\nimport "fmt"\n\nfunc f(xs []int) []string {\n\tvar s []string\n\tfor i := range xs {\n${Array.from({ length: n }, (_, k) => `\t\ts = append(s, fmt.Sprint(i+${k}))\n`).join('')}\t}\n\treturn s\n}\n`,
  },
  cases: {
    n: 1000,
    text: (n) => `package p\n\nimport "os"\n\nfunc f(names []string) {\n\tfor _, name := range names {\n\t\tswitch name {\n${Array.from({ length: n }, (_, k) => `\t\tcase "n${k}":\n\t\t\tfile, _ := os.Open(name)\n\t\t\tdefer file.Close()\n`).join('')}\t\t}\n\t}\n}\n`,
  },
};

function body(n, decl) {
  return `package p\n\n${Array.from({ length: n }, (_, i) => decl(i)).join('\n')}`;
}

export async function scalingBench({ runs = 3, only } = {}) {
  const { Project } = engine('engine/project.js');
  const { GoDocument } = engine('engine/document.js');
  const { AnalysisCache } = engine('engine/analyzer.js');
  const { loadGrammar, nodeFileHost, toEnginePath } = engine('node/nodeHost.js');
  const { allRules } = engine('rules/index.js');
  const project = new Project(await loadGrammar(), allRules, nodeFileHost, (rule, error) => {
    throw new Error(`rule ${rule} threw: ${error?.stack ?? error}`);
  });
  const dir = removeLater(mkdtempSync(join(tmpdir(), 'gohazard-bench-scaling-')));
  writeFileSync(join(dir, 'go.mod'), 'module bench.example/scaling\n\ngo 1.21\n');
  const path = toEnginePath(join(dir, 'a.go'));
  const config = { rules: {}, escapeScope: 'all' };
  // A shape analysed in a few ms (closures at n = 20) is sampled until 250 ms of CPU time: its median of
  // 3 moved between 1.9 and 6.9 ms from run to run, and the ratio with it.
  const measure = (fn) => {
    fn();
    const samples = [];
    let spent = 0;
    while (samples.length < runs || (spent < 250 && samples.length < 200)) {
      const before = cpuNow();
      fn();
      samples.push(cpuNow() - before);
      spent += samples[samples.length - 1];
    }
    return median(samples);
  };
  const out = { runs, shapes: [] };
  try {
    for (const [name, shape] of Object.entries(shapes)) {
      if (only && !only.includes(name)) continue;
      const sizes = [shape.n, 4 * shape.n].map((n) => ({ n, text: shape.text(n) }));
      const row = { name, sizes: [] };
      for (const { n, text } of sizes) {
        const facts = await project.facts(path, text, undefined, config);
        let findings = 0;
        const parseMs = measure(() => new GoDocument(project.grammar, text).dispose());
        const analysisMs = measure(() => {
          const doc = new GoDocument(project.grammar, text);
          try {
            findings = project.analyzer.analyze(doc, facts, config, new AnalysisCache()).findings.length;
          } finally {
            doc.dispose();
          }
        });
        row.sizes.push({ n, chars: text.length, parseMs, analysisMs, findings });
      }
      const [small, large] = row.sizes;
      row.growth = large.analysisMs / small.analysisMs;
      row.parseGrowth = large.parseMs / small.parseMs;
      out.shapes.push(row);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).toString()) {
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1].split(',') : undefined;
  const result = await scalingBench({ only });
  for (const r of result.shapes) {
    const [a, b] = r.sizes;
    console.log(`${r.name.padEnd(11)} n ${String(a.n).padStart(5)}: ${a.analysisMs.toFixed(0).padStart(6)} ms (parse ${a.parseMs.toFixed(0)} ms, ${a.findings} findings)  4n: ${b.analysisMs.toFixed(0).padStart(6)} ms (parse ${b.parseMs.toFixed(0)} ms)  growth ${r.growth.toFixed(1)}× (parse ${r.parseGrowth.toFixed(1)}×)`);
  }
}
