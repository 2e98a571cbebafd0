/** Serialises URIs back to their wire form. */
import type { Uri } from './uri-types.ts';

/** The text of URIs that cannot change (parsed ones are frozen and shared): written once each. */
const written = new WeakMap<Uri, string>();

export function formatUri(uri: Uri): string {
  if (!Object.isFrozen(uri)) return format(uri);
  let text = written.get(uri);
  if (text === undefined) {
    text = format(uri);
    written.set(uri, text);
  }
  return text;
}

function format(uri: Uri): string {
  switch (uri.kind) {
    case 'sip': {
      let out = `${uri.scheme}:`;
      if (uri.user !== undefined) {
        out += uri.user;
        if (uri.password !== undefined) out += `:${uri.password}`;
        out += '@';
      }
      out += uri.host;
      if (uri.port !== undefined) out += `:${uri.port}`;
      out += uri.params.toString();
      if (uri.headers.length > 0) out += `?${uri.headers.map(([n, v]) => `${n}=${v}`).join('&')}`;
      return out;
    }
    case 'tel':
      return `tel:${uri.number}${uri.params.toString()}`;
    case 'other':
      return uri.raw;
  }
}
