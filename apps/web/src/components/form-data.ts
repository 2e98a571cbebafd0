/** A form field's text (files and missing fields read as empty). */
export function formText(f: FormData, name: string): string {
  const v = f.get(name);
  return typeof v === 'string' ? v : '';
}

/** Every value of a multi-valued field as text. */
export function formTexts(f: FormData, name: string): string[] {
  return f.getAll(name).filter((v): v is string => typeof v === 'string');
}
