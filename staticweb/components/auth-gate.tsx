"use client";

import { useQuery } from "@tanstack/react-query";
import { useMemo, type ReactElement, type ReactNode } from "react";
import { useApi } from "@/hooks/use-api";
import { SessionContext, type Session } from "@/hooks/use-session";
import { ApiError, describeError } from "@/lib/api/problem";
import { loginHref, logoutHref } from "@/lib/auth-urls";
import { capabilitiesFor } from "@/lib/capabilities";
import { Alert } from "./ui/alert";
import { buttonClass } from "./ui/button";
import { Loading } from "./ui/loading";

/** Where to come back after sign-in: this page (its query holds opaque ids only). */
function returnPath(): string {
  return typeof window === "undefined" ? "/" : window.location.pathname + window.location.search;
}

function Centered({ children }: { children: ReactNode }): ReactElement {
  return (
    <main id="main" className="mx-auto mt-24 max-w-md px-4">
      <div className="rounded-lg border border-slate-200 bg-white p-8 shadow-sm">{children}</div>
    </main>
  );
}

/** The sign-in screen shown when Static Web Apps has no session for this browser. */
export function SignIn({ returnTo }: { returnTo: string }): ReactElement {
  return (
    <Centered>
      <h1>Patient Tracker</h1>
      <p className="mt-2 text-sm text-slate-700">
        Sign in with your clinic account to see patients and visits.
      </p>
      <a href={loginHref(returnTo)} className={`${buttonClass("primary")} mt-6 w-full`}>
        Sign in
      </a>
    </Centered>
  );
}

/**
 * Lets its children render only for a signed-in, active staff member: `/.auth/me` tells
 * whether the browser has a session, `/api/me` gives the role (from the staff table).
 */
export function AuthGate({ children }: { children: ReactNode }): ReactElement {
  const api = useApi();
  const principal = useQuery({ queryKey: ["auth-me"], queryFn: () => api.authMe() });
  const me = useQuery({
    queryKey: ["me"],
    queryFn: () => api.me(),
    enabled: principal.data !== undefined && principal.data !== null,
  });
  const session = useMemo<Session | null>(
    () => (me.data ? { me: me.data, can: capabilitiesFor(me.data.role) } : null),
    [me.data],
  );

  if (principal.isPending) return <Loading label="Checking your sign-in…" />;
  if (principal.isError) {
    return (
      <Centered>
        <Alert tone="error" title="Cannot reach Patient Tracker">
          {describeError(principal.error)}
        </Alert>
      </Centered>
    );
  }
  if (principal.data === null) return <SignIn returnTo={returnPath()} />;
  if (me.isPending) return <Loading label="Loading your account…" />;
  if (me.isError) {
    const err = me.error;
    if (err instanceof ApiError && err.status === 401) return <SignIn returnTo={returnPath()} />;
    const inactive = err instanceof ApiError && err.status === 403;
    return (
      <Centered>
        <Alert tone="error" title={inactive ? "No access" : "Cannot load your account"}>
          {inactive
            ? "Your account is not active in Patient Tracker. Ask a clinic administrator."
            : describeError(err)}
        </Alert>
        <a href={logoutHref} className={`${buttonClass("secondary")} mt-4`}>
          Sign out
        </a>
      </Centered>
    );
  }
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}
