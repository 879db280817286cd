"use client";

import { createContext, useContext } from "react";
import type { Me } from "@/lib/api/schemas";
import type { Capabilities } from "@/lib/capabilities";

/** The signed-in staff member and what their role may do. */
export interface Session {
  me: Me;
  can: Capabilities;
}

export const SessionContext = createContext<Session | null>(null);

/** The current session; only used below the sign-in gate. */
export function useSession(): Session {
  const s = useContext(SessionContext);
  if (s === null) throw new Error("useSession: outside the sign-in gate");
  return s;
}
