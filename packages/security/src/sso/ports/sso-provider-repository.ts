import type { SsoProvider, SsoProviderKind } from '../sso-provider.ts';

export interface NewSsoProvider {
  readonly tenantId: string;
  readonly kind: SsoProviderKind;
  readonly name: string;
  readonly enabled: boolean;
  /** Validated by the caller; stored as JSON. */
  readonly config: SsoProvider['config'];
  readonly sealedSecret: string | null;
}

export interface SsoProviderPatch {
  readonly name?: string;
  readonly enabled?: boolean;
  readonly config?: SsoProvider['config'];
  readonly sealedSecret?: string | null;
}

export interface SsoProviderRepository {
  /** Throws PalisadeError('conflict') naming `name` when the tenant has one of that name. */
  create(input: NewSsoProvider): Promise<SsoProvider>;
  findById(id: string): Promise<SsoProvider | null>;
  /** Ordered by name. */
  list(tenantId: string): Promise<SsoProvider[]>;
  /** Throws PalisadeError('not_found') for an unknown id. */
  update(id: string, patch: SsoProviderPatch): Promise<SsoProvider>;
  /** Deletes the provider and its linked identities; false when it did not exist. */
  delete(id: string): Promise<boolean>;
}
