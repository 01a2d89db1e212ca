/** A progress bar on stderr: redrawn in place on a terminal, a line every few seconds otherwise. */
export function progressBar<P extends { phase: string; fraction: number; elapsedMs: number }>(
  detail: (p: P) => string,
  stream: NodeJS.WriteStream = process.stderr,
): { update: (p: P) => void; end: () => void } {
  let lastLine = 0;
  const tty = stream.isTTY;
  return {
    update(p) {
      const width = 30;
      const filled = Math.round(Math.min(1, p.fraction) * width);
      const line = `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${p.phase.padEnd(9)} ${detail(p)}  ${(p.elapsedMs / 1000).toFixed(1)} s`;
      if (tty) stream.write(`\r${line}`);
      else if (p.phase === "done" || Date.now() - lastLine > 5000) {
        lastLine = Date.now();
        stream.write(`${line}\n`);
      }
    },
    end() {
      if (tty) stream.write("\n");
    },
  };
}
