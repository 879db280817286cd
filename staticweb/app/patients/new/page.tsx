import { Suspense, type ReactElement } from "react";
import { PatientCreate } from "@/components/patient-create";
import { Loading } from "@/components/ui/loading";

export default function Page(): ReactElement {
  return (
    <Suspense fallback={<Loading />}>
      <PatientCreate />
    </Suspense>
  );
}
