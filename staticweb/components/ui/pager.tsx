import type { ReactElement } from "react";
import { Button } from "./button";

/** Previous / Next for keyset paging, with where we are in words. */
export function Pager({
  label,
  pageNumber,
  hasPrevious,
  hasNext,
  onPrevious,
  onNext,
  summary,
}: {
  label: string;
  pageNumber: number;
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
  summary?: string;
}): ReactElement {
  return (
    <nav aria-label={label} className="mt-4 flex items-center justify-between gap-3">
      <p className="text-sm text-slate-700">
        Page {pageNumber}
        {summary ? ` · ${summary}` : ""}
      </p>
      <div className="flex gap-2">
        <Button onClick={onPrevious} disabled={!hasPrevious}>
          <span aria-hidden="true">←</span> Previous
        </Button>
        <Button onClick={onNext} disabled={!hasNext}>
          Next <span aria-hidden="true">→</span>
        </Button>
      </div>
    </nav>
  );
}
