const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!)
}

export type PageLocale = 'zh-CN' | 'en-US'

/** ?lang= wins, then Accept-Language; Chinese by default. */
export function pickLocale(queryLang: unknown, acceptLanguage: string | undefined): PageLocale {
  if (queryLang === 'en-US' || queryLang === 'zh-CN') return queryLang
  return acceptLanguage?.trim().toLowerCase().startsWith('en') ? 'en-US' : 'zh-CN'
}

export function pageShell(options: { locale: PageLocale; title: string; bodyClass: string; body: string }): string {
  return `<!doctype html>
<html lang="${options.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(options.title)}</title>
<link rel="stylesheet" href="/sim/assets/wallet.css">
</head>
<body class="${options.bodyClass}">
${options.body}
</body>
</html>`
}
