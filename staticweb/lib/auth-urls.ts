/** The Entra sign-in of Static Web Apps, coming back to `returnTo` (a path, never a host). */
export function loginHref(returnTo: string): string {
  const safe = returnTo.startsWith("/") && !returnTo.startsWith("//") ? returnTo : "/";
  return `/.auth/login/aad?post_login_redirect_uri=${encodeURIComponent(safe)}`;
}

/** Sign-out of Static Web Apps, back to the start page. */
export const logoutHref = "/.auth/logout?post_logout_redirect_uri=/";
