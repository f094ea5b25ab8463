// What the policy asks of a CPU profile: how hot the function holding a line of the analysed file is.

export interface Hotness {
  /** A readable name: `(*Encoder).Encode`, `F.func1`. */
  functionName: string;
  /** Samples whose stack holds the function, over all samples. */
  cumShare: number;
  /** Samples spent in the function itself, over all samples. */
  flatShare: number;
}

/** A profile as seen from one file. */
export interface ProfileView {
  /** How messages name the profile, e.g. "default.pgo". */
  name: string;
  /** The function around a zero-based line of the file, when the profile has samples in it. */
  hotness(line: number): Hotness | undefined;
  /** A function of the file by the name the profile gives it (`Encode`, `(*Encoder).Encode`). */
  named(name: string): Hotness | undefined;
  /** Whether a function of the lines from..to (zero-based, inclusive) is hot enough to report in (present.ts). */
  hotWithin(from: number, to: number): boolean;
}
