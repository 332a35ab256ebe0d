import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';
import type { Loaded } from '../load';

type ButtonProps = JSX.HTMLAttributes<HTMLButtonElement> & { variant?: 'primary' | 'secondary' | 'danger'; disabled?: boolean; type?: 'button' | 'submit' };

/** A real <button> (keyboard and screen readers for free); type="button" unless it submits a form. */
export function Button({ variant = 'secondary', type = 'button', class: cls, ...rest }: ButtonProps) {
  return <button type={type} class={`btn btn-${variant}${cls ? ` ${String(cls)}` : ''}`} {...rest} />;
}

export interface FieldProps {
  label: string;
  /** The key's description (from the config metadata), under the label. */
  description?: string;
  /** The unit shown after the input ("$", "%", "years"). */
  unit?: string;
  /** The validation message naming what is wrong; marks the input invalid. */
  error?: string;
  /** Renders the input; gets the id and aria attributes to put on it. */
  children: (input: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => ComponentChildren;
}

/** A labelled input with its description, unit and inline error (announced: aria-describedby). */
export function Field({ label, description, unit, error, children }: FieldProps) {
  const id = useId();
  const describedBy = [description ? `${id}-desc` : '', error ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${error ? ' field-invalid' : ''}`}>
      <label for={id}>{label}</label>
      {description && (
        <p class="field-desc" id={`${id}-desc`}>
          {description}
        </p>
      )}
      <div class="field-input">
        {children({ id, 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined })}
        {unit && <span class="field-unit">{unit}</span>}
      </div>
      {error && (
        <p class="field-error" id={`${id}-err`} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

export interface SelectProps {
  label: string;
  value: string;
  options: ReadonlyArray<{ value: string; label: string }>;
  onChange: (value: string) => void;
  disabled?: boolean;
}

export function Select({ label, value, options, onChange, disabled }: SelectProps) {
  const id = useId();
  return (
    <span class="select">
      <label for={id}>{label}</label>
      <select id={id} value={value} disabled={disabled} onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </span>
  );
}

export interface TabsProps {
  label: string;
  tabs: ReadonlyArray<{ id: string; label: string }>;
  active: string;
  onChange: (id: string) => void;
  children: ComponentChildren;
}

/** ARIA tabs: arrow keys move between tabs, the panel follows. */
export function Tabs({ label, tabs, active, onChange, children }: TabsProps) {
  const base = useId();
  const onKey = (e: KeyboardEvent): void => {
    const at = tabs.findIndex((t) => t.id === active);
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0 || at < 0) return;
    e.preventDefault();
    const next = tabs[(at + step + tabs.length) % tabs.length]!;
    onChange(next.id);
    document.getElementById(`${base}-${next.id}`)?.focus();
  };
  return (
    <div class="tabs">
      <div role="tablist" aria-label={label} onKeyDown={onKey}>
        {tabs.map((t) => (
          <button
            type="button"
            role="tab"
            key={t.id}
            id={`${base}-${t.id}`}
            aria-selected={t.id === active}
            aria-controls={`${base}-panel`}
            tabIndex={t.id === active ? 0 : -1}
            onClick={() => onChange(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${base}-panel`} aria-labelledby={`${base}-${active}`} class="tab-panel">
        {children}
      </div>
    </div>
  );
}

export interface DialogProps {
  title: string;
  open: boolean;
  /** The confirm button's text ("Delete"). */
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  children?: ComponentChildren;
}

/** A modal confirm (<dialog>: focus trapped, Escape cancels). */
export function Dialog({ title, open, confirmLabel, danger, onConfirm, onCancel, children }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} aria-labelledby={id} onCancel={(e) => (e.preventDefault(), onCancel())}>
      <h2 id={id}>{title}</h2>
      <div class="dialog-body">{children}</div>
      <div class="dialog-actions">
        <Button onClick={onCancel}>Cancel</Button>
        <Button variant={danger ? 'danger' : 'primary'} onClick={onConfirm}>
          {confirmLabel}
        </Button>
      </div>
    </dialog>
  );
}

/** A message box: errors are announced (role=alert), information politely (role=status). */
export function Notice({ kind, title, children }: { kind: 'error' | 'info' | 'success'; title?: string; children?: ComponentChildren }) {
  return (
    <div class={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {title && <strong>{title}</strong>}
      {children && <div>{children}</div>}
    </div>
  );
}

export function Spinner({ label = 'Loading…' }: { label?: string }) {
  return (
    <div class="spinner" role="status">
      <span class="spinner-wheel" aria-hidden="true" />
      {label}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="empty">
      <p class="empty-title">{title}</p>
      {children}
    </div>
  );
}

/** The page's <h1>, a line saying what it shows, and its actions on the right. */
export function PageHeader({ title, subtitle, actions }: { title: string; subtitle?: ComponentChildren; actions?: ComponentChildren }) {
  return (
    <header class="page-header">
      <div>
        <h1>{title}</h1>
        {subtitle && <p class="page-subtitle">{subtitle}</p>}
      </div>
      {actions && <div class="page-actions">{actions}</div>}
    </header>
  );
}

/** A loaded value's three states: the spinner, the error (with Retry), else the content. */
export function LoadState<T>({ state, children }: { state: Loaded<T>; children: (data: T) => ComponentChildren }) {
  if (state.error !== undefined) {
    return (
      <Notice kind="error" title="Could not load">
        <p>{state.error.message}</p>
        <Button onClick={state.reload}>Retry</Button>
      </Notice>
    );
  }
  if (state.data === undefined) return <Spinner />;
  return <>{children(state.data)}</>;
}
