/** Small accessible building blocks: labelled fields, alerts, busy buttons, loading. */
import { useId, type InputHTMLAttributes, type ReactNode } from 'react';

export function Field(
  props: { label: string; hint?: string } & InputHTMLAttributes<HTMLInputElement>,
) {
  const { label, hint, ...input } = props;
  const generated = useId();
  const id = input.id ?? generated;
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-describedby={hintId} {...input} />
      {hint ? (
        <small id={hintId} className="hint">
          {hint}
        </small>
      ) : null}
    </div>
  );
}

export function Alert(props: { children: ReactNode; kind?: 'error' | 'info' | 'success' }) {
  const kind = props.kind ?? 'error';
  return (
    <div className={`alert alert-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {props.children}
    </div>
  );
}

export function ErrorText(props: { error: string | null }) {
  return props.error ? <Alert>{props.error}</Alert> : null;
}

export function Loading(props: { what?: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      Loading{props.what ? ` ${props.what}` : ''}…
    </p>
  );
}

export function Submit(props: { busy: boolean; children: ReactNode; className?: string }) {
  return (
    <button
      type="submit"
      className={props.className ?? 'primary'}
      disabled={props.busy}
      aria-busy={props.busy}
    >
      {props.busy ? 'Working…' : props.children}
    </button>
  );
}

/** A secret shown once, with a copy button and a plain warning. */
export function ShownOnce(props: { title: string; children: ReactNode; onDone: () => void }) {
  return (
    <section className="shown-once" aria-label={props.title}>
      <h3>{props.title}</h3>
      <p className="warning">Shown this once: copy it now. The server keeps only a hash.</p>
      {props.children}
      <button type="button" onClick={props.onDone}>
        I have copied it
      </button>
    </section>
  );
}

export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return new Date(ms).toLocaleString();
}
