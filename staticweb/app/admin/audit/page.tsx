import { Suspense, type ReactElement } from "react";
import { AuditAdmin } from "@/components/audit-admin";
import { Loading } from "@/components/ui/loading";

export default function Page(): ReactElement {
  return (
    <Suspense fallback={<Loading />}>
      <AuditAdmin />
    </Suspense>
  );
}
