import { parseArgs } from "node:util";
import { readTextFile } from "../src/common/files.js";
import { UsageError, type CliIo } from "./io.js";

/** Tokens from KONTINUUM_TOKENS (comma separated) and a tokens file (one a line, # comments). */
export function readTokens(env: string | undefined, file: string | undefined): string[] {
  const fromFile = file ? readTextFile(file).split(/\r?\n/).map((l) => l.replace(/#.*/, "")) : [];
  const tokens = [...(env ?? "").split(","), ...fromFile].map((t) => t.trim()).filter(Boolean);
  for (const t of tokens) if (/\s/.test(t) || t.length < 8) throw new UsageError("every token must be at least 8 characters with no white space");
  return [...new Set(tokens)];
}

/** `kontinuum serve [--port 8080] [--host 127.0.0.1] [--db ./kontinuum.db] [--tokens-file F] [--workers N] [--max-body 10mb]` */
export async function serveCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      port: { type: "string", default: "8080" },
      host: { type: "string", default: "127.0.0.1" },
      db: { type: "string", default: "./kontinuum.db" },
      "tokens-file": { type: "string" },
      workers: { type: "string", default: "1" },
      "max-body": { type: "string", default: "10mb" },
    },
  });
  if (positionals.length) throw new UsageError("usage: kontinuum serve [--port 8080] [--db ./kontinuum.db] [--tokens-file FILE] [--workers N]");
  const port = Number(values.port);
  const workers = Number(values.workers);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0..65535, got "${values.port}"`);
  if (!Number.isInteger(workers) || workers < 1) throw new UsageError(`--workers must be a whole number above 0, got "${values.workers}"`);
  if (!/^\d+(b|kb|mb)?$/i.test(values["max-body"]!)) throw new UsageError(`--max-body must be a size such as 10mb, got "${values["max-body"]}"`);
  const tokens = readTokens(process.env.KONTINUUM_TOKENS, values["tokens-file"]);
  if (!tokens.length) throw new UsageError("the server needs at least one access token: set KONTINUUM_TOKENS=tok1,tok2 or pass --tokens-file FILE");
  // loaded here, so the batch commands do not load express and SQLite
  const { startServer } = await import("../api/server.js");
  const server = await startServer({ port, host: values.host!, dbPath: values.db!, tokens, workers, bodyLimit: values["max-body"]!, log: io.err });
  io.out(`listening on ${server.url} (database ${values.db}, ${workers} worker${workers === 1 ? "" : "s"}, ${tokens.length} token${tokens.length === 1 ? "" : "s"})`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await server.close();
  io.out("stopped");
  return 0;
}
