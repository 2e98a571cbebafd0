/**
 * The port the SIP side asks before placing a call: may this user call into
 * this class (internal, national, international, emergency)? Answered from
 * the user's ACL groups (PRODUCT §C9).
 */
import type { AccountDirectory } from '../ports/account-directory.ts';

export type CallClass = 'internal' | 'national' | 'international' | 'emergency';

export interface CallClassAuthorizer {
  canCall(userId: string, callClass: CallClass): Promise<boolean>;
}

export class GroupCallClassAuthorizer implements CallClassAuthorizer {
  readonly #directory: AccountDirectory;

  constructor(directory: AccountDirectory) {
    this.#directory = directory;
  }

  async canCall(userId: string, callClass: CallClass): Promise<boolean> {
    const account = await this.#directory.findById(userId);
    if (!account || !account.active) return false;
    const access = await this.#directory.access(userId);
    return access.permissions.has(`call:${callClass}`);
  }
}
