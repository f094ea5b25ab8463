// The gohazard.* settings, changed as a user changes them (user settings), take effect on open files
// without a restart, and their removal brings the defaults back.
import * as vscode from 'vscode';
import { HazardRow, cleanFiles, familyOf, hazardFiles, hazards } from '../e2e/hazards';
import { Restorer, openAllAndSettle, waitForExactly } from './helpers';

describe('settings', () => {
  const restorer = new Restorer();
  let docs: Map<string, vscode.TextDocument>;

  before(async () => {
    docs = await openAllAndSettle(cleanFiles);
  });
  afterEach(async () => {
    await restorer.restore();
    for (const [file, rows] of hazardFiles()) await waitForExactly(docs.get(file)!, rows, 'settings restored');
  });

  /** Waits until every hazard file shows exactly the rows that `keep` keeps (rows may be rewritten). */
  async function expectRows(keep: (row: HazardRow) => HazardRow | undefined, what: string): Promise<void> {
    for (const [file, rows] of hazardFiles()) {
      await waitForExactly(docs.get(file)!, rows.map(keep).filter((r): r is HazardRow => r !== undefined), what);
    }
  }

  for (const rule of new Set(hazards.map((r) => r.rule))) {
    it(`"gohazard.rules": {"${rule}": "off"} removes ${rule} only`, async () => {
      await restorer.setting('gohazard', 'rules', { [rule]: 'off' });
      await expectRows((r) => (r.rule === rule ? undefined : r), `${rule} off`);
    });
  }

  for (const family of new Set(hazards.map((r) => familyOf(r.rule)))) {
    it(`"gohazard.rules": {"${family}/*": "off"} removes the ${family} family`, async () => {
      await restorer.setting('gohazard', 'rules', { [`${family}/*`]: 'off' });
      await expectRows((r) => (familyOf(r.rule) === family ? undefined : r), `${family}/* off`);
    });

    const first = hazards.find((r) => familyOf(r.rule) === family)!;
    it(`a rule id wins over its family: {"${family}/*": "off", "${first.rule}": "error"}`, async () => {
      await restorer.setting('gohazard', 'rules', { [`${family}/*`]: 'off', [first.rule]: 'error' });
      await expectRows((r) => (r.rule === first.rule ? { ...r, severity: 'error' } : familyOf(r.rule) === family ? undefined : r), 'id over family');
    });
  }

  it('"gohazard.enable": false removes every diagnostic', async () => {
    await restorer.setting('gohazard', 'enable', false);
    await expectRows(() => undefined, 'disabled');
  });

  for (const file of hazardFiles().keys()) {
    it(`"gohazard.exclude": ["**/${file}"] silences ${file} only`, async () => {
      await restorer.setting('gohazard', 'exclude', [`**/${file}`]);
      await expectRows((r) => (r.file === file ? undefined : r), `${file} excluded`);
    });
  }
});
