// Writes out/staticwebapp.config.json from swa/staticwebapp.config.json after `next build`.
//
// A static export has no per-request nonce, and Next.js puts inline <script> elements in every
// page (the RSC payload and the bootstrap). Rather than allow 'unsafe-inline', we hash every
// inline script of every exported page and list the hashes in script-src. The build fails if a
// page holds inline event handlers or inline <style> elements the policy would block.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const outDir = process.argv[2] ?? "out";
const template = process.argv[3] ?? "swa/staticwebapp.config.json";

function htmlFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return htmlFiles(p);
    return p.endsWith(".html") ? [p] : [];
  });
}

const scriptTag = /<script\b([^>]*)>([\s\S]*?)<\/script>/gi;
const hashes = new Set();
const problems = [];
const pages = htmlFiles(outDir);
if (pages.length === 0) throw new Error(`write-swa-config: no HTML pages under ${outDir}`);

for (const file of pages) {
  const html = readFileSync(file, "utf8");
  for (const m of html.matchAll(scriptTag)) {
    const attrs = m[1];
    const body = m[2];
    if (/\bsrc\s*=/.test(attrs) || body.length === 0) continue;
    hashes.add(`'sha256-${createHash("sha256").update(body, "utf8").digest("base64")}'`);
  }
  if (/<style\b/i.test(html)) problems.push(`${file}: inline <style> element`);
  if (/\son[a-z]+\s*=\s*["']/i.test(html.replace(scriptTag, ""))) {
    problems.push(`${file}: inline event handler attribute`);
  }
}
if (problems.length > 0) {
  throw new Error(`write-swa-config: the CSP would block:\n${problems.join("\n")}`);
}

const config = JSON.parse(readFileSync(template, "utf8"));
delete config.$comment;
const csp = config.globalHeaders["Content-Security-Policy"];
config.globalHeaders["Content-Security-Policy"] = csp.replace(
  "{{INLINE_SCRIPT_HASHES}}",
  [...hashes].sort().join(" "),
);
const text = `${JSON.stringify(config, null, 2)}\n`;
writeFileSync(join(outDir, "staticwebapp.config.json"), text);
console.log(
  `write-swa-config: ${pages.length} pages, ${hashes.size} inline script hashes, ` +
    `${text.length} bytes -> ${join(outDir, "staticwebapp.config.json")}`,
);
