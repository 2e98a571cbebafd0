/** The policies the `ids` configuration section asks for: the system's and each tenant's. */
import { buildPolicy } from '@palisade/security';
import type { IdsPolicyConfig, IdsPreset, IdsRule, IdsRuleName } from '@palisade/security';
import type { PalisadeConfig } from '../config/schema.ts';

function policyFor(preset: IdsPreset, c: PalisadeConfig['ids']): IdsPolicyConfig {
  const rules: Partial<Record<IdsRuleName, Partial<IdsRule>>> = {
    'sip-flood': { limit: c.floodRequests, windowMs: c.floodWindowMs },
    'bad-destination': {
      limit: c.badDestinationLimit - 1,
      windowMs: c.badDestinationWindowSeconds * 1000,
    },
    'rtp-wrong-source': {
      limit: c.rtpWrongSourcePackets - 1,
      windowMs: c.rtpWrongSourceWindowSeconds * 1000,
    },
  };
  const auth: Partial<IdsRule> = {
    ...(c.authFailureLimit > 0 ? { limit: c.authFailureLimit - 1 } : {}),
    ...(c.authFailureWindowSeconds > 0 ? { windowMs: c.authFailureWindowSeconds * 1000 } : {}),
  };
  for (const name of ['sip-auth-user', 'login-failure', 'mfa-failure'] as const) rules[name] = auth;
  return buildPolicy(preset, {
    rules,
    ...(c.banDurationsSeconds.length > 0
      ? { banDurationsMs: c.banDurationsSeconds.map((s) => s * 1000) }
      : {}),
  });
}

export function idsPolicies(
  c: PalisadeConfig['ids'],
): (tenantId: string | undefined) => IdsPolicyConfig {
  const system = policyFor(c.preset, c);
  const tenants = new Map<string, IdsPolicyConfig>();
  for (const entry of c.tenantPresets) {
    const [tenantId = '', preset] = entry.split('=');
    tenants.set(tenantId, policyFor(preset === 'vendor' ? 'vendor' : 'standard', c));
  }
  return (tenantId) => (tenantId !== undefined ? tenants.get(tenantId) : undefined) ?? system;
}
