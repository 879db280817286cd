import Link from "next/link";
import type { ReactElement } from "react";

export default function NotFound(): ReactElement {
  return (
    <div className="space-y-3">
      <h1>Page not found</h1>
      <p className="text-slate-700">
        This address is not part of Patient Tracker. <Link href="/">Go to the patient list</Link>.
      </p>
    </div>
  );
}
