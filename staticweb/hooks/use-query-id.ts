"use client";

import { useSearchParams } from "next/navigation";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The opaque record id from `?id=`, or null when it is missing or not a UUID. */
export function useQueryId(name = "id"): string | null {
  const params = useSearchParams();
  const id = params.get(name);
  return id !== null && uuidPattern.test(id) ? id : null;
}
