import { Suspense, type ReactElement } from "react";
import { PatientEdit } from "@/components/patient-edit";
import { Loading } from "@/components/ui/loading";

export default function Page(): ReactElement {
  return (
    <Suspense fallback={<Loading />}>
      <PatientEdit />
    </Suspense>
  );
}
