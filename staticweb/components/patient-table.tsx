import Link from "next/link";
import type { ReactElement } from "react";
import type { PatientSummary } from "@/lib/api/schemas";
import { ageOn, todayLocal } from "@/lib/dates";
import { listName, patientHref, sexLabels } from "@/lib/patient-format";
import { Badge } from "./ui/badge";
import { Table, Td } from "./ui/table";

/** One page of patients; the name links to the patient page. */
export function PatientTable({ patients }: { patients: readonly PatientSummary[] }): ReactElement {
  const today = todayLocal();
  return (
    <Table caption="Patients" head={["Name", "MRN", "Birth date", "Sex", "Phone", "Status"]}>
      {patients.map((p) => (
        <tr key={p.id} className="hover:bg-slate-50">
          <Td>
            <Link href={patientHref(p.id)} className="font-medium">
              {listName(p)}
            </Link>
          </Td>
          <Td className="font-mono text-xs">{p.mrn}</Td>
          <Td>
            <span className="tabular-nums">{p.birthDate}</span>
            <span className="ml-2 text-xs text-slate-600">({ageOn(p.birthDate, today)} y)</span>
          </Td>
          <Td>{sexLabels[p.sex]}</Td>
          <Td className="tabular-nums">{p.phone ?? "—"}</Td>
          <Td>
            {p.archivedAt ? <Badge tone="neutral" label="Archived" /> : <Badge tone="good" label="Active" />}
          </Td>
        </tr>
      ))}
    </Table>
  );
}
