// User configuration that the engine honours, shared by the language server and the CLI.
import { familyOf } from './rule';
import { Severity, SeveritySetting } from './types';

/**
 * Where cost rules (escape/*, alloc/*) report: `hot` code only (benchmark loops, profile-hot
 * functions: the default), or every fact inside loops, or every fact (the allocations view).
 */
export type EscapeScope = 'hot' | 'loops' | 'all';
export const escapeScopes: readonly EscapeScope[] = ['hot', 'loops', 'all'];

/**
 * The escape scope a setting, a flag or .gohazard.json names, or undefined when it names none (then the
 * next source decides, and finally `hot`). The one place that reads the setting's values.
 */
export function parseEscapeScope(value: unknown): EscapeScope | undefined {
  return escapeScopes.find((s) => s === value);
}

/** The least severity that makes `gohazard scan` exit 1 (`none`: never). */
export type FailOn = Severity | 'none';
export const failOnValues: readonly FailOn[] = ['error', 'warning', 'info', 'hint', 'none'];

export interface EngineConfig {
  /** Rule id (`loopvar/capture`) or family (`loopvar/*`) to a severity or `off`. */
  rules: Record<string, SeveritySetting>;
  escapeScope?: EscapeScope;
  /**
   * The CPU profile to use for every file, by engine path (gohazard.profile, --profile, the `profile` of
   * .gohazard.json); without it, each file's nearest default.pgo. Not part of ruleOptionsKey: the
   * profile's own identity (path and content) is, through FileFacts.profile.
   */
  profilePath?: string;
}

export const defaultConfig: EngineConfig = { rules: {} };

/** The parts of the configuration, other than severities, that change what rules report. */
export function ruleOptionsKey(config: EngineConfig): string {
  return escapeScopeOf(config);
}

export function escapeScopeOf(config: EngineConfig): EscapeScope {
  return config.escapeScope ?? 'hot';
}

export const severitySettings: readonly SeveritySetting[] = ['error', 'warning', 'info', 'hint', 'off'];
const settings = new Set<string>(severitySettings);

/** Keeps the valid entries of a user-supplied rules map and names the invalid ones. */
export function sanitizeRules(input: unknown): { rules: Record<string, SeveritySetting>; problems: string[] } {
  const rules: Record<string, SeveritySetting> = {};
  const problems: string[] = [];
  if (input === undefined || input === null) return { rules, problems };
  if (typeof input !== 'object' || Array.isArray(input)) return { rules, problems: ['gohazard.rules must be an object'] };
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    if (typeof value === 'string' && settings.has(value)) rules[key] = value as SeveritySetting;
    else problems.push(`gohazard.rules["${key}"]: expected one of error, warning, info, hint, off`);
  }
  return { rules, problems };
}

export function severityFor(ruleId: string, fallback: Severity, config: EngineConfig): SeveritySetting {
  return explicitSeverity(ruleId, config) ?? fallback;
}

/** The severity the user set for the rule, or else for its family. */
export function explicitSeverity(ruleId: string, config: EngineConfig): SeveritySetting | undefined {
  return config.rules[ruleId] ?? config.rules[`${familyOf(ruleId)}/*`];
}
