"use client";

import { useQuery } from "@tanstack/react-query";
import { Fragment, useState, type ReactElement } from "react";
import { useApi } from "@/hooks/use-api";
import { useSession } from "@/hooks/use-session";
import { ApiError, describeError } from "@/lib/api/problem";
import type { DocumentSummary } from "@/lib/api/schemas";
import { formatBytes } from "@/lib/api/upload";
import { formatInstant } from "@/lib/dates";
import { categoryLabel, DocumentDetailPanel } from "./document-detail";
import { DocumentStatusBadge, isSettled } from "./document-status";
import { DocumentUpload } from "./document-upload";
import { Alert } from "./ui/alert";
import { Button } from "./ui/button";
import { Card } from "./ui/card";
import { Loading } from "./ui/loading";
import { Table, Td } from "./ui/table";

/** How often the list is re-read while a document is still being processed. */
export const documentPollMs = 2000;

function pollWhileBusy(items: readonly DocumentSummary[] | undefined): number | false {
  return items?.some((d) => !isSettled(d.status)) ? documentPollMs : false;
}

/** A patient's documents with their status (re-read until each is ready, failed or quarantined). */
export function DocumentsSection({ patientId }: { patientId: string }): ReactElement {
  const api = useApi();
  const { can } = useSession();
  const [open, setOpen] = useState<string | null>(null);
  const docs = useQuery({
    queryKey: ["documents", patientId],
    queryFn: () => api.listDocuments(patientId, null),
    refetchInterval: (q) => pollWhileBusy(q.state.data?.items),
    retry: false,
  });
  const unavailable = docs.error instanceof ApiError && docs.error.status === 404;
  return (
    <Card title="Documents">
      {can.upload && !unavailable ? <DocumentUpload patientId={patientId} /> : null}
      {docs.isPending ? <Loading label="Loading documents…" /> : null}
      {unavailable ? (
        <p className="text-sm text-slate-700">Documents are not available on this server yet.</p>
      ) : null}
      {docs.isError && !unavailable ? (
        <Alert tone="error" title="Could not load documents">{describeError(docs.error)}</Alert>
      ) : null}
      {docs.data && docs.data.items.length === 0 ? (
        <p className="mt-4 text-sm text-slate-700">No documents yet.</p>
      ) : null}
      {docs.data && docs.data.items.length > 0 ? (
        <div className="mt-4">
          <Table caption="Documents" head={["Name", "Type", "Size", "Added", "Status", ""]}>
            {docs.data.items.map((d) => (
              <Fragment key={d.id}>
                <tr>
                  <Td className="break-all font-medium">{d.fileName}</Td>
                  <Td>{d.category ? categoryLabel(d.category) : (d.mediaType ?? d.contentType)}</Td>
                  <Td className="tabular-nums">{formatBytes(d.sizeBytes ?? d.declaredSize)}</Td>
                  <Td className="whitespace-nowrap">{formatInstant(d.createdAt)}</Td>
                  <Td>
                    <DocumentStatusBadge status={d.status} />
                    {d.reason ? <span className="block text-xs text-slate-600">{d.reason}</span> : null}
                    {d.warnings.length > 0 ? (
                      <span className="block text-xs text-amber-900">
                        {d.warnings.length} warning{d.warnings.length > 1 ? "s" : ""}
                      </span>
                    ) : null}
                  </Td>
                  <Td className="whitespace-nowrap">
                    {can.documentContent && d.status === "ready" ? (
                      <span className="flex gap-2">
                        <Button
                          variant="ghost"
                          aria-expanded={open === d.id}
                          aria-label={`Details of ${d.fileName}`}
                          onClick={() => setOpen(open === d.id ? null : d.id)}
                        >
                          {open === d.id ? "Hide details" : "Details"}
                        </Button>
                        <a
                          href={api.documentContentHref(d.id)}
                          aria-label={`Download ${d.fileName}`}
                          className="self-center text-sm"
                        >
                          Download
                        </a>
                      </span>
                    ) : null}
                  </Td>
                </tr>
                {open === d.id ? (
                  <tr>
                    <td colSpan={6} className="px-3 pb-3">
                      <DocumentDetailPanel id={d.id} />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            ))}
          </Table>
        </div>
      ) : null}
    </Card>
  );
}
