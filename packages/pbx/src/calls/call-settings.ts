/**
 * Per-tenant call settings (PRODUCT §A6): the dial plan's prefix rules and
 * emergency numbers, the no-answer timeout, ring groups, SRTP towards SIP
 * phones, and per-user forwarding and do-not-disturb. Stored as tenant settings (JSON), read
 * through `parseCallSettings` so a bad stored value is refused with the
 * field it concerns.
 */
import { PalisadeError } from '@palisade/common';
import type { JsonValue } from '../ports/json-value.ts';
import type { TenantSettingsRepository } from '../ports/tenant-settings-repository.ts';
import type { PhoneSrtp } from './media-transport.ts';

export type RingStrategy = 'simultaneous' | 'sequential';

export interface RingGroup {
  readonly extension: string;
  readonly name: string;
  readonly strategy: RingStrategy;
  /** Member extensions, in ringing order for `sequential`. */
  readonly members: readonly string[];
  /** How long each member rings in `sequential` mode. */
  readonly ringSeconds: number;
}

export interface CallSettings {
  readonly emergencyNumbers: readonly string[];
  readonly nationalPrefixes: readonly string[];
  readonly internationalPrefixes: readonly string[];
  /** After this long unanswered, the call goes to no-answer forwarding or gets 480. */
  readonly noAnswerSeconds: number;
  readonly ringGroups: readonly RingGroup[];
  /** SDES-SRTP offered to SIP phones: `always`, or `as-caller` (when the caller's offer was SDES-SRTP). */
  readonly phoneSrtp: PhoneSrtp;
}

export interface ForwardingSettings {
  readonly doNotDisturb: boolean;
  readonly unconditional: string | null;
  readonly busy: string | null;
  readonly noAnswer: string | null;
}

export const CALL_SETTINGS_KEY = 'calls';
export const forwardingKey = (userId: string): string => `call-forwarding:${userId}`;

export const DEFAULT_CALL_SETTINGS: CallSettings = Object.freeze({
  emergencyNumbers: ['112', '911'],
  nationalPrefixes: ['0'],
  internationalPrefixes: ['00', '+'],
  noAnswerSeconds: 30,
  ringGroups: [],
  phoneSrtp: 'as-caller',
});

export const NO_FORWARDING: ForwardingSettings = Object.freeze({
  doNotDisturb: false,
  unconditional: null,
  busy: null,
  noAnswer: null,
});

const DIALLED = /^\+?[0-9*#]{1,32}$/;
/** A prefix may be a lone `+` (international numbers written with it). */
const PREFIX = /^(?:\+|\+?[0-9*#]{1,32})$/;
const EXTENSION = /^[0-9]{1,32}$/;
const NAME = /^[^\p{Cc}]{1,100}$/u;
const MAX_LIST = 64;

function invalid(field: string, why: string): never {
  throw new PalisadeError('validation_failed', `${field}: ${why}`, { details: { field } });
}

function record(value: JsonValue | undefined, field: string): Readonly<Record<string, JsonValue>> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || isList(value)) invalid(field, 'must be an object');
  return value;
}

function isList(value: JsonValue): value is readonly JsonValue[] {
  return Array.isArray(value);
}

function strings(
  value: JsonValue | undefined,
  field: string,
  pattern: RegExp,
): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length > MAX_LIST)
    invalid(field, `must be a list of at most ${MAX_LIST}`);
  return value.map((v, i) => {
    if (typeof v !== 'string' || !pattern.test(v)) invalid(`${field}[${i}]`, 'not a valid number');
    return v;
  });
}

function seconds(value: JsonValue | undefined, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 5 || value > 600)
    invalid(field, 'must be 5 to 600 seconds');
  return value;
}

function target(value: JsonValue | undefined, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !DIALLED.test(value)) invalid(field, 'not a valid number');
  return value;
}

function ringGroup(value: JsonValue, i: number): RingGroup {
  const field = `ringGroups[${i}]`;
  const g = record(value, field);
  const extension = g['extension'];
  if (typeof extension !== 'string' || !EXTENSION.test(extension))
    invalid(`${field}.extension`, 'must be digits');
  const strategy = g['strategy'] ?? 'simultaneous';
  if (strategy !== 'simultaneous' && strategy !== 'sequential')
    invalid(`${field}.strategy`, 'must be simultaneous or sequential');
  const members = strings(g['members'], `${field}.members`, EXTENSION) ?? [];
  if (members.length === 0) invalid(`${field}.members`, 'must name at least one extension');
  const name = g['name'] ?? extension;
  if (typeof name !== 'string' || !NAME.test(name))
    invalid(`${field}.name`, '1 to 100 characters, no control characters');
  return {
    extension,
    name,
    strategy,
    members,
    ringSeconds: seconds(g['ringSeconds'], `${field}.ringSeconds`, 20),
  };
}

export function parseCallSettings(value: JsonValue | undefined): CallSettings {
  const v = record(value, 'calls');
  const groups = v['ringGroups'];
  if (groups !== undefined && (!Array.isArray(groups) || groups.length > MAX_LIST))
    invalid('ringGroups', `must be a list of at most ${MAX_LIST}`);
  const d = DEFAULT_CALL_SETTINGS;
  const phoneSrtp = v['phoneSrtp'] ?? d.phoneSrtp;
  if (phoneSrtp !== 'as-caller' && phoneSrtp !== 'always')
    invalid('phoneSrtp', 'must be as-caller or always');
  return {
    emergencyNumbers:
      strings(v['emergencyNumbers'], 'emergencyNumbers', DIALLED) ?? d.emergencyNumbers,
    nationalPrefixes:
      strings(v['nationalPrefixes'], 'nationalPrefixes', PREFIX) ?? d.nationalPrefixes,
    internationalPrefixes:
      strings(v['internationalPrefixes'], 'internationalPrefixes', PREFIX) ??
      d.internationalPrefixes,
    noAnswerSeconds: seconds(v['noAnswerSeconds'], 'noAnswerSeconds', d.noAnswerSeconds),
    ringGroups: (groups ?? []).map(ringGroup),
    phoneSrtp,
  };
}

export function parseForwarding(value: JsonValue | undefined): ForwardingSettings {
  const v = record(value, 'forwarding');
  const dnd = v['doNotDisturb'] ?? false;
  if (typeof dnd !== 'boolean') invalid('doNotDisturb', 'must be true or false');
  return {
    doNotDisturb: dnd,
    unconditional: target(v['unconditional'], 'unconditional'),
    busy: target(v['busy'], 'busy'),
    noAnswer: target(v['noAnswer'], 'noAnswer'),
  };
}

/** The tenant's call settings as stored (the defaults when none are). */
export async function storedCallSettings(
  settings: TenantSettingsRepository,
  tenantId: string,
): Promise<CallSettings> {
  return parseCallSettings((await settings.get(tenantId, CALL_SETTINGS_KEY))?.value);
}

/** The ring group that owns `extension` in the tenant, if any (users may not take it). */
export async function ringGroupWithExtension(
  settings: TenantSettingsRepository,
  tenantId: string,
  extension: string,
): Promise<string | undefined> {
  const groups = (await storedCallSettings(settings, tenantId)).ringGroups;
  return groups.find((g) => g.extension === extension)?.name;
}
