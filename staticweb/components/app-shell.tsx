"use client";

import type { ReactElement, ReactNode } from "react";
import { AuthGate } from "./auth-gate";
import { Providers } from "./providers";
import { SiteHeader } from "./site-header";

/** Providers, the sign-in gate, the header and the main landmark around every screen. */
export function AppShell({ children }: { children: ReactNode }): ReactElement {
  return (
    <Providers>
      <AuthGate>
        <SiteHeader />
        <main id="main" className="mx-auto max-w-6xl px-4 py-6">
          {children}
        </main>
      </AuthGate>
    </Providers>
  );
}
