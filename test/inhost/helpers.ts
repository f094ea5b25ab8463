// What the in-editor tests share: the workspace and its files, gohazard's diagnostics as VS Code holds
// them, waiting for the language server (never asserting on time), and putting back what a test changed.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { HazardRow, SeverityName, coveredFamilies, familyOf, hazardFiles } from '../e2e/hazards';

export const EXTENSION_ID = 'gohazard.gohazard';
/** How long the server may take to react to anything; a wait that runs out is a failure. */
export const WAIT_MS = 30_000;

const severities: Record<SeverityName, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export function workspaceFolder(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'VS Code has no workspace folder open: start it on a copy of test/e2e/workspace');
  return folder.uri;
}

export function fileUri(relative: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceFolder(), ...relative.split('/'));
}

export async function openDocument(relative: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(fileUri(relative));
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

export function gohazardDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'gohazard');
}

/** gohazard's diagnostics of the families the table covers (see hazards.ts). */
export function checkedDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  const families = coveredFamilies();
  return gohazardDiagnostics(uri).filter((d) => families.has(familyOf(codeOf(d))));
}

export function codeOf(d: vscode.Diagnostic): string {
  return String(typeof d.code === 'object' ? d.code.value : d.code);
}

/** Polls until `probe` returns something other than undefined/false; the error says what never came. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, state?: () => string): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`waited ${WAIT_MS / 1000} s for ${what}${state ? `; now: ${state()}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A file's text, open or not (opening a document would tell the language server about it). */
export interface FileText {
  uri: vscode.Uri;
  getText(): string;
}

/** The range a row's diagnostic must have in a file with this text. */
export function expectedRange(text: string, row: Pick<HazardRow, 'file' | 'line' | 'range'>): vscode.Range {
  const lines = text.split('\n');
  for (let line = 0; line < lines.length; line++) {
    const at = lines[line].indexOf(row.line);
    if (at < 0) continue;
    const start = lines[line].indexOf(row.range, at);
    assert.ok(start >= 0, `hazards.ts: "${row.range}" is not on the line "${row.line}" of ${row.file}`);
    return new vscode.Range(line, start, line, start + row.range.length);
  }
  throw new Error(`hazards.ts: no line of ${row.file} contains "${row.line}"`);
}

export function matchesRow(file: FileText, d: vscode.Diagnostic, row: HazardRow): boolean {
  const related = (row.related ?? []).every((rel) => d.relatedInformation?.some((r) => r.location.uri.toString() === file.uri.toString() && r.location.range.isEqual(expectedRange(file.getText(), { ...rel, file: row.file })) && rel.message.test(r.message)));
  return codeOf(d) === row.rule && d.range.isEqual(expectedRange(file.getText(), row)) && row.message.test(d.message) && d.severity === severities[row.severity] && related;
}

export function describeDiagnostics(uri: vscode.Uri): string {
  const all = gohazardDiagnostics(uri);
  if (all.length === 0) return 'no gohazard diagnostics';
  return all
    .map((d) => `[${codeOf(d)} ${vscode.DiagnosticSeverity[d.severity]} ${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1}] ${d.message}`)
    .join('\n    ');
}

/**
 * Waits until `doc`'s gohazard diagnostics of the covered families are exactly `rows` (one each, nothing
 * else), as analysistest compares findings with `want` comments; returns them in the rows' order.
 */
/** Waits until the document's diagnostics of the covered families (or those `select` picks) are exactly `rows`. */
export function waitForExactly(doc: FileText, rows: readonly HazardRow[], what = '', select?: (d: vscode.Diagnostic) => boolean): Promise<vscode.Diagnostic[]> {
  const expected = rows.length === 0 ? 'no gohazard diagnostics' : rows.map((r) => `${r.rule} on "${r.line}"`).join(', ');
  return waitFor(
    `${vscode.workspace.asRelativePath(doc.uri)}${what ? ` (${what})` : ''}: ${expected}`,
    () => {
      const all = select ? gohazardDiagnostics(doc.uri).filter(select) : checkedDiagnostics(doc.uri);
      if (all.length !== rows.length) return undefined;
      const found = rows.map((row) => all.find((d) => matchesRow(doc, d, row)));
      return found.every((d) => d !== undefined) ? (found as vscode.Diagnostic[]) : undefined;
    },
    () => describeDiagnostics(doc.uri),
  );
}

export function fullRange(doc: vscode.TextDocument): vscode.Range {
  return new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length));
}

export async function setText(doc: vscode.TextDocument, text: string): Promise<void> {
  if (doc.getText() === text) return;
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, fullRange(doc), text);
  assert.ok(await vscode.workspace.applyEdit(edit), `VS Code refused to edit ${doc.uri.toString()}`);
}

export async function codeActions(doc: vscode.TextDocument, range: vscode.Range, kind: string): Promise<vscode.CodeAction[]> {
  const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', doc.uri, range, kind);
  return (actions ?? []).filter((a): a is vscode.CodeAction => 'kind' in a || 'edit' in a);
}

export async function applyAction(action: vscode.CodeAction): Promise<void> {
  assert.ok(action.edit, `the code action "${action.title}" carries no edit`);
  assert.ok(await vscode.workspace.applyEdit(action.edit), `VS Code refused the edit of "${action.title}"`);
  if (action.command) await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
}

/**
 * Puts the workspace back after a test: settings to their defaults, then every file to the text it had
 * on disk when the suite started (documents reverted and saved, so nothing stays dirty).
 */
export class Restorer {
  private readonly originals = new Map<string, Uint8Array>();
  private readonly settings: { section: string; key: string; languageId?: string }[] = [];

  private readonly created: string[] = [];

  /** A file or folder a test creates, deleted afterwards. */
  create(relative: string): vscode.Uri {
    this.created.push(relative);
    return fileUri(relative);
  }

  /** Remembers a file's text on disk before a test changes it. */
  async remember(relative: string): Promise<void> {
    if (!this.originals.has(relative)) this.originals.set(relative, await vscode.workspace.fs.readFile(fileUri(relative)));
  }

  /** Changes a setting for the whole user profile (a throw-away one in the test runs). */
  async setting(section: string, key: string, value: unknown, languageId?: string): Promise<void> {
    this.settings.push({ section, key, languageId });
    const config = vscode.workspace.getConfiguration(section, languageId ? { languageId } : undefined);
    await config.update(key, value, vscode.ConfigurationTarget.Global, languageId ? true : undefined);
  }

  async restore(): Promise<void> {
    for (const { section, key, languageId } of this.settings.splice(0).reverse()) {
      const config = vscode.workspace.getConfiguration(section, languageId ? { languageId } : undefined);
      await config.update(key, undefined, vscode.ConfigurationTarget.Global, languageId ? true : undefined);
    }
    for (const [relative, bytes] of this.originals) {
      const text = new TextDecoder().decode(bytes);
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === fileUri(relative).toString());
      if (open) {
        await setText(open, text);
        if (open.isDirty) await open.save();
      }
      const onDisk = new TextDecoder().decode(await vscode.workspace.fs.readFile(fileUri(relative)));
      if (onDisk !== text) await vscode.workspace.fs.writeFile(fileUri(relative), bytes);
    }
    for (const relative of this.created.splice(0)) await vscode.workspace.fs.delete(fileUri(relative), { recursive: true, useTrash: false });
  }
}

/** The table's rows for one file. */
export function rowsOf(file: string): HazardRow[] {
  return hazardFiles().get(file) ?? [];
}

/** Opens every file of the table (clean files first) and waits until each shows exactly its rows. */
export async function openAllAndSettle(cleanFiles: readonly string[]): Promise<Map<string, vscode.TextDocument>> {
  const docs = new Map<string, vscode.TextDocument>();
  for (const file of [...cleanFiles, ...hazardFiles().keys()]) docs.set(file, await openDocument(file));
  for (const [file, rows] of hazardFiles()) await waitForExactly(docs.get(file)!, rows);
  return docs;
}
