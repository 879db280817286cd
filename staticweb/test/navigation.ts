import { vi } from "vitest";

/** The stand-in App Router state for unit tests. */
export const navigation = {
  pathname: "/",
  searchParams: new URLSearchParams(),
  router: { push: vi.fn(), replace: vi.fn(), back: vi.fn(), refresh: vi.fn(), prefetch: vi.fn(), forward: vi.fn() },
  /** Sets the current URL (path and query) the components see. */
  at(url: string): void {
    const u = new URL(url, "http://fake.test");
    this.pathname = u.pathname;
    this.searchParams = new URLSearchParams(u.search);
  },
  reset(): void {
    this.at("/");
    for (const fn of Object.values(this.router)) fn.mockReset();
  },
};
