// Errors the command line reports in one line and exits 2 for, rather than as internal errors.

/** A malformed command line: reported with the usage text. */
export class UsageError extends Error {}

/** Something the user can fix outside the command line (a missing file, git, a revision): reported alone. */
export class InputError extends Error {}
