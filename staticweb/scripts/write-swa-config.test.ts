// @vitest-environment node
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

function run(html: string): { status: number | null; stderr: string; config: string } {
  const dir = mkdtempSync(join(tmpdir(), "swa-"));
  writeFileSync(join(dir, "index.html"), html);
  const r = spawnSync(process.execPath, ["scripts/write-swa-config.mjs", dir, "swa/staticwebapp.config.json"], { encoding: "utf8" });
  const out = join(dir, "staticwebapp.config.json");
  const config = existsSync(out) ? readFileSync(out, "utf8") : "";
  return { status: r.status, stderr: r.stderr, config };
}

describe("write-swa-config", () => {
  it("puts the hash of every inline script in script-src", () => {
    const body = "self.__next_f.push([1])";
    const { status, config } = run(`<html><script src="/a.js"></script><script>${body}</script></html>`);
    expect(status).toBe(0);
    const hash = createHash("sha256").update(body).digest("base64");
    const csp = (JSON.parse(config) as { globalHeaders: Record<string, string> }).globalHeaders["Content-Security-Policy"];
    expect(csp).toContain(`script-src 'self' 'sha256-${hash}';`);
    expect(csp).not.toContain("{{");
  });

  it.each([
    ['<div onclick="x()"></div>', "inline event handler"],
    ["<style>body{}</style>", "inline <style> element"],
  ])("fails the build on %s", (html, why) => {
    const { status, stderr } = run(`<html>${html}</html>`);
    expect(status).not.toBe(0);
    expect(stderr).toContain(why);
  });
});
