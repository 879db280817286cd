import { Suspense, type ReactElement } from "react";
import { Dashboard } from "@/components/dashboard";
import { Loading } from "@/components/ui/loading";

export default function Page(): ReactElement {
  return (
    <Suspense fallback={<Loading />}>
      <Dashboard />
    </Suspense>
  );
}
