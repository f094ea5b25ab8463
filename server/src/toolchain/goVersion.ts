// Go version strings as the go command writes them: "1.21", "1.21.3", "1.22rc1", "go1.22".
// A file's language version is the release truncated after the minor number.

export interface GoRelease {
  minor: number;
  patch?: number;
  prerelease?: string;
}

const releasePattern = /^(?:go)?1\.(\d+)(?:\.(\d+)|((?:rc|beta)\d+))?$/;

export function parseGoRelease(text: string): GoRelease | undefined {
  const m = releasePattern.exec(text.trim());
  if (!m) return undefined;
  const release: GoRelease = { minor: Number(m[1]) };
  if (m[2] !== undefined) release.patch = Number(m[2]);
  if (m[3] !== undefined) release.prerelease = m[3];
  return release;
}

export function languageVersion(minor: number): string {
  return `go1.${minor}`;
}

/** Go 1.22 made loop variables per-iteration for files at that language version or later. */
export const PER_ITERATION_LOOPVARS = 22;

export function hasPerIterationLoopVars(minor: number): boolean {
  return minor >= PER_ITERATION_LOOPVARS;
}
