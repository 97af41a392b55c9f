#!/usr/bin/env node
// A tiny static file server (node:http, no dependencies) for the explorer.
// Usage: node scripts/serve.mjs [--dir DIR] [--base /sub/path/] [--port N]
//   --dir   folder to serve (default: the project root; `--dir dist` for the built site)
//   --base  URL prefix to serve it under, as on GitHub Pages (default: /)
//   --port  port (default: $PORT or 8000; 0 = any free port)
// Import `startServer({dir, base, port})` from tests: it resolves to {url, close}.
// The source tree's sw.js is served with its precache list filled in from the files of the site
// (`siteFiles` of build-dist.mjs, as dist/sw.js is stamped), so no list is kept by hand.

import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { siteFiles, stampServiceWorker } from './build-dist.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The page's Content-Security-Policy; index.html carries the same one in a <meta>. */
export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
].join('; ');

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

// Normalises a base prefix to the form "/a/b/" ("/" for none).
function normaliseBase(base = '/') {
  const parts = String(base).split('/').filter(Boolean);
  return parts.length ? `/${parts.join('/')}/` : '/';
}

// Maps a request path to {file, size} inside `dir`, {redirect} for a directory without its
// trailing slash, or null when outside `dir` or absent.
function resolveFile(dir, base, urlPath) {
  if (`${urlPath}/` === base) return { redirect: base };
  if (!urlPath.startsWith(base)) return null;
  let rel;
  try {
    rel = decodeURIComponent(urlPath.slice(base.length));
  } catch {
    return null;
  }
  // Dotfiles and dot-folders (.git, .ci) are never served.
  if (rel.split('/').some((seg) => seg.startsWith('.'))) return null;
  let file = resolve(dir, normalize(`./${rel}`));
  if (file !== dir && !file.startsWith(dir + sep)) return null;
  try {
    let st = statSync(file);
    if (st.isDirectory()) {
      if (!urlPath.endsWith('/')) return { redirect: `${urlPath}/` };
      file = join(file, 'index.html');
      st = statSync(file);
    }
    return st.isFile() ? { file, size: st.size } : null;
  } catch {
    return null;
  }
}

// Sends a short plain-text response.
function sendText(res, status, text, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  res.end(text);
}

// Answers one request: static files only, GET and HEAD.
function handle(dir, base, req, res) {
  const url = new URL(req.url, 'http://localhost');
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'method not allowed\n');
  const found = resolveFile(dir, base, url.pathname);
  if (!found) return sendText(res, 404, `not found: ${url.pathname}\n`);
  // A directory without its trailing slash: redirect so relative URLs resolve.
  if (found.redirect) return sendText(res, 301, '', { Location: found.redirect + url.search });
  // The source tree's service worker: VERSION stays 'dev', PRECACHE becomes the site's files.
  const stamped = found.file === join(ROOT, 'sw.js') ? Buffer.from(stampServiceWorker('dev', siteFiles(ROOT))) : null;
  res.writeHead(200, {
    'Content-Type': MIME[extname(found.file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': stamped?.length ?? found.size,
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
  });
  if (req.method === 'HEAD') return res.end();
  if (stamped) return res.end(stamped);
  createReadStream(found.file).pipe(res);
}

/** Request headers up to this many bytes are read (node's default, 16 KiB, would answer a long
 * page URL, e.g. a shared configuration, with a bare HTTP 431 and a blank page). */
export const MAX_HEADER_BYTES = 1 << 20;

// Answers a request node could not read (headers over MAX_HEADER_BYTES, malformed) with a short
// readable page instead of an empty response.
function onClientError(err, socket) {
  if (!socket.writable) return socket.destroy();
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
  const why = err.code === 'HPE_HEADER_OVERFLOW'
    ? `The address (or its headers) is longer than this server reads (${MAX_HEADER_BYTES / 1024} KiB). Open the page without the long query, or load the configuration from a file.`
    : 'The request could not be read.';
  const body = `<!doctype html><meta charset="utf-8"><title>${status}</title><h1>${status}</h1><p>${why}</p><p><a href="/">Open the explorer</a></p>\n`;
  socket.end(`HTTP/1.1 ${status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** Starts the server; resolves to {url, close} where url ends with the base path. */
export function startServer({ dir = ROOT, base = '/', port = 0, host = '127.0.0.1' } = {}) {
  const root = resolve(ROOT, dir);
  const prefix = normaliseBase(base);
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => handle(root, prefix, req, res));
  server.on('clientError', onClientError);
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(Number(port), host, () => {
      const url = `http://${host}:${server.address().port}${prefix}`;
      const close = () => new Promise((done) => {
        server.closeAllConnections?.();
        server.close(() => done());
      });
      ok({ url, close, server });
    });
  });
}

// Reads --name value pairs from argv.
function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 1) {
    const m = argv[i].match(/^--(dir|base|port|host)(?:=(.*))?$/);
    if (!m) throw new Error(`unknown argument ${argv[i]} (use --dir, --base, --port, --host)`);
    out[m[1]] = m[2] ?? argv[(i += 1)];
  }
  return out;
}

// Command-line entry: serve until interrupted.
async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const port = opts.port ?? process.env.PORT ?? 8000;
  const { url, close } = await startServer({ ...opts, port });
  console.log(`[serve] serving ${resolve(ROOT, opts.dir ?? '.')} at ${url}  (Ctrl-C to stop)`);
  const stop = () => close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`[serve] ${e.message}`);
    process.exit(1);
  });
}
