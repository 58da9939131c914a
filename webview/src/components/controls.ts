/**
 * The webviews' own small set of form controls. They are built on @vscode/webview-ui-toolkit, which
 * is deprecated upstream: this file is the only one that touches it, so replacing the toolkit means
 * changing this file alone. Every text that comes from outside is set as text, never as HTML.
 */
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDropdown,
  vsCodeOption,
  vsCodeTextArea,
  vsCodeTextField,
} from '@vscode/webview-ui-toolkit';

provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeCheckbox(), vsCodeDropdown(), vsCodeOption(), vsCodeTextArea(), vsCodeTextField());

interface ValueElement extends HTMLElement {
  value: string;
  disabled: boolean;
}

interface CheckElement extends HTMLElement {
  checked: boolean;
  disabled: boolean;
}

export interface Field<T> {
  readonly root: HTMLElement;
  get(): T;
  set(value: T): void;
  setError(message: string | undefined): void;
  setVisible(visible: boolean): void;
  onChange(listener: () => void): void;
}

function wrap(label: string, control: HTMLElement, hint?: string): { root: HTMLElement; error: HTMLElement } {
  const root = document.createElement('div');
  root.className = 'field';
  const title = document.createElement('label');
  title.className = 'field-label';
  title.textContent = label;
  root.append(title, control);
  if (hint) {
    const hintEl = document.createElement('div');
    hintEl.className = 'field-hint';
    hintEl.textContent = hint;
    root.append(hintEl);
  }
  const error = document.createElement('div');
  error.className = 'field-error';
  error.setAttribute('role', 'alert');
  root.append(error);
  return { root, error };
}

function field<T>(root: HTMLElement, error: HTMLElement, control: HTMLElement, get: () => T, set: (v: T) => void): Field<T> {
  // An error describes the value it was found in: editing the value retires it.
  const clearError = () => {
    error.textContent = '';
    root.classList.remove('invalid');
  };
  control.addEventListener('input', clearError);
  control.addEventListener('change', clearError);
  return {
    root,
    get,
    set,
    setError(message) {
      error.textContent = message ?? '';
      root.classList.toggle('invalid', Boolean(message));
    },
    setVisible(visible) {
      root.hidden = !visible;
    },
    onChange(listener) {
      control.addEventListener('input', listener);
      control.addEventListener('change', listener);
    },
  };
}

export function textField(options: { id: string; label: string; placeholder?: string; hint?: string; password?: boolean }): Field<string> {
  const control = document.createElement('vscode-text-field') as ValueElement;
  control.id = options.id;
  control.setAttribute('data-field', options.id);
  if (options.placeholder) control.setAttribute('placeholder', options.placeholder);
  if (options.password) control.setAttribute('type', 'password');
  const { root, error } = wrap(options.label, control, options.hint);
  return field(root, error, control, () => control.value ?? '', (v) => (control.value = v));
}

/** A multi-line text field (record values, JSON). */
export function textArea(options: { id: string; label: string; placeholder?: string; hint?: string; rows?: number }): Field<string> {
  const control = document.createElement('vscode-text-area') as ValueElement;
  control.id = options.id;
  control.setAttribute('data-field', options.id);
  control.setAttribute('rows', String(options.rows ?? 5));
  control.setAttribute('resize', 'vertical');
  if (options.placeholder) control.setAttribute('placeholder', options.placeholder);
  const { root, error } = wrap(options.label, control, options.hint);
  return field(root, error, control, () => control.value ?? '', (v) => (control.value = v));
}

/** Replaces a dropdown's choices (e.g. the topics of the connection just picked). */
export function setChoices(f: Field<string>, choices: { value: string; label: string }[]): void {
  const control = f.root.querySelector('vscode-dropdown');
  if (!control) return;
  const current = f.get();
  control.replaceChildren(
    ...choices.map((choice) => {
      const option = document.createElement('vscode-option');
      option.setAttribute('value', choice.value);
      option.textContent = choice.label;
      return option;
    }),
  );
  if (choices.some((c) => c.value === current)) f.set(current);
}

export function dropdown<T extends string>(options: { id: string; label: string; choices: { value: T; label: string }[] }): Field<T> {
  const control = document.createElement('vscode-dropdown') as ValueElement;
  control.id = options.id;
  control.setAttribute('data-field', options.id);
  for (const choice of options.choices) {
    const option = document.createElement('vscode-option') as ValueElement;
    option.setAttribute('value', choice.value);
    option.textContent = choice.label;
    control.append(option);
  }
  const { root, error } = wrap(options.label, control);
  return field(root, error, control, () => control.value as T, (v) => (control.value = v));
}

export function checkbox(options: { id: string; label: string }): Field<boolean> {
  const control = document.createElement('vscode-checkbox') as CheckElement;
  control.id = options.id;
  control.setAttribute('data-field', options.id);
  control.textContent = options.label;
  const root = document.createElement('div');
  root.className = 'field';
  root.append(control);
  const error = document.createElement('div');
  error.className = 'field-error';
  root.append(error);
  return field(root, error, control, () => control.checked, (v) => (control.checked = v));
}

export function button(options: { id: string; label: string; secondary?: boolean; onClick: () => void }): HTMLElement & { disabled: boolean } {
  const control = document.createElement('vscode-button') as HTMLElement & { disabled: boolean };
  control.id = options.id;
  control.textContent = options.label;
  if (options.secondary) control.setAttribute('appearance', 'secondary');
  control.addEventListener('click', () => {
    if (!control.disabled) options.onClick();
  });
  return control;
}

/** A line of status text (test results, save errors); always plain text. */
export function statusLine(id: string): { root: HTMLElement; show(text: string, kind: 'info' | 'ok' | 'error' | 'busy'): void } {
  const root = document.createElement('div');
  root.id = id;
  root.className = 'status';
  root.setAttribute('role', 'status');
  return {
    root,
    show(text, kind) {
      root.textContent = text;
      root.dataset.kind = kind;
    },
  };
}
