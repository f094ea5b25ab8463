// User configuration that the engine honours, shared by the language server and the CLI.
import { familyOf } from './rule';
import { Severity, SeveritySetting } from './types';

export type EscapeScope = 'loops' | 'all';

export interface EngineConfig {
  /** Rule id (`loopvar/capture`) or family (`loopvar/*`) to a severity or `off`. */
  rules: Record<string, SeveritySetting>;
  /** Where escape/ rules report: only allocations inside loops (default) or everywhere. */
  escapeScope?: EscapeScope;
}

export const defaultConfig: EngineConfig = { rules: {} };

/** The parts of the configuration, other than severities, that change what rules report. */
export function ruleOptionsKey(config: EngineConfig): string {
  return config.escapeScope ?? 'loops';
}

const settings = new Set<string>(['error', 'warning', 'info', 'hint', 'off']);

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
  return config.rules[ruleId] ?? config.rules[`${familyOf(ruleId)}/*`] ?? fallback;
}
