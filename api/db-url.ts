/** What `--db` names: a postgres:// URL (PostgreSQL, many machines) or else a SQLite file (one machine). No imports, so the CLI can tell without loading a driver. */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//.test(db);
}

/** A database URL as it may be printed: the password never reaches a log or an error. */
export const hidePassword = (url: string) => url.replace(/(\/\/[^:@/]*):[^@/]*@/, "$1:…@");
