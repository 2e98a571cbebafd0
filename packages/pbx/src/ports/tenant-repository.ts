import type { ListOptions } from './list-options.ts';

/**
 * Tenants: each has its own SIP domain (unique, stored lower-case). The
 * default tenant is the one a single-company installation uses.
 */
export interface Tenant {
  readonly id: string;
  readonly name: string;
  readonly sipDomain: string;
  readonly createdAt: number;
}

export interface NewTenant {
  readonly name: string;
  /** Lower-cased by the repository. */
  readonly sipDomain: string;
}

export interface TenantPatch {
  readonly name?: string;
  readonly sipDomain?: string;
}

export const DEFAULT_TENANT_NAME = 'default';

export interface TenantRepository {
  /** Throws PalisadeError('conflict') naming `name` or `sipDomain` when taken. */
  create(input: NewTenant): Promise<Tenant>;
  findById(id: string): Promise<Tenant | null>;
  findBySipDomain(sipDomain: string): Promise<Tenant | null>;
  findByName(name: string): Promise<Tenant | null>;
  list(options?: ListOptions): Promise<Tenant[]>;
  /** Throws PalisadeError('not_found') for an unknown id, 'conflict' for a taken name or domain. */
  update(id: string, patch: TenantPatch): Promise<Tenant>;
  /** Deletes the tenant and everything it owns; false when it did not exist. */
  delete(id: string): Promise<boolean>;
  /**
   * Returns the tenant named DEFAULT_TENANT_NAME, creating it with `sipDomain`
   * when missing. An existing default tenant keeps its domain.
   */
  ensureDefaultTenant(sipDomain: string): Promise<Tenant>;
}
