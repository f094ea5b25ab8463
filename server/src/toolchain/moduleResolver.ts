// Finds the go.mod that governs a file by walking up its directories, through a file reader the host
// hands in (Node fs, the VS Code file system API, or open editor buffers), with a per-directory cache.
import { parseGoMod } from './goMod';
import { ModuleFacts } from './fileVersion';
import { dirname, joinPath } from '../engine/paths';

export interface FileReader {
  /** The file's text, or undefined when it does not exist or cannot be read. */
  readFile(path: string): Promise<string | undefined>;
}

export class ModuleResolver {
  private readonly byDir = new Map<string, Promise<ModuleFacts | undefined>>();

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
    if (text !== undefined) return { goModPath, facts: parseGoMod(text) };
    const parent = dirname(dir);
    return parent === dir ? undefined : this.lookup(parent);
  }
}
