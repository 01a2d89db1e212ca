import type { RosterState } from "./roster-state.js";
import type { ShiftOption } from "./shift-options.js";
import { CONTRACT_BAND } from "../../src/calls/rules.js";

/**
 * The roster search's moves. Each applies itself to the roster state and returns its undo (null when
 * the rules leave it impossible): the state checks every rule (RosterState.canAdd), so every move
 * keeps a valid roster valid.
 */

/** The eligible nurse furthest below contract who may take the shift within the tolerance (ties broken at random). */
export function pickNurse(state: RosterState, o: ShiftOption, tolerance: number, random: () => number): number | null {
  let best: number | null = null;
  let bestScore = -Infinity;
  for (const n of o.eligible) {
    if (!state.canAdd(n, o, tolerance)) continue;
    const contract = state.problem.nurses[n]!.contractMinutes;
    const score = (contract - state.paid[n]!) / contract + random() * 1e-6;
    if (score > bestScore) {
      bestScore = score;
      best = n;
    }
  }
  return best;
}

/** One random move; applies it and returns its undo, or null when the move was not possible. */
export function proposeMove(
  state: RosterState,
  nurses: number[],
  byDayTemplate: Map<string, ShiftOption[]>,
  all: ShiftOption[],
  random: () => number,
): (() => void) | null {
  const r = random();
  const nurse = nurses[Math.floor(random() * nurses.length)]!;
  const own = state.slots[nurse]!;
  const pickOption = (day: number): ShiftOption | undefined => {
    const t = Math.floor(random() * state.problem.templates.length);
    const list = byDayTemplate.get(`${day}_${t}`);
    return list?.[Math.floor(random() * list.length)];
  };
  if (r < 0.25) {
    // the best place for one of the nurse's shifts (or for a new one, when below contract)
    return own.length && random() < 0.8 ? state.relocateBest(nurse, own[Math.floor(random() * own.length)]!, random) : state.relocateBest(nurse, null, random);
  }
  if (r < 0.5) {
    // move a shift: another date nearby, another template, another break
    if (!own.length) return null;
    const slot = own[Math.floor(random() * own.length)]!;
    const shiftBy = random() < 0.8 ? Math.floor(random() * 3) - 1 : Math.floor(random() * 7) - 3;
    const day = slot.day + shiftBy;
    if (day < 0 || day >= state.problem.periodDays) return null;
    const next = pickOption(day);
    if (!next || !next.eligible.includes(nurse)) return null;
    return state.replace(nurse, slot, nurse, next);
  }
  if (r < 0.65) {
    // move the break
    if (!own.length) return null;
    const slot = own[Math.floor(random() * own.length)]!;
    const list = byDayTemplate.get(`${slot.day}_${slot.option.placement.template}`)!;
    if (list.length < 2) return null;
    return state.replace(nurse, slot, nurse, list[Math.floor(random() * list.length)]!);
  }
  if (r < 0.8) {
    // hand a shift to another nurse
    if (!own.length) return null;
    const slot = own[Math.floor(random() * own.length)]!;
    const other = slot.option.eligible[Math.floor(random() * slot.option.eligible.length)]!;
    if (other === nurse) return null;
    return state.replace(nurse, slot, other, slot.option);
  }
  if (r < 0.9) {
    const o = random() < 0.5 ? all[Math.floor(random() * all.length)]! : pickOption(Math.floor(random() * state.problem.periodDays));
    if (!o || !o.eligible.includes(nurse) || !state.canAdd(nurse, o, CONTRACT_BAND)) return null;
    const slot = state.add(nurse, o);
    return () => state.remove(nurse, slot);
  }
  if (!own.length) return null;
  const slot = own[Math.floor(random() * own.length)]!;
  state.remove(nurse, slot);
  return () => void state.add(nurse, slot.option);
}
