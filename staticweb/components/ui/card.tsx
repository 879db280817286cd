import { useId, type ReactElement, type ReactNode } from "react";

/** A white panel (a named region when titled) with an optional heading and actions. */
export function Card({
  title,
  actions,
  children,
  headingLevel = 2,
}: {
  title?: string;
  actions?: ReactNode;
  children: ReactNode;
  headingLevel?: 2 | 3;
}): ReactElement {
  const Heading = headingLevel === 2 ? "h2" : "h3";
  const id = useId();
  return (
    <section
      aria-labelledby={title ? id : undefined}
      className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm"
    >
      {title || actions ? (
        <div className="mb-4 flex flex-wrap items-center justify-between gap-3">
          {title ? (
            <Heading id={id} className="text-lg font-semibold">
              {title}
            </Heading>
          ) : (
            <span />
          )}
          {actions ? <div className="flex flex-wrap gap-2">{actions}</div> : null}
        </div>
      ) : null}
      {children}
    </section>
  );
}
