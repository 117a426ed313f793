// Rewrites the rule catalogue in docs/signals.md from the compiled-in packs, so the document
// always lists exactly the rules the engine runs. Usage: node tools/update-catalogue.mjs CANDOR_BIN
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";

const bin = process.argv[2] ?? "target/release/candor";
const table = execFileSync(bin, ["rules", "--format", "markdown"], { encoding: "utf8" });
const path = new URL("../docs/signals.md", import.meta.url);
const doc = readFileSync(path, "utf8");
const start = "<!-- catalogue:start -->";
const end = "<!-- catalogue:end -->";
const i = doc.indexOf(start);
const j = doc.indexOf(end);
if (i < 0 || j < i) throw new Error("docs/signals.md lacks the catalogue markers");
writeFileSync(path, doc.slice(0, i + start.length) + "\n" + table + doc.slice(j));
console.log(`docs/signals.md: ${table.trim().split("\n").length - 2} rules`);
