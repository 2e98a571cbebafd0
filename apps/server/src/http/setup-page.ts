/**
 * The page the first-run setup link opens: a plain HTML form (no script, so
 * it works under the strict CSP before the web app exists) that creates the
 * super-admin. The single-use setup token travels in the form and is the
 * form's CSRF token too; cross-site posts are refused outright.
 */
import type { FastifyInstance } from 'fastify';
import { isPalisadeError } from '@palisade/common';
import type { Domain } from '../domain.ts';
import { sendWebAppIndex, type WebApp } from './web-app.ts';

const escapeHtml = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const TOKEN = /^[A-Za-z0-9_-]{20,128}$/;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Palisade</title></head>
<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

function form(token: string, values: Record<string, string>, error?: string): string {
  const field = (name: string, label: string, type = 'text', extra = ''): string =>
    `<p><label for="${name}">${label}</label><br><input id="${name}" name="${name}" type="${type}" value="${type === 'password' ? '' : escapeHtml(values[name] ?? '')}" ${extra}></p>`;
  return page(
    'Create the super-admin',
    `${error ? `<p role="alert"><strong>${escapeHtml(error)}</strong></p>` : ''}
<form method="post" action="/setup">
<input type="hidden" name="token" value="${escapeHtml(token)}">
${field('username', 'Login name', 'text', 'required maxlength="64" autocomplete="username"')}
${field('displayName', 'Display name', 'text', 'required maxlength="128"')}
${field('extension', 'Extension', 'text', 'required inputmode="numeric" maxlength="15"')}
${field('email', 'E-mail (for alerts and codes)', 'email', 'maxlength="254"')}
${field('password', 'Password (at least 12 characters; you will add a second factor)', 'password', 'required minlength="12" maxlength="256" autocomplete="new-password"')}
<p><button type="submit">Create super-admin</button></p>
</form>`,
  );
}

/** With a built web app, a valid setup link opens the app's setup page (which posts to /api/v1/setup); the plain form stays as the fallback. */
export function registerSetupPage(
  app: FastifyInstance,
  domain: Domain,
  webApp: WebApp | null = null,
): void {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 16_384 },
    (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );

  app.get('/setup', async (request, reply) => {
    const token = (request.query as Record<string, unknown>).token;
    reply.type('text/html; charset=utf-8');
    if (!(await domain.setup.needed()))
      return page('Setup is complete', '<p>A super-admin exists already. Sign in instead.</p>');
    if (typeof token !== 'string' || !TOKEN.test(token)) {
      return reply
        .status(400)
        .send(
          page(
            'Setup link needed',
            '<p>Open the link printed by the server, or run <code>palisade admin setup</code> for a new one.</p>',
          ),
        );
    }
    if (webApp) return sendWebAppIndex(reply, webApp);
    return form(token, {});
  });

  app.post('/setup', async (request, reply) => {
    reply.type('text/html; charset=utf-8');
    const site = request.headers['sec-fetch-site'];
    if (site === 'cross-site')
      return reply
        .status(403)
        .send(page('Refused', '<p>Cross-site requests are not accepted.</p>'));
    const body = (request.body ?? {}) as Record<string, unknown>;
    const str = (k: string): string => (typeof body[k] === 'string' ? body[k] : '');
    const token = str('token');
    if (!TOKEN.test(token))
      return reply
        .status(400)
        .send(page('Setup link needed', '<p>This form needs the token from a setup link.</p>'));
    const values = {
      username: str('username'),
      displayName: str('displayName'),
      extension: str('extension'),
      email: str('email'),
    };
    try {
      const user = await domain.setup.complete(domain.defaultTenant.id, {
        token,
        ...values,
        email: values.email === '' ? null : values.email,
        password: str('password'),
        remoteAddress: request.socket.remoteAddress ?? '',
        remotePort: request.socket.remotePort ?? 0,
      });
      return reply
        .status(201)
        .send(
          page(
            'Super-admin created',
            `<p>${escapeHtml(user.displayName)} (${escapeHtml(user.username)}) is the super-admin. This setup link no longer works.</p>`,
          ),
        );
    } catch (err) {
      if (!isPalisadeError(err)) throw err;
      if (err.code === 'forbidden' || err.code === 'conflict')
        return reply
          .status(err.httpStatus)
          .send(page('Setup not possible', `<p>${escapeHtml(err.message)}</p>`));
      return reply.status(err.httpStatus).send(form(token, values, err.message));
    }
  });
}
