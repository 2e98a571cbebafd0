/** Makes user-typed text safe for logs: control characters become \uXXXX, length is capped. */
export function escapeControl(text: string, max = 128): string {
  return text
    .slice(0, max)
    .replace(
      /[\p{Cc}\u2028\u2029]/gu,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
}
