/** One problem with an input, located by a path such as `clients[3].visits[1].latest`. */
export interface InputIssue {
  path: string;
  message: string;
}

/** The only error type input handling throws: every problem found, not just the first. */
export class InputError extends Error {
  readonly issues: InputIssue[];
  constructor(issues: InputIssue[], source?: string) {
    const head = source ? `${source}: ` : "";
    const lines = issues.map((i) => `  ${i.path || "(root)"}: ${i.message}`);
    super(`${head}invalid input (${issues.length} problem${issues.length === 1 ? "" : "s"})\n${lines.join("\n")}`);
    this.name = "InputError";
    this.issues = issues;
  }
}

/** An input beyond one of the limits (src/common/limits.ts): refused whole, the limit named (HTTP 413). */
export class InputTooLargeError extends InputError {
  constructor(path: string, message: string, source?: string) {
    super([{ path, message }], source);
    this.name = "InputTooLargeError";
  }
}

/** `["clients", 3, "visits", 1, "latest"]` -> `clients[3].visits[1].latest` */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/** Collects issues and throws them together, so a user sees all problems in one run. */
export class IssueCollector {
  readonly issues: InputIssue[] = [];
  add(path: string, message: string): void {
    this.issues.push({ path, message });
  }
  throwIfAny(source?: string): void {
    if (this.issues.length) throw new InputError(this.issues, source);
  }
}
