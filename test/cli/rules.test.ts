// `gohazard rules` and `gohazard explain`: every rule of the registry, documented from the command line.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Project } from '../../server/src/engine/project';
import { cliPath, newProject, repoRoot } from '../helpers';

function run(args: string[]) {
  const r = spawnSync(process.execPath, [cliPath, ...args], { cwd: repoRoot, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('gohazard rules and explain', () => {
  let project: Project;
  before(async () => {
    project = await newProject();
  });

  it('rules --format json lists every rule of the registry with its default severity and family', () => {
    const r = run(['rules', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const listed = JSON.parse(r.stdout).rules as { id: string; family: string; defaultSeverity: string; kind: string; summary: string; docs: string }[];
    assert.deepEqual(
      listed.map((x) => [x.id, x.defaultSeverity, x.kind, x.summary]),
      project.analyzer.docs.map((d) => [d.id, d.defaultSeverity, d.kind, d.summary]),
    );
    assert.ok(project.analyzer.rules.every((rule) => listed.some((x) => x.id === rule.id)));
    for (const x of listed) assert.equal(x.family, x.id.split('/')[0]);
    const text = run(['rules']).stdout.split('\n');
    assert.equal(text.filter((l) => /^[a-z]+\/[a-z-]+ /.test(l)).length, listed.length);
  });

  it('explain prints the help, the example and its fix, and the documentation link', () => {
    const r = run(['explain', 'loopvar/capture']);
    assert.equal(r.code, 0, r.stderr);
    const doc = project.analyzer.docs.find((d) => d.id === 'loopvar/capture')!;
    assert.match(r.stdout, new RegExp(`^loopvar/capture \\(default severity ${doc.defaultSeverity}, family loopvar\\)$`, 'm'));
    assert.match(r.stdout, /Example \(in a module at go 1\.21\), reported:\n\n {4}package example\n/);
    assert.match(r.stdout, /Fixed, not reported:\n[^]* {8}name := name\n/);
    assert.match(r.stdout, /Documentation: https:\/\/github\.com\/gohazard\/gohazard\/blob\/main\/docs\/rules\/loopvar\/capture\.md\n$/);
    assert.equal(run(['explain', 'capture']).stdout, r.stdout, 'a rule name alone is enough when it is unique');
  });

  it('explain exits 2 with a "did you mean" for unknown rules', () => {
    const r = run(['explain', 'loopvar/captur']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'gohazard: unknown rule "loopvar/captur"; did you mean loopvar/capture?\n');
    assert.match(run(['explain', 'nothing-like-it-at-all']).stderr, /unknown rule "nothing-like-it-at-all"; gohazard rules lists them all/);
    assert.equal(run(['explain']).code, 2);
  });
});
