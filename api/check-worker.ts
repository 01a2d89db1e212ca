import { parentPort, workerData } from "node:worker_threads";
import { answerCheck, type CheckKind } from "./checks.js";
import { RequestInputError } from "./inputs.js";

/** A large home-care check off the request thread (checks.ts): the result as JSON text, or its input problems. */
const { kind, body } = workerData as { kind: CheckKind; body: unknown };
try {
  parentPort!.postMessage({ ok: true, json: JSON.stringify(answerCheck(kind, body)) });
} catch (e) {
  if (e instanceof RequestInputError) parentPort!.postMessage({ ok: false, issues: e.issues, tooLarge: e.tooLarge });
  else parentPort!.postMessage({ ok: false, error: (e as Error).stack ?? String(e) });
}
