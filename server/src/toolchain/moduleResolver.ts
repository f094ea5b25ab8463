// Finds the go.mod that governs a file by walking up its directories, through a file reader the host
// hands in (Node fs, the VS Code file system API, or open editor buffers), with a per-directory cache.
import { parseGoMod } from './goMod';
import { ModuleFacts, WorkspaceFacts } from './fileVersion';
import { parseGoWork } from './goWork';
import { dirname, joinPath, normalizePath } from '../engine/paths';

export interface FileReader {
  /** The file's text, or undefined when it does not exist or cannot be read. */
  readFile(path: string): Promise<string | undefined>;
}

export class ModuleResolver {
  private readonly byDir = new Map<string, Promise<ModuleFacts | undefined>>();
  private readonly workByDir = new Map<string, Promise<{ path: string; text: string } | undefined>>();

  /**
   * Called whenever a go.mod is read (again), with its syntax problems (empty when there are none),
   * so that hosts can tell the user: the CLI on stderr, the language server in its log and on go.mod.
   */
  onGoModRead: ((goModPath: string, problems: readonly string[]) => void) | undefined;

  constructor(private readonly reader: FileReader) {}

  /** The current text of a go.mod (or any file), through the same reader. */
  readFile(path: string): Promise<string | undefined> {
    return this.reader.readFile(path);
  }

  moduleFor(filePath: string): Promise<ModuleFacts | undefined> {
    return this.lookup(dirname(filePath));
  }

  /** Forget what was read, e.g. after a go.mod changed, appeared or disappeared. */
  invalidate(): void {
    this.byDir.clear();
    this.workByDir.clear();
  }

  private lookup(dir: string): Promise<ModuleFacts | undefined> {
    let pending = this.byDir.get(dir);
    if (!pending) {
      pending = this.read(dir);
      this.byDir.set(dir, pending);
    }
    return pending;
  }

  private async read(dir: string): Promise<ModuleFacts | undefined> {
    const goModPath = joinPath(dir, 'go.mod');
    const text = await this.reader.readFile(goModPath);
    if (text !== undefined) {
      const facts = parseGoMod(text);
      this.onGoModRead?.(goModPath, facts.problems);
      return { goModPath, facts, workspace: await this.workspaceOf(dir) };
    }
    const parent = dirname(dir);
    return parent === dir ? undefined : this.lookup(parent);
  }

  /** The go.work at or above a module's directory, and whether it uses that module. */
  private async workspaceOf(moduleDir: string): Promise<WorkspaceFacts | undefined> {
    const found = await this.findGoWork(moduleDir);
    if (!found) return undefined;
    const facts = parseGoWork(found.text);
    const workDir = dirname(found.path);
    const includesModule = facts.uses.some((use) => normalizePath(joinPath(workDir, use)) === normalizePath(moduleDir));
    return { goWorkPath: found.path, facts, includesModule };
  }

  private findGoWork(dir: string): Promise<{ path: string; text: string } | undefined> {
    let pending = this.workByDir.get(dir);
    if (!pending) {
      pending = (async () => {
        const path = joinPath(dir, 'go.work');
        const text = await this.reader.readFile(path);
        if (text !== undefined) return { path, text };
        const parent = dirname(dir);
        return parent === dir ? undefined : this.findGoWork(parent);
      })();
      this.workByDir.set(dir, pending);
    }
    return pending;
  }
}
