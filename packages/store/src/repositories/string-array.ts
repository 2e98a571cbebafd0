/** Parses a JSON column holding an array of strings. */
export function parseStringArray(text: string): string[] {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
    throw new Error('stored value is not an array of strings');
  return value;
}
