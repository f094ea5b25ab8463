// What gohazard says, decided in one place for every rule. Rules report what is true; this layer
// decides what is worth a diagnostic, at which severity, and merges what is one problem.
//
// Severity policy (README "Severities"):
//   error   — the program will misbehave (a panic, a race, code that does not compile for its version);
//   warning — a likely bug, or a measurable cost on a hot path (a function the CPU profile says is hot);
//   info    — advice worth reading (an allocation in a benchmark's measured loop, a defer that holds a
//             resource until the function returns);
//   hint    — an explanation (what changes at go1.22, a copy that is no longer needed).
//
// Resource findings (alloc/defer-in-loop) are shown unless the code is cold; a benchmark's loop where
// the timer is stopped is not cold for them: that leaves a statement's cost unmeasured, not what it
// holds released. Cost findings (escape/* but append, alloc/* but defer-in-loop, pool/put-non-pointer) are shown where the code is hot — a benchmark loop, or a function above the profile threshold — and never where it is cold
// (heat.ts). Everywhere else they are facts for the on-demand allocations view (gohazard.escape.scope
// `loops` or `all`, "gohazard: Show Allocations"), which shows them all, unmerged, as the compiler
// would report them, with the facts that are no cost each time (escape/append) that only it shows.
import type { ProfileView } from './profile';
import type { Heat } from './heat';
import type { EscapeScope } from '../config';
import { Finding, RuleKind, Severity, SeveritySetting } from '../types';

/** A finding before the policy: its rule's kind, its heat (cost rules), the problem it belongs to. */
export interface CandidateFinding {
  finding: Finding;
  kind: RuleKind;
  /** The severity the user set for the rule or its family, if any; it wins over the policy's. */
  explicit?: SeveritySetting;
  heat?: Heat;
  /** Findings of one declaration with the same subject are one problem. */
  subject?: string;
  /** Without evidence that the hazard happens (Report.weak): an explanation, shown as a hint. */
  weak?: boolean;
}

export interface PresentOptions {
  scope: EscapeScope;
  profile?: ProfileView;
}

/** A function whose cumulative share of CPU samples is at least this is hot. */
export const PROFILE_HOT_SHARE = 0.01;

const rank: Record<Severity, number> = { error: 3, warning: 2, info: 1, hint: 0 };

export function present(candidates: readonly CandidateFinding[], options: PresentOptions): Finding[] {
  const factsView = options.scope !== 'hot';
  const shown: CandidateFinding[] = [];
  for (const c of candidates) {
    if (c.kind === 'resource' && c.heat?.cold && c.heat.cold !== 'untimed' && !factsView) continue;
    if (c.kind === 'fact' && !factsView) continue;
    if (c.weak) {
      // An explanation's fixes are offered, never applied unattended (fix-all).
      const fixes = c.finding.fixes.map((f) => ({ ...f, preferred: undefined }));
      shown.push({ ...c, finding: { ...c.finding, severity: 'hint', fixes } });
      continue;
    }
    if (c.kind !== 'cost' && c.kind !== 'fact') {
      shown.push(c);
      continue;
    }
    const evidence = c.heat && !c.heat.cold ? hotEvidence(c.heat, c.finding.range.start.line, options.profile) : undefined;
    if (!evidence && !factsView) continue;
    if (!evidence) {
      shown.push(c);
      continue;
    }
    shown.push({ ...c, finding: { ...c.finding, severity: evidence.severity, message: `${c.finding.message} — ${evidence.why}` } });
  }
  for (const c of shown) {
    if (c.explicit && c.explicit !== 'off') c.finding.severity = c.explicit;
  }
  const merged = mergeSubjects(shown, factsView);
  return factsView ? merged.map((c) => c.finding) : mergeLines(merged);
}

export interface Evidence {
  severity: Severity;
  why: string;
}

/** Why the code at a finding (zero-based line) is hot, or undefined when nothing says it is. */
export function hotEvidence(heat: Heat, line: number, profile: ProfileView | undefined): Evidence | undefined {
  // The line finds closures; the declared function's name still finds it when the profile does not know its later lines, or lines moved under edits.
  const hot = profile?.hotness(line) ?? (heat.func ? profile?.named(heat.func) : undefined);
  if (hot && hot.cumShare >= PROFILE_HOT_SHARE && (heat.inLoop || hot.flatShare >= PROFILE_HOT_SHARE)) {
    return { severity: 'warning', why: `\`${hot.functionName}\` is ${percent(hot.cumShare)} of CPU in ${profile!.name}` };
  }
  // What a benchmark's loop computes anew each time is what it measures; the same value made again every
  // iteration is overhead it could make once.
  if (heat.benchmark && heat.invariant) return { severity: 'info', why: `made again in every iteration of ${heat.benchmark}'s measured loop though it does not change: make it once before the loop` };
  return undefined;
}

function percent(share: number): string {
  return `${(share * 100).toFixed(share >= 0.1 ? 0 : 1)}%`;
}

/**
 * One diagnostic per problem: of the findings with one subject, the most severe (then the first)
 * stays, and the others become its related locations. An explanation of a part of a problem that
 * another finding reports (a loop variable that a closure captures) joins that finding the same way.
 * The allocations view keeps every fact of a cost rule, as the compiler reports one per value.
 */
function mergeSubjects(candidates: CandidateFinding[], factsView: boolean): CandidateFinding[] {
  const groups = new Map<string, CandidateFinding[]>();
  const order: (CandidateFinding | string)[] = [];
  for (const c of candidates) {
    if (!c.subject || (factsView && (c.kind === 'cost' || c.kind === 'fact'))) order.push(c);
    else if (groups.has(c.subject)) groups.get(c.subject)!.push(c);
    else {
      groups.set(c.subject, [c]);
      order.push(c.subject);
    }
  }
  // Subjects are node offsets joined by commas: a part's subject is a prefix of its whole's, up to a comma.
  const wholeByPart = new Map<string, string>();
  for (const [key, group] of groups) {
    if (group.every((c) => c.kind === 'explanation')) continue;
    for (let comma = key.indexOf(','); comma >= 0; comma = key.indexOf(',', comma + 1)) {
      const part = key.slice(0, comma);
      if (!wholeByPart.has(part)) wholeByPart.set(part, key);
    }
  }
  const absorbedInto = new Map<string, string>();
  for (const [key, group] of groups) {
    const whole = wholeByPart.get(key);
    if (whole && group.every((c) => c.kind === 'explanation')) absorbedInto.set(key, whole);
  }
  for (const [part, whole] of absorbedInto) groups.get(whole)!.push(...groups.get(part)!);
  return order.flatMap((entry) => {
    if (typeof entry !== 'string') return [entry];
    if (absorbedInto.has(entry)) return [];
    const [kept, ...rest] = groups.get(entry)!.sort(byImportance);
    return [{ ...kept, finding: absorb(kept.finding, rest.map((r) => r.finding)) }];
  });
}

/** Default view: on each line, cost findings without a fix fold into one (a fix of its own keeps a finding). */
function mergeLines(candidates: CandidateFinding[]): Finding[] {
  const byLine = new Map<number, CandidateFinding[]>();
  const out: Finding[] = [];
  for (const c of candidates) {
    if (c.kind !== 'cost') {
      out.push(c.finding);
      continue;
    }
    const line = c.finding.range.start.line;
    const list = byLine.get(line);
    if (list) list.push(c);
    else byLine.set(line, [c]);
  }
  for (const list of byLine.values()) {
    const sorted = [...list].sort(byImportance);
    const withFix = sorted.filter((c) => c.finding.fixes.length > 0);
    const without = sorted.filter((c) => c.finding.fixes.length === 0);
    if (withFix.length > 0) {
      out.push(absorb(withFix[0].finding, without.map((c) => c.finding)), ...withFix.slice(1).map((c) => c.finding));
    } else out.push(absorb(without[0].finding, without.slice(1).map((c) => c.finding)));
  }
  return out;
}

function byImportance(a: CandidateFinding, b: CandidateFinding): number {
  return (
    rank[b.finding.severity] - rank[a.finding.severity] ||
    b.finding.fixes.length - a.finding.fixes.length ||
    a.finding.range.start.line - b.finding.range.start.line ||
    a.finding.range.start.character - b.finding.range.start.character
  );
}

function absorb(kept: Finding, others: Finding[]): Finding {
  if (others.length === 0) return kept;
  const related = [...(kept.related ?? []), ...others.map((o) => ({ range: o.range, message: o.message })), ...others.flatMap((o) => o.related ?? [])];
  return { ...kept, related };
}
