"use client";

import { createContext, useContext } from "react";
import type { ApiClient } from "@/lib/api/client";

/** The API client for the component tree; tests provide the shared fake. */
export const ApiContext = createContext<ApiClient | null>(null);

/** The API client from the nearest provider. */
export function useApi(): ApiClient {
  const api = useContext(ApiContext);
  if (api === null) throw new Error("useApi: no ApiContext provider");
  return api;
}
