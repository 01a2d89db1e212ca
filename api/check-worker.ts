import { parentPort, workerData } from "node:worker_threads";
import { checkReply, type CheckInput, type CheckKind } from "./checks.js";

/**
 * A check off the request thread (checks.ts): one check and done (a large body, with its budget),
 * or a thread of the server's pool (check-pool.ts) answering one message after another.
 */
const data = workerData as { pool: true } | { kind: CheckKind; input: CheckInput };
if ("pool" in data) parentPort!.on("message", (m: { kind: CheckKind; input: CheckInput }) => parentPort!.postMessage(checkReply(m.kind, m.input)));
else parentPort!.postMessage(checkReply(data.kind, data.input));
