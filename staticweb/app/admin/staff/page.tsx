import { Suspense, type ReactElement } from "react";
import { StaffAdmin } from "@/components/staff-admin";
import { Loading } from "@/components/ui/loading";

export default function Page(): ReactElement {
  return (
    <Suspense fallback={<Loading />}>
      <StaffAdmin />
    </Suspense>
  );
}
