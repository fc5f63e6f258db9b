/**
 * The console's Content-Security-Policy, sent as a header by both places that serve it (the desktop app's app://
 * scheme and the HTTP server): frame-ancestors only works in a header, not in the page's meta tag.
 */
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
