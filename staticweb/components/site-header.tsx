"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactElement } from "react";
import { useSession } from "@/hooks/use-session";
import { logoutHref } from "@/lib/auth-urls";
import { roleLabel, type Capabilities } from "@/lib/capabilities";

interface NavItem {
  href: string;
  label: string;
  show: (can: Capabilities) => boolean;
}

const nav: readonly NavItem[] = [
  { href: "/", label: "Patients", show: (c) => c.patients },
  { href: "/analytics/", label: "Analytics", show: (c) => c.analytics },
  { href: "/admin/staff/", label: "Staff", show: (c) => c.staff },
  { href: "/admin/audit/", label: "Audit log", show: (c) => c.audit },
  { href: "/admin/imports/", label: "Imports", show: (c) => c.imports },
];

function isActive(pathname: string, href: string): boolean {
  if (href === "/") return pathname === "/" || pathname.startsWith("/patients");
  return pathname.startsWith(href.replace(/\/$/, ""));
}

/** The top bar: product name, the screens this role may use, the user, sign-out. */
export function SiteHeader(): ReactElement {
  const { me, can } = useSession();
  const pathname = usePathname();
  const items = nav.filter((n) => n.show(can));
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-8 gap-y-2 px-4 py-3">
        <Link href="/" className="text-base font-semibold text-slate-900 no-underline">
          <span aria-hidden="true" className="mr-1 text-brand-700">
            ✚
          </span>
          Patient Tracker
        </Link>
        <nav aria-label="Main" className="flex-1">
          <ul className="flex flex-wrap gap-1">
            {items.map((n) => {
              const active = isActive(pathname, n.href);
              return (
                <li key={n.href}>
                  <Link
                    href={n.href}
                    aria-current={active ? "page" : undefined}
                    className={`rounded-md px-3 py-2 text-sm font-medium no-underline hover:no-underline ${
                      active ? "bg-brand-50 text-brand-800" : "text-slate-700 hover:bg-slate-100"
                    }`}
                  >
                    {n.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <div className="flex items-center gap-4 text-sm">
          <p className="text-right leading-tight">
            <span className="block font-medium text-slate-900">{me.displayName ?? me.email}</span>
            <span className="block text-xs text-slate-600">{roleLabel(me.role)}</span>
          </p>
          <a href={logoutHref} className="rounded-md px-2 py-1 text-sm font-medium">
            Sign out
          </a>
        </div>
      </div>
    </header>
  );
}
