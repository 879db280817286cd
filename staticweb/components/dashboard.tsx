"use client";

import type { ReactElement } from "react";
import { useSession } from "@/hooks/use-session";
import { HeadlineFigures } from "./headline-figures";
import { PatientSearchView } from "./patient-search";
import { ButtonLink } from "./ui/button";

/** The landing screen: headline figures when the role has analytics, then the patient list. */
export function Dashboard(): ReactElement {
  const { can } = useSession();
  return (
    <>
      <HeadlineFigures />
      {can.patients ? (
        <PatientSearchView />
      ) : (
        <div className="space-y-4">
          <h1>Welcome</h1>
          <p className="text-slate-700">Your role works with the clinic&apos;s figures.</p>
          <ButtonLink href="/analytics/" variant="primary">
            Open analytics
          </ButtonLink>
        </div>
      )}
    </>
  );
}
