import type { StudioApp } from './deps.js';

type OpenAPIObject = ReturnType<StudioApp['getOpenAPI31Document']>;

/** The page at / until the web app is built into dist/web: what the API offers, from its OpenAPI document. */
export function homePage(document: OpenAPIObject): string {
  const methods = ['get', 'put', 'post', 'delete', 'patch'] as const;
  const rows = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    methods.flatMap((method) => (item[method] === undefined ? [] : [[method, item[method]] as const])).map(
      ([method, operation]) => `<tr><td>${method.toUpperCase()}</td><td><code>${escapeHtml(path)}</code></td><td>${escapeHtml(operation?.summary ?? '')}</td></tr>`,
    ),
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(document.info.title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}td{padding:.2rem .8rem;vertical-align:top}code{white-space:nowrap}</style></head>
<body><h1>${escapeHtml(document.info.title)} ${escapeHtml(document.info.version)}</h1>
<p>The web app is not built here; the HTTP API is. Its OpenAPI 3.1 document: <a href="/api/openapi.json">/api/openapi.json</a>.</p>
<table>${rows.join('\n')}</table></body></html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}
