import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { InputError } from "./errors.js";

/** Reads a text file; a missing or unreadable file is an input error naming it. */
export function readTextFile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (e as Error).message;
    throw new InputError([{ path, message: why }]);
  }
}

const fail = (path: string, message: string): never => {
  throw new InputError([{ path, message }]);
};

/**
 * Makes sure a file can be written at `path`, before any work is done for it: it is not a folder,
 * and its folder exists (missing folders are made one level at a time: Node's recursive mkdir
 * never returns under /proc) and is writable. Every problem is an input error naming the path.
 */
export function prepareOutput(path: string): void {
  const full = resolve(path);
  if (existsSync(full) && statSync(full).isDirectory()) fail(path, "is a folder; give a file name");
  const missing: string[] = [];
  let dir = dirname(full);
  while (!existsSync(dir)) {
    missing.unshift(dir);
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  if (!statSync(dir).isDirectory()) fail(path, `${dir} is a file, not a folder`);
  for (const m of missing) {
    try {
      mkdirSync(m);
    } catch (e) {
      fail(path, `cannot make the folder ${m} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  try {
    accessSync(dirname(full), constants.W_OK);
  } catch {
    fail(path, `the folder ${dirname(full)} is not writable`);
  }
}

export function writeTextFile(path: string, text: string): void {
  prepareOutput(path);
  try {
    writeFileSync(path, text);
  } catch (e) {
    fail(path, `cannot be written (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}
