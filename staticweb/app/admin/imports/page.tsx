import { Suspense, type ReactElement } from "react";
import { ImportsAdmin } from "@/components/imports-admin";
import { Loading } from "@/components/ui/loading";

export default function Page(): ReactElement {
  return (
    <Suspense fallback={<Loading />}>
      <ImportsAdmin />
    </Suspense>
  );
}
