"use client";

import { useCallback, useState } from "react";

/** Keyset paging state: the cursor of the page shown and how to move. */
export interface KeysetPager {
  cursor: string | null;
  pageNumber: number;
  hasPrevious: boolean;
  next: (nextCursor: string) => void;
  previous: () => void;
}

interface State {
  key: string;
  stack: (string | null)[];
}

/**
 * Keyset paging with Previous. The API only hands out the next cursor, so we keep the cursor
 * of every page we passed through: Previous goes back to exactly the page that was shown, and
 * Next continues from the server's cursor, so no row repeats and none is skipped. A new
 * `resetKey` (a changed search or filter) starts again at page 1 in the same render, so a
 * cursor is never sent with a search it does not belong to.
 */
export function useKeysetPager(resetKey: string): KeysetPager {
  const [state, setState] = useState<State>({ key: resetKey, stack: [null] });
  const stack = state.key === resetKey ? state.stack : [null];
  const next = useCallback(
    (nextCursor: string) => {
      setState((s) => ({
        key: resetKey,
        stack: [...(s.key === resetKey ? s.stack : [null]), nextCursor],
      }));
    },
    [resetKey],
  );
  const previous = useCallback(() => {
    setState((s) => ({
      key: resetKey,
      stack: s.key === resetKey && s.stack.length > 1 ? s.stack.slice(0, -1) : [null],
    }));
  }, [resetKey]);
  return {
    cursor: stack.at(-1) ?? null,
    pageNumber: stack.length,
    hasPrevious: stack.length > 1,
    next,
    previous,
  };
}
