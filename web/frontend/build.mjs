// Builds the modeler page's script and stylesheet from the npm packages into web/static/build/.
// Run by `make setup` (after `npm ci`); the output is not committed.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, "..", "static", "build");

await build({
  entryPoints: { modeler: path.join(here, "modeler.js") },
  bundle: true,
  format: "iife",
  target: ["es2020"],
  minify: process.env.MINIFY !== "0",
  sourcemap: true,
  outdir: out,
  loader: { ".woff": "file", ".woff2": "file", ".ttf": "file", ".eot": "file", ".svg": "file" },
  assetNames: "[name]-[hash]",
  legalComments: "linked",
  logLevel: "warning",
});
console.log(`modeler built into ${path.relative(process.cwd(), out)}`);
