// The gohazard.* settings, changed as a user changes them (user settings), take effect on open files
// without a restart, and their removal brings the defaults back.
import * as vscode from 'vscode';
import { HazardRow, allRows, cleanFiles, familyOf, hazardFiles } from '../e2e/hazards';
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

  /**
   * Waits until every hazard file shows exactly the rows it shows with the rules `off` says off (a row
   * merged into an off rule's diagnostic shows on its own), each rewritten by `rewrite`.
   */
  async function expectRows(off: (rule: string) => boolean, what: string, rewrite: (row: HazardRow) => HazardRow = (r) => r): Promise<void> {
    const shown = hazardFiles(off);
    for (const file of hazardFiles().keys()) await waitForExactly(docs.get(file)!, (shown.get(file) ?? []).map(rewrite), what);
  }

  for (const rule of new Set(allRows.map((r) => r.rule))) {
    it(`"gohazard.rules": {"${rule}": "off"} removes ${rule} only`, async () => {
      await restorer.setting('gohazard', 'rules', { [rule]: 'off' });
      await expectRows((r) => r === rule, `${rule} off`);
    });
  }

  for (const family of new Set(allRows.map((r) => familyOf(r.rule)))) {
    it(`"gohazard.rules": {"${family}/*": "off"} removes the ${family} family`, async () => {
      await restorer.setting('gohazard', 'rules', { [`${family}/*`]: 'off' });
      await expectRows((r) => familyOf(r) === family, `${family}/* off`);
    });

    const first = allRows.find((r) => familyOf(r.rule) === family)!;
    it(`a rule id wins over its family: {"${family}/*": "off", "${first.rule}": "error"}`, async () => {
      await restorer.setting('gohazard', 'rules', { [`${family}/*`]: 'off', [first.rule]: 'error' });
      await expectRows((r) => r !== first.rule && familyOf(r) === family, 'id over family', (r) => (r.rule === first.rule ? { ...r, severity: 'error' } : r));
    });
  }

  it('"gohazard.enable": false removes every diagnostic', async () => {
    await restorer.setting('gohazard', 'enable', false);
    await expectRows(() => true, 'disabled');
  });

  for (const file of hazardFiles().keys()) {
    it(`"gohazard.exclude": ["**/${file}"] silences ${file} only`, async () => {
      await restorer.setting('gohazard', 'exclude', [`**/${file}`]);
      for (const [other, rows] of hazardFiles()) await waitForExactly(docs.get(other)!, other === file ? [] : rows, `${file} excluded`);
    });
  }
});
