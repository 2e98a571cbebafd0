/** Labelled select and multi-line fields, alongside `Field` (ui.tsx) for inputs. */
import {
  useId,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from 'react';

function Labelled(props: { id: string; label: string; hint?: string; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      {props.children}
      {props.hint ? (
        <small id={`${props.id}-hint`} className="hint">
          {props.hint}
        </small>
      ) : null}
    </div>
  );
}

export function SelectField(
  props: {
    label: string;
    hint?: string;
    children: ReactNode;
  } & SelectHTMLAttributes<HTMLSelectElement>,
) {
  const { label, hint, children, ...select } = props;
  const generated = useId();
  const id = select.id ?? generated;
  return (
    <Labelled id={id} label={label} {...(hint ? { hint } : {})}>
      <select id={id} aria-describedby={hint ? `${id}-hint` : undefined} {...select}>
        {children}
      </select>
    </Labelled>
  );
}

export function TextAreaField(
  props: { label: string; hint?: string } & TextareaHTMLAttributes<HTMLTextAreaElement>,
) {
  const { label, hint, ...area } = props;
  const generated = useId();
  const id = area.id ?? generated;
  return (
    <Labelled id={id} label={label} {...(hint ? { hint } : {})}>
      <textarea id={id} aria-describedby={hint ? `${id}-hint` : undefined} {...area} />
    </Labelled>
  );
}

/** A checkbox with its label beside it. */
export function CheckField(props: {
  label: ReactNode;
  name: string;
  defaultChecked?: boolean;
  checked?: boolean;
  onChange?: (checked: boolean) => void;
  disabled?: boolean;
}) {
  return (
    <label className="check">
      <input
        type="checkbox"
        name={props.name}
        {...(props.checked !== undefined ? { checked: props.checked } : {})}
        {...(props.defaultChecked !== undefined ? { defaultChecked: props.defaultChecked } : {})}
        {...(props.onChange ? { onChange: (e) => props.onChange?.(e.target.checked) } : {})}
        disabled={props.disabled}
      />{' '}
      {props.label}
    </label>
  );
}

/** Words separated by spaces, commas or new lines, as a list. */
export function wordList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((w) => w.trim())
    .filter((w) => w !== '');
}

/** One choice among a few, as radio buttons side by side. */
export function SegmentedChoice<T extends string>(props: {
  legend: string;
  name: string;
  options: readonly (readonly [T, ReactNode])[];
  value: T;
  onChange: (value: T) => void;
}) {
  return (
    <fieldset className="segmented">
      <legend>{props.legend}</legend>
      {props.options.map(([value, label]) => (
        <label key={value}>
          <input
            type="radio"
            name={props.name}
            value={value}
            checked={props.value === value}
            onChange={() => props.onChange(value)}
          />
          {label}
        </label>
      ))}
    </fieldset>
  );
}
