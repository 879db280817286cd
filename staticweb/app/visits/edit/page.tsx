import { Suspense, type ReactElement } from "react";
import { VisitEdit } from "@/components/visit-form";
import { Loading } from "@/components/ui/loading";

export default function Page(): ReactElement {
  return (
    <Suspense fallback={<Loading />}>
      <VisitEdit />
    </Suspense>
  );
}
