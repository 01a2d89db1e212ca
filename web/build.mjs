// Builds the planner's page into dist/web: one bundle (chart.js included, no CDN), the HTML and CSS.
import { build } from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";

const out = "dist/web";
mkdirSync(out, { recursive: true });
await build({
  entryPoints: ["web/main.ts"],
  bundle: true,
  format: "esm",
  target: "es2022",
  minify: true,
  sourcemap: true,
  outfile: `${out}/app.js`,
  logLevel: "warning",
});
for (const f of ["index.html", "style.css"]) copyFileSync(`web/${f}`, `${out}/${f}`);
