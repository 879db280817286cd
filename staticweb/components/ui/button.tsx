import Link from "next/link";
import type { ButtonHTMLAttributes, ReactElement, ReactNode } from "react";

export type ButtonVariant = "primary" | "secondary" | "danger" | "ghost";

const base =
  "inline-flex items-center justify-center gap-2 rounded-md px-3.5 py-2 text-sm font-medium " +
  "transition-colors disabled:cursor-not-allowed disabled:opacity-60 no-underline hover:no-underline";

const variants: Record<ButtonVariant, string> = {
  primary: "bg-brand-700 text-white hover:bg-brand-800 shadow-sm",
  secondary: "border border-slate-300 bg-white text-slate-800 hover:bg-slate-100 shadow-sm",
  danger: "border border-red-700 bg-white text-red-800 hover:bg-red-50",
  ghost: "text-slate-700 hover:bg-slate-100",
};

/** Class names of a button of the given variant (also used by links styled as buttons). */
export function buttonClass(variant: ButtonVariant = "secondary"): string {
  return `${base} ${variants[variant]}`;
}

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: ButtonVariant;
}

/** A button; `type` defaults to "button" so it never submits a form by accident. */
export function Button({
  variant = "secondary",
  type = "button",
  className = "",
  ...rest
}: ButtonProps): ReactElement {
  return <button type={type} className={`${buttonClass(variant)} ${className}`} {...rest} />;
}

/** An in-app link that looks like a button. */
export function ButtonLink({
  href,
  variant = "secondary",
  children,
}: {
  href: string;
  variant?: ButtonVariant;
  children: ReactNode;
}): ReactElement {
  return (
    <Link href={href} className={buttonClass(variant)}>
      {children}
    </Link>
  );
}
