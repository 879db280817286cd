import type { ReactElement } from "react";
import type { DocumentStatus } from "@/lib/api/schemas";
import { Badge, type BadgeTone } from "./ui/badge";

const view: Record<DocumentStatus, { tone: BadgeTone; label: string }> = {
  pending_upload: { tone: "busy", label: "Uploading" },
  processing: { tone: "busy", label: "Processing" },
  ready: { tone: "good", label: "Ready" },
  failed: { tone: "bad", label: "Failed" },
  quarantined: { tone: "warn", label: "Quarantined" },
};

/** Whether a document is still on its way to a final status. */
export function isSettled(status: DocumentStatus): boolean {
  return status === "ready" || status === "failed" || status === "quarantined";
}

/** A document's processing status in words and symbol. */
export function DocumentStatusBadge({ status }: { status: DocumentStatus }): ReactElement {
  const v = view[status];
  return <Badge tone={v.tone} label={v.label} />;
}
