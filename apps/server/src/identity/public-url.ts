/** The public base URL, known for sure only once the HTTPS listener is bound (port 0 in tests). */
export class PublicUrl {
  #value: string;

  constructor(initial: string) {
    this.#value = initial.replace(/\/$/, '');
  }

  get(): string {
    return this.#value;
  }

  set(url: string): void {
    this.#value = url.replace(/\/$/, '');
  }

  origin(): string {
    return new URL(this.#value).origin;
  }
}
