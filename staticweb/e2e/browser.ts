// Browser plumbing for the end-to-end tests: Debian's chromium driven by playwright-core,
// headless, with the flags docs/PITFALLS name and a fresh profile for every session.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

export const baseUrl = (process.env.PT_E2E_BASE_URL ?? "").replace(/\/$/, "");
export const chromiumPath = process.env.PT_E2E_CHROMIUM ?? "/usr/bin/chromium";
export const sharedDir = process.env.PT_SHARED_DIR ?? join(process.cwd(), "..", "..", "shared");
export const resultsDir = join(process.cwd(), "test-results");

const flags = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** One signed-in browser profile; close() removes its profile folder. */
export interface Session {
  context: BrowserContext;
  page: Page;
  dialogs: string[];
  /** Every console message the pages wrote (type: text). */
  console: string[];
  close: () => Promise<void>;
}

/** Starts chromium with a fresh profile (and optionally a time zone) on the app's start page. */
export async function openSession(opts: { timezoneId?: string } = {}): Promise<Session> {
  const profile = mkdtempSync(join(tmpdir(), "pt-e2e-profile-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: flags,
    viewport: { width: 1280, height: 900 },
    locale: "en-GB",
    ...(opts.timezoneId ? { timezoneId: opts.timezoneId } : {}),
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const dialogs: string[] = [];
  const messages: string[] = [];
  context.on("page", (p) => watch(p, dialogs, messages));
  watch(page, dialogs, messages);
  return {
    context,
    page,
    dialogs,
    console: messages,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

function watch(page: Page, dialogs: string[], messages: string[]): void {
  page.on("dialog", (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on("console", (m) => {
    messages.push(`${m.type()}: ${m.text()}`);
  });
}

/**
 * Makes every HTML page carry the globalHeaders of out/staticwebapp.config.json, as Static
 * Web Apps would, and records CSP violations. The local dev host serves no such headers,
 * so without this the policy (and its script hashes) would go untested.
 */
export async function enforceSwaHeaders(session: Session): Promise<string[]> {
  const config = JSON.parse(readFileSync(join(process.cwd(), "out", "staticwebapp.config.json"), "utf8")) as {
    globalHeaders: Record<string, string>;
  };
  const violations: string[] = [];
  await session.context.exposeBinding("__ptCspViolation", (_src, v: string) => {
    violations.push(v);
  });
  await session.context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      const report = (globalThis as unknown as { __ptCspViolation: (v: string) => void }).__ptCspViolation;
      report(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  await session.context.route(`${baseUrl}/**`, async (route) => {
    if (route.request().resourceType() !== "document" || route.request().url().includes("/.auth/")) {
      await route.fallback();
      return;
    }
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), ...config.globalHeaders } });
  });
  return violations;
}

/** Signs in through the dev host's /.auth/login/aad picker as one of the dev users. */
export async function signIn(page: Page, user: "dev-admin" | "dev-clinician" | "dev-frontdesk" | "dev-analyst", returnTo = "/"): Promise<void> {
  await page.goto(`${baseUrl}/.auth/login/aad?post_login_redirect_uri=${encodeURIComponent(returnTo)}`);
  await page.getByRole("button", { name: new RegExp(`^${user}\\b`) }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/.auth/"));
  await page.getByRole("navigation", { name: "Main" }).waitFor();
}

/** Writes a full-page screenshot to staticweb/test-results/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(resultsDir, { recursive: true });
  await page.screenshot({ path: join(resultsDir, `${name}.png`), fullPage: true });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/**
 * Runs axe-core on the page and returns the serious and critical violations. The script is
 * evaluated through the DevTools protocol, which the page's CSP does not govern, so the
 * check works with the real headers in place.
 */
export async function axeSerious(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations;
  });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact ?? ""}): ${v.help} at ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))}`);
}
