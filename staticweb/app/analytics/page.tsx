import { Suspense, type ReactElement } from "react";
import { AnalyticsView } from "@/components/analytics-view";
import { Loading } from "@/components/ui/loading";

export default function Page(): ReactElement {
  return (
    <Suspense fallback={<Loading />}>
      <AnalyticsView />
    </Suspense>
  );
}
