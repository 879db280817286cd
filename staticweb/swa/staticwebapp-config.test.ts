// @vitest-environment node
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

interface Route {
  route: string;
  allowedRoles?: string[];
  statusCode?: number;
}
interface SwaConfig {
  routes: Route[];
  responseOverrides: Record<string, { redirect?: string; rewrite?: string; statusCode?: number }>;
  navigationFallback: { rewrite: string; exclude: string[] };
  globalHeaders: Record<string, string>;
  platform?: unknown;
}

const config = JSON.parse(
  readFileSync(fileURLToPath(new URL("./staticwebapp.config.json", import.meta.url)), "utf8"),
) as SwaConfig;

/** The first route that matches a path, as Static Web Apps evaluates them (in order). */
function match(path: string): Route | undefined {
  return config.routes.find((r) => {
    const pattern = new RegExp(`^${r.route.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
    return pattern.test(path);
  });
}

describe("staticwebapp.config.json", () => {
  it.each(["/", "/patients/", "/patients/view/", "/admin/staff/", "/api/patients/search", "/api/me", "/_next/static/x.js"])(
    "%s needs the authenticated role",
    (path) => {
      expect(match(path)?.allowedRoles).toEqual(["authenticated"]);
    },
  );

  it.each(["/api/health", "/api/health/ready"])("%s is anonymous (no data, smoke checks)", (path) => {
    expect(match(path)?.allowedRoles).toEqual(["anonymous"]);
  });

  it.each(["github", "twitter", "google", "facebook", "apple", "x"])("blocks the %s sign-in", (p) => {
    expect(match(`/.auth/login/${p}`)?.statusCode).toBe(404);
  });

  it("sends a 401 to the Entra sign-in and back", () => {
    expect(config.responseOverrides["401"]).toEqual({
      redirect: "/.auth/login/aad?post_login_redirect_uri=.referrer",
      statusCode: 302,
    });
  });

  it("falls back to the not-found page, never for API, auth or assets", () => {
    expect(config.navigationFallback.rewrite).toBe("/404.html");
    expect(config.navigationFallback.exclude).toEqual(expect.arrayContaining(["/api/*", "/.auth/*", "/_next/*"]));
  });

  it("sets strict security headers", () => {
    const h = config.globalHeaders;
    const csp = h["Content-Security-Policy"] ?? "";
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toMatch(/script-src 'self' \{\{INLINE_SCRIPT_HASHES\}\};/);
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
    expect(h["Strict-Transport-Security"]).toMatch(/max-age=\d{8,}/);
    expect(h["Referrer-Policy"]).toBe("no-referrer");
    expect(h["X-Content-Type-Options"]).toBe("nosniff");
    expect(config.platform).toBeUndefined();
  });
});
