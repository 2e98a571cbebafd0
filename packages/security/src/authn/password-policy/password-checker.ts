/**
 * Checks a candidate password against a policy and says, in plain words,
 * everything that is wrong with it (all reasons at once, so the user fixes
 * them in one go). Lengths count Unicode code points of the NFKC form, the
 * form the hasher stores.
 */
import { loadCommonPasswords } from './common-passwords.ts';
import type { PasswordPolicy } from './password-policy.ts';

export interface PasswordContext {
  readonly username?: string;
  readonly extension?: string;
  /** The tenant's name or domain. */
  readonly tenant?: string;
  readonly email?: string;
  readonly displayName?: string;
  /** Whether this user must use a second factor (lowers the minimum length). */
  readonly mfaEnforced?: boolean;
  /** Further words to refuse (e.g. the company's name). */
  readonly extraWords?: readonly string[];
}

export type PasswordProblemCode =
  | 'too-short'
  | 'too-long'
  | 'needs-uppercase'
  | 'needs-lowercase'
  | 'needs-digit'
  | 'needs-special'
  | 'common'
  | 'repetitive'
  | 'sequential'
  | 'context';

export interface PasswordProblem {
  readonly code: PasswordProblemCode;
  readonly message: string;
}

export const PRODUCT_NAME = 'palisade';

/** Context words shorter than this are not looked for inside passwords. */
const MIN_CONTEXT_WORD = 3;

const LEET: Readonly<Record<string, string>> = {
  '@': 'a',
  '4': 'a',
  '3': 'e',
  '1': 'i',
  '!': 'i',
  '0': 'o',
  $: 's',
  '5': 's',
  '7': 't',
};

function deLeet(text: string): string {
  return [...text].map((c) => LEET[c] ?? c).join('');
}

/** The password without digits and symbols at either end ("Password123!" → "password"). */
function core(lower: string): string {
  return lower.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
}

/** True when the whole password is one short unit (≤ 4 characters) repeated. */
function isRepetitive(chars: readonly string[]): boolean {
  for (let unit = 1; unit <= 4 && unit * 2 <= chars.length; unit++) {
    if (chars.every((c, i) => c === chars[i % unit])) return true;
  }
  return false;
}

/** True when every character is the one before it plus (or minus) one: "abcdef", "987654". */
function isSequential(chars: readonly string[]): boolean {
  if (chars.length < 3) return false;
  const step = chars[1]!.codePointAt(0)! - chars[0]!.codePointAt(0)!;
  if (step !== 1 && step !== -1) return false;
  return chars.every(
    (c, i) => i === 0 || c.codePointAt(0)! - chars[i - 1]!.codePointAt(0)! === step,
  );
}

function contextWords(context: PasswordContext): { word: string; what: string }[] {
  const words: { word: string; what: string }[] = [
    { word: PRODUCT_NAME, what: 'the product name' },
  ];
  const add = (value: string | undefined, what: string) => {
    if (value) words.push({ word: value, what });
  };
  add(context.username, 'your user name');
  add(context.extension, 'your extension number');
  add(context.tenant, "your organisation's name");
  add(context.displayName, 'your name');
  if (context.email) {
    const [local, domain] = context.email.split('@');
    add(local, 'your e-mail address');
    add(domain?.split('.')[0], 'your e-mail domain');
  }
  // Display names: each part of "Ada Lovelace" on its own too.
  if (context.displayName)
    for (const part of context.displayName.split(/\s+/)) add(part, 'your name');
  for (const w of context.extraWords ?? []) add(w, 'a word specific to this site');
  return words
    .map((w) => ({ ...w, word: w.word.normalize('NFKC').toLowerCase() }))
    .filter((w) => [...w.word].length >= MIN_CONTEXT_WORD);
}

export async function checkPassword(
  password: string,
  policy: PasswordPolicy,
  context: PasswordContext = {},
): Promise<PasswordProblem[]> {
  const tooLong: PasswordProblem = {
    code: 'too-long',
    message: `Use at most ${policy.maxLength} characters.`,
  };
  // Cheap bound before any work on huge input: composition shrinks at most a
  // few UTF-16 units into one code point (3 for Hangul jamo or a letter with
  // two marks), so 8 units per allowed character is safely too long.
  if (typeof password !== 'string' || password.length > policy.maxLength * 8) return [tooLong];
  const problems: PasswordProblem[] = [];
  const normalised = password.normalize('NFKC');
  const chars = [...normalised];
  const lower = normalised.toLowerCase();

  const min =
    context.mfaEnforced === true && policy.minLengthWithMfa !== null
      ? policy.minLengthWithMfa
      : policy.minLength;
  if (chars.length < min)
    problems.push({ code: 'too-short', message: `Use at least ${min} characters.` });
  if (chars.length > policy.maxLength) {
    // Nothing else is worth checking on something we will not accept anyway.
    return [tooLong];
  }
  if (policy.requireUppercase && !/\p{Lu}/u.test(normalised))
    problems.push({ code: 'needs-uppercase', message: 'Include an upper-case letter.' });
  if (policy.requireLowercase && !/\p{Ll}/u.test(normalised))
    problems.push({ code: 'needs-lowercase', message: 'Include a lower-case letter.' });
  if (policy.requireDigit && !/\p{Nd}/u.test(normalised))
    problems.push({ code: 'needs-digit', message: 'Include a digit.' });
  if (policy.requireSpecial && !/[^\p{L}\p{N}]/u.test(normalised))
    problems.push({
      code: 'needs-special',
      message: 'Include a character that is neither a letter nor a digit.',
    });

  if (policy.blocklist && chars.length > 0) {
    const common = await loadCommonPasswords();
    const candidates = new Set([lower, deLeet(lower), core(lower), core(deLeet(lower))]);
    if ([...candidates].some((c) => c.length > 0 && common.has(c)))
      problems.push({
        code: 'common',
        message:
          'This is one of the most common passwords (or one with only small changes): choose another.',
      });
    else if (isRepetitive(chars))
      problems.push({
        code: 'repetitive',
        message: 'Do not just repeat a character or a short pattern.',
      });
    else if (isSequential(chars))
      problems.push({
        code: 'sequential',
        message: 'Do not use a simple sequence such as "abcdef" or "98765".',
      });
  }

  if (policy.contextWords) {
    const seen = new Set<string>();
    for (const { word, what } of contextWords(context)) {
      if (seen.has(what) || !(lower.includes(word) || deLeet(lower).includes(word))) continue;
      seen.add(what);
      problems.push({ code: 'context', message: `Do not use ${what} in your password.` });
    }
  }
  return problems;
}
