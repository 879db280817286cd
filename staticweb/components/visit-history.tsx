"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactElement } from "react";
import { useApi } from "@/hooks/use-api";
import { useKeysetPager } from "@/hooks/use-keyset-pager";
import { useSession } from "@/hooks/use-session";
import { describeError } from "@/lib/api/problem";
import type { VisitStatus } from "@/lib/api/schemas";
import { formatInstant } from "@/lib/dates";
import { visitStatusLabels } from "@/lib/visit-values";
import { Alert } from "./ui/alert";
import { Badge, type BadgeTone } from "./ui/badge";
import { Card } from "./ui/card";
import { Loading } from "./ui/loading";
import { Pager } from "./ui/pager";
import { Table, Td } from "./ui/table";

const statusTone: Record<VisitStatus, BadgeTone> = {
  planned: "neutral",
  arrived: "busy",
  "in-progress": "busy",
  finished: "good",
  cancelled: "warn",
  "entered-in-error": "bad",
};

/** A patient's visits, newest first, ten at a time with keyset paging. */
export function VisitHistory({ patientId }: { patientId: string }): ReactElement {
  const api = useApi();
  const { can } = useSession();
  const pager = useKeysetPager(patientId);
  const visits = useQuery({
    queryKey: ["visits", patientId, pager.cursor],
    queryFn: () => api.listVisits(patientId, pager.cursor),
    placeholderData: keepPreviousData,
  });
  const head = ["Start", "Status", "Reason", ...(can.visitNotes ? ["Notes"] : []), ""];
  return (
    <Card title="Visits">
      {visits.isPending ? <Loading label="Loading visits…" /> : null}
      {visits.isError ? (
        <Alert tone="error" title="Could not load visits">{describeError(visits.error)}</Alert>
      ) : null}
      {visits.data && visits.data.items.length === 0 && !pager.hasPrevious ? (
        <p className="text-sm text-slate-700">No visits yet.</p>
      ) : null}
      {visits.data && visits.data.items.length > 0 ? (
        <Table caption="Visits" head={head}>
          {visits.data.items.map((v) => (
            <tr key={v.id}>
              <Td className="whitespace-nowrap">{formatInstant(v.start)}</Td>
              <Td>
                <Badge tone={statusTone[v.status]} label={visitStatusLabels[v.status]} />
              </Td>
              <Td>{v.reason ?? "—"}</Td>
              {can.visitNotes ? (
                <Td className="max-w-md whitespace-pre-wrap break-words">{v.notes ?? ""}</Td>
              ) : null}
              <Td>
                <Link href={`/visits/edit/?id=${encodeURIComponent(v.id)}`} aria-label={`Edit visit of ${formatInstant(v.start)}`}>
                  Edit
                </Link>
              </Td>
            </tr>
          ))}
        </Table>
      ) : null}
      {visits.data && (pager.hasPrevious || visits.data.nextCursor !== null) ? (
        <Pager
          label="Visit pages"
          pageNumber={pager.pageNumber}
          hasPrevious={pager.hasPrevious}
          hasNext={visits.data.nextCursor !== null}
          onPrevious={pager.previous}
          onNext={() => {
            const c = visits.data.nextCursor;
            if (c !== null) pager.next(c);
          }}
        />
      ) : null}
    </Card>
  );
}
