"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useState, type ReactElement } from "react";
import { useApi } from "@/hooks/use-api";
import { useKeysetPager } from "@/hooks/use-keyset-pager";
import { useSession } from "@/hooks/use-session";
import type { ArchivedFilter, PatientSearch, PatientSort } from "@/lib/api/client";
import { describeError } from "@/lib/api/problem";
import { sexValues, type Sex } from "@/lib/api/schemas";
import { sexLabels } from "@/lib/patient-format";
import { PatientTable } from "./patient-table";
import { Alert } from "./ui/alert";
import { ButtonLink } from "./ui/button";
import { SelectField, TextField } from "./ui/field";
import { Loading } from "./ui/loading";
import { Pager } from "./ui/pager";

const PAGE_SIZE = 25;

const sortOptions: readonly { value: PatientSort; label: string }[] = [
  { value: "name", label: "Name (A–Z)" },
  { value: "-name", label: "Name (Z–A)" },
  { value: "birthDate", label: "Birth date (oldest first)" },
  { value: "-birthDate", label: "Birth date (youngest first)" },
  { value: "mrn", label: "MRN" },
  { value: "-createdAt", label: "Newest first" },
  { value: "createdAt", label: "Oldest first" },
];

const archivedOptions: readonly { value: ArchivedFilter; label: string }[] = [
  { value: "exclude", label: "Active patients" },
  { value: "include", label: "Active and archived" },
  { value: "only", label: "Archived only" },
];

const sexOptions = [
  { value: "", label: "Any" },
  ...sexValues.map((s) => ({ value: s, label: sexLabels[s] })),
];

/** Waits until the value has stopped changing for `ms`. */
function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

/**
 * The landing screen's patient list: one search box (name with or without accents, MRN,
 * phone or birth date), filters, sort and keyset paging. The terms go in the POST body only.
 */
export function PatientSearchView(): ReactElement {
  const api = useApi();
  const { can } = useSession();
  const [q, setQ] = useState("");
  const [sex, setSex] = useState<Sex | "">("");
  const [archived, setArchived] = useState<ArchivedFilter>("exclude");
  const [sort, setSort] = useState<PatientSort>("name");
  const term = useDebounced(q.trim(), 300);

  const search = useMemo<PatientSearch>(() => {
    const s: PatientSearch = { archived, sort, limit: PAGE_SIZE };
    if (term !== "") s.q = term;
    if (sex !== "") s.sex = sex;
    return s;
  }, [term, sex, archived, sort]);

  const pager = useKeysetPager(JSON.stringify(search));

  const result = useQuery({
    queryKey: ["patients", "search", search, pager.cursor],
    queryFn: () => api.searchPatients(pager.cursor ? { ...search, cursor: pager.cursor } : search),
    placeholderData: keepPreviousData,
  });
  const data = result.data;
  const nextCursor = data?.nextCursor ?? null;

  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h1>Patients</h1>
        {can.editPatients ? (
          <ButtonLink href="/patients/new/" variant="primary">
            <span aria-hidden="true">+</span> New patient
          </ButtonLink>
        ) : null}
      </div>
      <form
        role="search"
        aria-label="Patients"
        className="grid gap-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm md:grid-cols-[2fr_1fr_1fr_1fr]"
        onSubmit={(e) => e.preventDefault()}
      >
        <TextField
          label="Search patients"
          type="search"
          name="q"
          autoComplete="off"
          spellCheck={false}
          placeholder="Name, MRN, phone or birth date (YYYY-MM-DD)"
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
        <SelectField
          label="Sex"
          value={sex}
          options={sexOptions}
          onChange={(e) => setSex(e.target.value as Sex | "")}
        />
        <SelectField
          label="Show"
          value={archived}
          options={archivedOptions}
          onChange={(e) => setArchived(e.target.value as ArchivedFilter)}
        />
        <SelectField
          label="Sort by"
          value={sort}
          options={sortOptions}
          onChange={(e) => setSort(e.target.value as PatientSort)}
        />
      </form>
      <section aria-labelledby="results-heading" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
        <h2 id="results-heading" className="sr-only">
          Results
        </h2>
        {result.isError ? (
          <Alert tone="error" title="Could not load patients">
            {describeError(result.error)}
          </Alert>
        ) : null}
        {result.isPending ? <Loading label="Loading patients…" /> : null}
        {data && data.items.length === 0 ? (
          <p role="status" className="py-6 text-center text-sm text-slate-700">
            No patients match.
          </p>
        ) : null}
        {data && data.items.length > 0 ? (
          <>
            <p role="status" className="sr-only">
              {data.total} patients found
            </p>
            <PatientTable patients={data.items} />
          </>
        ) : null}
        {data ? (
          <Pager
            label="Patient pages"
            pageNumber={pager.pageNumber}
            hasPrevious={pager.hasPrevious}
            hasNext={nextCursor !== null}
            onPrevious={pager.previous}
            onNext={() => {
              if (nextCursor !== null) pager.next(nextCursor);
            }}
            summary={`${data.total.toLocaleString()} in all`}
          />
        ) : null}
      </section>
    </div>
  );
}
