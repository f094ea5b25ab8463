// The project configuration file, `.gohazard.json` (JSON with comments), that a team commits so that
// the editor and CI agree. The file governing a Go file is the nearest one walking up from the file's
// directory to the repository root (the directory holding `.git`); outside any repository, up to the
// workspace folder (the language server) or the filesystem root (the CLI). Nearest wins; files are not
// merged with each other.
//
// One module for the CLI, the Node server and the browser server: files are read through the host, and
// every key is parsed and validated here. A key is a line in `projectKeys` (and a property of
// schemas/gohazard.schema.json, which a test holds to the same keys and values).
import { EngineConfig, EscapeScope, escapeScopes, FailOn, failOnValues, parseEscapeScope, severitySettings } from './config';
import { globToRegExp, matchesAny } from './glob';
import { JsonValue, parseJsonc } from './jsonc';
import type { IndexHost } from './packageIndex';
import { basename, dirname, joinPath, resolvePath } from './paths';
import { familyOf } from './rule';
import { SourceText } from './sourceText';
import type { Range, SeveritySetting } from './types';

export const PROJECT_CONFIG_NAME = '.gohazard.json';

/** The valid settings of one .gohazard.json. Paths in it are already resolved against its directory. */
export interface ProjectSettings {
  /** Severity per rule id or `family/*`, as gohazard.rules and --rule. */
  rules?: Record<string, SeveritySetting>;
  /** Globs of files not analysed, relative to the configuration file's directory. */
  exclude?: string[];
  escapeScope?: EscapeScope;
  /** A CPU profile, as an engine path. */
  profile?: string;
  /** gohazard scan's exit threshold. */
  failOn?: FailOn;
  /** gohazard scan's baseline file (as --baseline), as an engine path. */
  baseline?: string;
}

export interface ConfigProblem {
  severity: 'error' | 'warning';
  message: string;
  /** In the configuration file. */
  range: Range;
}

export interface ProjectConfig {
  /** Engine path of the .gohazard.json. */
  path: string;
  settings: ProjectSettings;
  problems: ConfigProblem[];
  /** settings.exclude, compiled. */
  excludeGlobs: RegExp[];
}

interface KeyContext {
  /** The configuration file's directory. */
  dir: string;
  knownRules: ReadonlySet<string>;
  problem(node: { start: number; end: number }, message: string, severity?: ConfigProblem['severity']): void;
}

type KeyParser<T> = (value: JsonValue, ctx: KeyContext) => T | undefined;

const describe = (value: JsonValue): string => (value.kind === 'string' ? `"${value.value}"` : value.kind);
const quoted = (values: readonly string[]): string => values.map((v) => `"${v}"`).join(', ');

function oneOf<T extends string>(key: string, allowed: readonly T[], parse: (v: unknown) => T | undefined = (v) => allowed.find((a) => a === v)): KeyParser<T> {
  return (value, ctx) => {
    const found = value.kind === 'string' ? parse(value.value) : undefined;
    if (found === undefined) ctx.problem(value, `${key} must be one of ${quoted(allowed)}, not ${describe(value)}`, 'error');
    return found;
  };
}

function parseRules(value: JsonValue, ctx: KeyContext): Record<string, SeveritySetting> | undefined {
  if (value.kind !== 'object') {
    ctx.problem(value, `rules must be an object of rule ids (or family/*) to ${quoted(severitySettings)}`, 'error');
    return undefined;
  }
  const families = new Set([...ctx.knownRules].map(familyOf));
  const rules: Record<string, SeveritySetting> = {};
  for (const member of value.members) {
    const keyNode = { start: member.keyStart, end: member.keyEnd };
    const family = member.key.endsWith('/*') ? member.key.slice(0, -2) : undefined;
    if (family !== undefined ? !families.has(family) : !ctx.knownRules.has(member.key)) {
      ctx.problem(keyNode, `unknown rule ${family !== undefined ? 'family' : 'id'} "${member.key}"`);
      continue;
    }
    const written = member.value;
    const severity = written.kind === 'string' ? severitySettings.find((s) => s === written.value) : undefined;
    if (severity === undefined) ctx.problem(member.value, `rules["${member.key}"] must be one of ${quoted(severitySettings)}, not ${describe(member.value)}`, 'error');
    else rules[member.key] = severity;
  }
  return rules;
}

function parseExclude(value: JsonValue, ctx: KeyContext): string[] | undefined {
  if (value.kind !== 'array') {
    ctx.problem(value, 'exclude must be an array of glob patterns (relative to this file\'s directory)', 'error');
    return undefined;
  }
  const globs: string[] = [];
  for (const item of value.items) {
    if (item.kind === 'string' && item.value.trim() !== '') globs.push(item.value.replace(/^\.\//, ''));
    else ctx.problem(item, `exclude holds glob patterns, not ${describe(item)}`, 'error');
  }
  return globs;
}

function parsePath(key: string): KeyParser<string> {
  return (value, ctx) => {
    if (value.kind === 'string' && value.value.trim() !== '') return resolvePath(ctx.dir, value.value);
    ctx.problem(value, `${key} must be a path (relative to this file's directory), not ${describe(value)}`, 'error');
    return undefined;
  };
}

/** Every key of .gohazard.json and how its value is read. */
const projectKeys: { [K in keyof Required<ProjectSettings>]: KeyParser<ProjectSettings[K]> } = {
  rules: parseRules,
  exclude: parseExclude,
  escapeScope: oneOf('escapeScope', escapeScopes, parseEscapeScope),
  profile: parsePath('profile'),
  failOn: oneOf('failOn', failOnValues),
  baseline: parsePath('baseline'),
};

export const projectConfigKeys = Object.keys(projectKeys) as (keyof ProjectSettings)[];

/** Reads one .gohazard.json: the valid settings, and a problem for everything else (never an exception). */
export function parseProjectConfig(path: string, text: string, knownRules: ReadonlySet<string>): ProjectConfig {
  const source = new SourceText(text);
  const problems: ConfigProblem[] = [];
  const problem = (node: { start: number; end: number }, message: string, severity: ConfigProblem['severity'] = 'warning') =>
    problems.push({ severity, message, range: { start: source.positionAt(node.start), end: source.positionAt(node.end) } });
  const settings: ProjectSettings = {};
  const parsed = parseJsonc(text);
  if ('error' in parsed) {
    problem(parsed.error, `${parsed.error.message}; gohazard ignores this file until it is valid JSON (comments and trailing commas are allowed)`, 'error');
  } else if (parsed.value.kind !== 'object') {
    problem(parsed.value, `${PROJECT_CONFIG_NAME} must hold an object such as { "rules": { "loopvar/*": "error" } }`, 'error');
  } else {
    const ctx: KeyContext = { dir: dirname(path), knownRules, problem };
    const seen = new Set<string>();
    for (const member of parsed.value.members) {
      const keyNode = { start: member.keyStart, end: member.keyEnd };
      if (seen.has(member.key)) problem(keyNode, `"${member.key}" appears twice; the last one counts`);
      seen.add(member.key);
      // Editors use $schema to find the schema; it says nothing to gohazard.
      if (member.key === '$schema') continue;
      if (!Object.hasOwn(projectKeys, member.key)) {
        problem(keyNode, `unknown key "${member.key}"; ${PROJECT_CONFIG_NAME} knows ${projectConfigKeys.join(', ')}`);
        continue;
      }
      const key = member.key as keyof ProjectSettings;
      const value = (projectKeys[key] as KeyParser<unknown>)(member.value, ctx);
      if (value === undefined) delete settings[key];
      else (settings as Record<string, unknown>)[key] = value;
    }
  }
  return { path, settings, problems, excludeGlobs: (settings.exclude ?? []).map(globToRegExp) };
}

/** Whether the configuration's exclude globs match a file (an engine path). */
export function isExcludedBy(config: ProjectConfig, path: string): boolean {
  const dir = dirname(config.path);
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return path.startsWith(prefix) && matchesAny(path.slice(prefix.length), config.excludeGlobs);
}

/**
 * The engine configuration of a file: the user's own settings (VS Code settings, command-line flags)
 * over the project file's, key by key. Rule maps merge entry by entry, the user's entry winning; then,
 * as always, a rule id wins over its family.
 */
export function withProjectSettings(user: EngineConfig, project: ProjectSettings | undefined): EngineConfig {
  if (!project) return user;
  return {
    ...user,
    rules: { ...project.rules, ...user.rules },
    escapeScope: user.escapeScope ?? project.escapeScope,
    profilePath: user.profilePath ?? project.profile,
  };
}

/**
 * Finds and caches the .gohazard.json of each directory. Directory listings and parsed files are kept
 * until invalidate() (the server calls it when a .gohazard.json changes on disk).
 */
export class ProjectConfigs {
  private readonly listings = new Map<string, Promise<readonly string[] | undefined>>();
  private readonly files = new Map<string, Promise<ProjectConfig | undefined>>();
  /** Called once each time a configuration file is read, with its problems (to report them). */
  onLoad?: (config: ProjectConfig) => void;

  /** roots: where to stop outside any repository (workspace folders); none: the filesystem root. */
  constructor(
    private readonly host: IndexHost,
    private readonly knownRules: ReadonlySet<string>,
    private readonly roots: () => readonly string[] = () => [],
  ) {}

  /** The configuration governing the files of dir (an engine path), if any. */
  async forDirectory(dir: string): Promise<ProjectConfig | undefined> {
    const chain: string[] = [];
    for (let d = dir; ; ) {
      chain.push(d);
      const up = dirname(d);
      // '/' is its own parent; a Windows drive ('C:') has '.'.
      if (up === d || up === '.') break;
      d = up;
    }
    const listings = await Promise.all(chain.map((d) => this.list(d)));
    const repository = listings.findIndex((names) => names?.includes('.git'));
    let last = repository;
    if (last < 0) {
      const root = this.roots().find((r) => dir === r || dir.startsWith(r.endsWith('/') ? r : `${r}/`));
      last = root !== undefined ? chain.indexOf(root) : chain.length - 1;
      if (last < 0) last = chain.length - 1;
    }
    for (let i = 0; i <= last; i++) {
      if (listings[i]?.includes(PROJECT_CONFIG_NAME)) return this.load(joinPath(chain[i], PROJECT_CONFIG_NAME));
    }
    return undefined;
  }

  /** Reads (or returns the cached reading of) one configuration file; undefined when it cannot be read. */
  load(path: string): Promise<ProjectConfig | undefined> {
    let pending = this.files.get(path);
    if (!pending) {
      pending = this.host.readFile(path).then((text) => {
        if (text === undefined || basename(path) !== PROJECT_CONFIG_NAME) return undefined;
        const config = parseProjectConfig(path, text, this.knownRules);
        this.onLoad?.(config);
        return config;
      });
      this.files.set(path, pending);
    }
    return pending;
  }

  invalidate(): void {
    this.listings.clear();
    this.files.clear();
  }

  private list(dir: string): Promise<readonly string[] | undefined> {
    let pending = this.listings.get(dir);
    if (!pending) {
      pending = this.host.listDirectory(dir).catch(() => undefined);
      this.listings.set(dir, pending);
    }
    return pending;
  }
}

/**
 * What a scan of many files (engine paths) needs: the files no .gohazard.json excludes, and the engine
 * configuration of each of their directories (user settings over the directory's project settings).
 */
export async function configureScan(
  configs: ProjectConfigs,
  files: readonly string[],
  user: EngineConfig,
): Promise<{ files: string[]; configByDir: Map<string, EngineConfig>; projectByDir: Map<string, ProjectConfig | undefined> }> {
  const projectByDir = new Map<string, ProjectConfig | undefined>();
  for (const dir of new Set(files.map(dirname))) projectByDir.set(dir, await configs.forDirectory(dir));
  const configByDir = new Map<string, EngineConfig>();
  for (const [dir, loaded] of projectByDir) configByDir.set(dir, withProjectSettings(user, loaded?.settings));
  const kept = files.filter((f) => {
    const loaded = projectByDir.get(dirname(f));
    return !loaded || !isExcludedBy(loaded, f);
  });
  return { files: kept, configByDir, projectByDir };
}
