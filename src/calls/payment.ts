/**
 * The region's target-related payment by service level. The developers' guide names the steps
 * (75/50/40/30/25 %) and issue #5 the payment at them: the full sum at 75 % or more, then 95, 80,
 * 60 and 50 % of it below 75, 50, 40 and 30 %. calls.md is silent. Below the lowest step, 25 %, we
 * report no target-related payment: the guide's last step has no share named, and a planner is better
 * warned than reassured. Documented in the README.
 */
export const PAYMENT_STEPS: readonly { atLeast: number; paymentShare: number }[] = [
  { atLeast: 0.75, paymentShare: 1 },
  { atLeast: 0.5, paymentShare: 0.95 },
  { atLeast: 0.4, paymentShare: 0.8 },
  { atLeast: 0.3, paymentShare: 0.6 },
  { atLeast: 0.25, paymentShare: 0.5 },
  { atLeast: 0, paymentShare: 0 },
];

export function paymentStep(serviceLevel: number): { atLeast: number; paymentShare: number } {
  return PAYMENT_STEPS.find((s) => serviceLevel >= s.atLeast - 1e-12)!;
}
