"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactElement, type ReactNode } from "react";
import { ApiClient } from "@/lib/api/client";
import { ApiError } from "@/lib/api/problem";
import { ApiContext } from "@/hooks/use-api";

/** Retries only what a retry can fix: network faults, 429 and 503, twice at most. */
function shouldRetry(failures: number, err: unknown): boolean {
  if (failures >= 2) return false;
  if (err instanceof ApiError) return err.status === 429 || err.status === 503;
  return true;
}

/** A query client with the app's defaults (tests build their own with retries off). */
export function makeQueryClient(retry = true): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: retry ? shouldRetry : false,
        refetchOnWindowFocus: false,
        staleTime: 10_000,
      },
      mutations: { retry: false },
    },
  });
}

/** The API client and the query cache (memory only: nothing goes to web storage). */
export function Providers({
  children,
  api,
  queryClient,
}: {
  children: ReactNode;
  api?: ApiClient;
  queryClient?: QueryClient;
}): ReactElement {
  const [client] = useState(() => api ?? new ApiClient());
  const [qc] = useState(() => queryClient ?? makeQueryClient());
  return (
    <ApiContext.Provider value={client}>
      <QueryClientProvider client={qc}>{children}</QueryClientProvider>
    </ApiContext.Provider>
  );
}
