"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { ReactElement } from "react";
import { useApi } from "@/hooks/use-api";
import { useKeysetPager } from "@/hooks/use-keyset-pager";
import { describeError } from "@/lib/api/problem";
import type { AuditQuery } from "@/lib/api/client";
import type { AuditEntry } from "@/lib/api/schemas";
import { formatInstant } from "@/lib/dates";
import { Alert } from "./ui/alert";
import { Card } from "./ui/card";
import { Loading } from "./ui/loading";
import { Pager } from "./ui/pager";
import { Table, Td } from "./ui/table";

/** Audit rows as a table (who, what, when, outcome). */
export function AuditTable({ entries, showPatient }: { entries: readonly AuditEntry[]; showPatient: boolean }): ReactElement {
  const head = ["When", "Who", "Action", ...(showPatient ? ["Patient id"] : []), "Outcome"];
  return (
    <Table caption="Audit entries" head={head}>
      {entries.map((e) => (
        <tr key={e.id}>
          <Td className="whitespace-nowrap">{formatInstant(e.at)}</Td>
          <Td>
            {e.actorUserId ?? e.actorStaffId ?? "—"}
            {e.actorRole ? <span className="block text-xs text-slate-600">{e.actorRole}</span> : null}
          </Td>
          <Td>
            {e.action}
            {e.objectType ? <span className="block text-xs text-slate-600">{e.objectType}</span> : null}
          </Td>
          {showPatient ? <Td className="font-mono text-xs">{e.patientId ?? "—"}</Td> : null}
          <Td>
            {e.outcome}
            {e.reason ? <span className="block text-xs text-slate-600">{e.reason}</span> : null}
          </Td>
        </tr>
      ))}
    </Table>
  );
}

/** A paged audit query; shared by the patient page and the audit screen. */
export function AuditResults({ query, showPatient }: { query: AuditQuery; showPatient: boolean }): ReactElement {
  const api = useApi();
  const pager = useKeysetPager(JSON.stringify(query));
  const audit = useQuery({
    queryKey: ["audit", query, pager.cursor],
    queryFn: () => api.listAudit({ ...query, cursor: pager.cursor ?? undefined, limit: 25 }),
    placeholderData: keepPreviousData,
  });
  if (audit.isPending) return <Loading label="Loading access history…" />;
  if (audit.isError) return <Alert tone="error" title="Could not load the audit log">{describeError(audit.error)}</Alert>;
  return (
    <>
      {audit.data.items.length === 0 ? (
        <p className="text-sm text-slate-700">No entries.</p>
      ) : (
        <AuditTable entries={audit.data.items} showPatient={showPatient} />
      )}
      {pager.hasPrevious || audit.data.nextCursor !== null ? (
        <Pager
          label="Audit pages"
          pageNumber={pager.pageNumber}
          hasPrevious={pager.hasPrevious}
          hasNext={audit.data.nextCursor !== null}
          onPrevious={pager.previous}
          onNext={() => {
            const c = audit.data.nextCursor;
            if (c !== null) pager.next(c);
          }}
        />
      ) : null}
    </>
  );
}

/** Who read or changed this patient (admins only). */
export function AccessHistory({ patientId }: { patientId: string }): ReactElement {
  return (
    <Card title="Access history">
      <AuditResults query={{ patientId }} showPatient={false} />
    </Card>
  );
}
