import { Suspense, type ReactElement } from "react";
import { PatientView } from "@/components/patient-view";
import { Loading } from "@/components/ui/loading";

export default function Page(): ReactElement {
  return (
    <Suspense fallback={<Loading />}>
      <PatientView />
    </Suspense>
  );
}
