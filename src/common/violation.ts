/**
 * A broken hard rule, in both domains: the id is the name of the rule's function (in the domain's
 * rules.ts), so a search for an id finds its rule. Where a rule is broken by a degree, `amount` says
 * how far, in `unit` (minutes late, minutes short of travel or rest, minutes over maxMinutes), as
 * Timefold's constraint providers penalize by amount.
 */
export interface Violation {
  rule: string;
  /** what is broken: an occurrence key (client/visit/date), a line of the input (roster[3]), or the roster */
  where?: string;
  /** the caregiver or nurse */
  who?: string;
  amount?: number;
  unit?: "minutes" | "caregivers" | "shifts";
  message: string;
}

/** A violation as a rule reports it: the rule's name is added by `runRules`. */
export type Finding = Omit<Violation, "rule">;

/** Runs the rules in order; each violation takes its rule's function name as its id. */
export function runRules<A extends unknown[]>(rules: readonly ((...args: A) => Finding[])[], ...args: A): Violation[] {
  return rules.flatMap((rule) => rule(...args).map((f) => ({ rule: rule.name, ...f })));
}

export function formatViolation(v: Violation): string {
  const at = [v.where, v.who].filter(Boolean).join(", ");
  return `[${v.rule}] ${at ? `${at}: ` : ""}${v.message}`;
}
