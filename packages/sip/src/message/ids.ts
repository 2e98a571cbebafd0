/** Random identifiers: branch (with the RFC 3261 §8.1.1.7 magic cookie), tags, Call-IDs. */
import { randomString } from '@palisade/common';
import { MAGIC_COOKIE } from '../headers/via-header.ts';

const token = (bytes: number): string => randomString(bytes, 'base64url');

export const newBranch = (): string => `${MAGIC_COOKIE}${token(12)}`;
export const newTag = (): string => token(9);
export const newCallId = (): string => token(16);
