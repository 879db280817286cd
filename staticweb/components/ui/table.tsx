import type { ReactElement, ReactNode } from "react";

/** A data table with a caption (visually hidden unless asked) and calm row lines. */
export function Table({
  caption,
  showCaption = false,
  head,
  children,
}: {
  caption: string;
  showCaption?: boolean;
  head: readonly string[];
  children: ReactNode;
}): ReactElement {
  return (
    <div className="overflow-x-auto">
      <table className="w-full border-collapse text-left text-sm">
        <caption className={showCaption ? "mb-2 text-left font-medium" : "sr-only"}>
          {caption}
        </caption>
        <thead>
          <tr className="border-b border-slate-300 text-xs uppercase tracking-wide text-slate-600">
            {head.map((h) => (
              <th key={h} scope="col" className="px-3 py-2 font-semibold">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200">{children}</tbody>
      </table>
    </div>
  );
}

/** A table cell with the table's padding. */
export function Td({ children, className = "" }: { children: ReactNode; className?: string }): ReactElement {
  return <td className={`px-3 py-2 align-top ${className}`}>{children}</td>;
}
