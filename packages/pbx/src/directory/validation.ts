/**
 * The rules for directory fields, shared by the API, the CLI and the console.
 * Each check throws PalisadeError('validation_failed') naming the field.
 */
import { PalisadeError } from '@palisade/common';

interface Rule {
  readonly pattern: RegExp;
  readonly explain: string;
}

export const FIELD_RULES = {
  username: {
    pattern: /^[a-z0-9][a-z0-9._-]{0,63}$/,
    explain:
      '1–64 lower-case letters, digits, dot, dash or underscore, starting with a letter or digit',
  },
  extension: { pattern: /^[0-9]{2,15}$/, explain: '2–15 digits' },
  displayName: {
    pattern: /^[^\p{Cc}]{1,128}$/u,
    explain: '1–128 characters, no control characters',
  },
  email: {
    pattern: /^[^\s@\p{Cc}]{1,64}@[A-Za-z0-9.-]{1,189}\.[A-Za-z]{2,63}$/u,
    explain: 'an e-mail address like name@example.com',
  },
  mobile: {
    pattern: /^\+?[0-9]{4,20}$/,
    explain: 'a phone number in international form like +4915112345678',
  },
  sipUsername: {
    pattern: /^[A-Za-z0-9._~-]{1,64}$/,
    explain: '1–64 letters, digits, dot, dash, underscore or tilde',
  },
  label: { pattern: /^[^\p{Cc}]{0,64}$/u, explain: 'at most 64 characters, no control characters' },
  groupName: { pattern: /^[^\p{Cc}]{1,64}$/u, explain: '1–64 characters, no control characters' },
  description: {
    pattern: /^[^\p{Cc}]{0,256}$/u,
    explain: 'at most 256 characters, no control characters',
  },
  tenantName: { pattern: /^[^\p{Cc}]{1,64}$/u, explain: '1–64 characters, no control characters' },
  sipDomain: {
    pattern:
      /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/,
    explain: 'a lower-case host name like pbx.example.com',
  },
} as const satisfies Record<string, Rule>;

export type Field = keyof typeof FIELD_RULES;

export function check(field: Field, value: string): string {
  const rule = FIELD_RULES[field];
  if (!rule.pattern.test(value)) {
    throw new PalisadeError('validation_failed', `${field} must be ${rule.explain}`, {
      details: { field },
    });
  }
  return value;
}

/** Checks an optional field: undefined passes through, null clears. */
export function checkOptional(
  field: Field,
  value: string | null | undefined,
): string | null | undefined {
  return value === undefined || value === null ? value : check(field, value);
}
