"use client";

import type { ReactElement, ReactNode } from "react";
import { useSession } from "@/hooks/use-session";
import type { Capabilities } from "@/lib/capabilities";
import { Alert } from "./ui/alert";

/** Renders children only when the user's role has the capability; says so otherwise. */
export function Require({
  capability,
  children,
}: {
  capability: keyof Capabilities;
  children: ReactNode;
}): ReactElement {
  const { can } = useSession();
  if (!can[capability]) {
    return (
      <Alert tone="info" title="Not available for your role">
        This screen is not part of your role in Patient Tracker.
      </Alert>
    );
  }
  return <>{children}</>;
}
