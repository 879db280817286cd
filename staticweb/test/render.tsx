import { render, type RenderResult } from "@testing-library/react";
import type { ReactElement } from "react";
import { AuthGate } from "@/components/auth-gate";
import { makeQueryClient, Providers } from "@/components/providers";
import { ApiClient } from "@/lib/api/client";
import { FakeBackend, type FakeBackendOptions } from "./fake-backend";
import { navigation } from "./navigation";

export interface AppRender extends RenderResult {
  backend: FakeBackend;
}

/**
 * Renders a screen the way the app does (providers, sign-in gate) over the shared fake API.
 * `url` sets the path and query string the screen sees.
 */
export function renderApp(
  ui: ReactElement,
  opts: FakeBackendOptions & { backend?: FakeBackend; url?: string } = {},
): AppRender {
  const backend = opts.backend ?? new FakeBackend(opts);
  if (opts.url !== undefined) navigation.at(opts.url);
  const api = new ApiClient(backend.fetch);
  const result = render(
    <Providers api={api} queryClient={makeQueryClient(false)}>
      <AuthGate>{ui}</AuthGate>
    </Providers>,
  );
  return { ...result, backend };
}
