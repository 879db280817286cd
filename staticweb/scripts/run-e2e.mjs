// Compiles the end-to-end specs and runs them with node's test runner. Without
// PT_E2E_BASE_URL the specs skip themselves, loudly; with it they need /usr/bin/chromium.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const base = process.env.PT_E2E_BASE_URL ?? "";
const chromium = process.env.PT_E2E_CHROMIUM ?? "/usr/bin/chromium";
if (base !== "" && !existsSync(chromium)) {
  console.error(`run-e2e: ${chromium} is missing. Install it as root: apt-get install -y chromium`);
  process.exit(1);
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

rmSync(".e2e-build", { recursive: true, force: true });
run("npx", ["tsc", "-p", "e2e/tsconfig.json"]);
const specs = readdirSync(".e2e-build").filter((f) => f.endsWith(".e2e.js")).map((f) => join(".e2e-build", f));
// Extra arguments go to node's test runner, e.g. --test-name-pattern=BL-03.
const extra = process.argv.slice(2);
run(process.execPath, ["--test", "--test-concurrency=1", "--test-reporter=spec", ...extra, ...specs]);
