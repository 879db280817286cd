import "@testing-library/jest-dom/vitest";
import { cleanup, configure } from "@testing-library/react";
import { afterEach, vi } from "vitest";
import { navigation } from "./navigation";

// The App Router is not mounted in unit tests; components get a router whose pushes are
// recorded and whose query string the test sets (test/navigation.ts).
vi.mock("next/navigation", () => ({
  useRouter: () => navigation.router,
  usePathname: () => navigation.pathname,
  useSearchParams: () => navigation.searchParams,
}));

// Recharts measures its container; jsdom has no layout.
class NoResizeObserver {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}
globalThis.ResizeObserver = NoResizeObserver;

afterEach(() => {
  cleanup();
  navigation.reset();
});

// A slow CI machine must not turn a correct screen into a failure; this is a ceiling, not a goal.
configure({ asyncUtilTimeout: 10_000 });
