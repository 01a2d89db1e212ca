import { formatViolation, type Violation } from "../../src/common/violation.js";

/**
 * A solver's result that its domain's validator rejects: never written. Both runners throw it (a
 * home-care schedule that breaks a rule is a bug; a 1177 roster that must break one means the
 * nurses and contracts leave no valid roster), and the CLI and the API read its violations.
 */
export class BrokenRulesError extends Error {
  constructor(
    readonly violations: Violation[],
    what: string,
  ) {
    super(`${what}: ${violations.length} violation(s); ${violations.slice(0, 5).map(formatViolation).join("; ")}`);
  }
}
