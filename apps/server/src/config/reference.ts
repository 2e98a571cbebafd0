/** Renders the configuration reference (docs/configuration.md) from the schema. */
import { configSchema } from './schema.ts';
import type { Schema } from './schema-kit.ts';
import { envName } from './schema-kit.ts';

function show(value: unknown): string {
  if (value === null || value === '') return '(unset)';
  if (Array.isArray(value))
    return value.length === 0 ? '(none)' : value.map((v) => show(v)).join(', ');
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : JSON.stringify(value);
}

export function renderConfigReference(): string {
  const lines = [
    '# Configuration reference',
    '',
    'Generated from `apps/server/src/config/schema.ts` by `palisade config reference`; do not edit by hand.',
    '',
    'Settings live in `palisade.yaml` (or the file given by `--config` or `PALISADE_CONFIG`), one mapping per section.',
    'Each is also settable by an environment variable; lists there are comma-separated. The server refuses to start',
    'on an invalid value and names the setting and the reason.',
    '',
  ];
  for (const [section, settings] of Object.entries(configSchema as Schema)) {
    lines.push(
      `## ${section}`,
      '',
      '| setting | environment | type | default | meaning |',
      '| --- | --- | --- | --- | --- |',
    );
    for (const [key, s] of Object.entries(settings)) {
      lines.push(
        `| \`${section}.${key}\` | \`${envName(section, key)}\` | ${s.type} | ${s.show ? s.show(s.default) : show(s.default)} | ${s.doc} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}
