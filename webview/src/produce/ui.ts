/**
 * Compact controls for the Produce form, drawn like VS Code's own (settings editor, quick input):
 * native inputs and selects styled only with --vscode-* variables, codicon buttons, one line each.
 * The shared toolkit controls (components/controls.ts) are a full-width column per field, which
 * made the form two screens tall. Every text from outside is set as text, never as HTML.
 */

export interface Control<T> {
  /** The element to place in the layout (the control, or a wrapper holding it and its error). */
  readonly root: HTMLElement;
  /** The element that takes focus and input. */
  readonly input: HTMLElement;
  get(): T;
  set(value: T): void;
  setError(message: string | undefined): void;
  setVisible(visible: boolean): void;
  onChange(listener: () => void): void;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: { className?: string; id?: string; text?: string; title?: string } = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (props.className) e.className = props.className;
  if (props.id) e.id = props.id;
  if (props.text !== undefined) e.textContent = props.text;
  if (props.title) e.title = props.title;
  e.append(...children);
  return e;
}

export function codicon(name: string): HTMLElement {
  const i = el('i', { className: `codicon codicon-${name}` });
  i.setAttribute('aria-hidden', 'true');
  return i;
}

/** An error line under a control; controls are wrapped so the error sits with them. */
function withError<T>(input: HTMLInputElement | HTMLSelectElement, get: () => T, set: (v: T) => void, wrapperClass = 'ctl'): Control<T> {
  const root = el('span', { className: wrapperClass });
  const error = el('span', { className: 'ctl-error' });
  error.id = `${input.id}-error`;
  error.setAttribute('role', 'alert');
  root.append(input, error);
  const clear = () => {
    error.textContent = '';
    input.removeAttribute('aria-invalid');
  };
  input.addEventListener('input', clear);
  return {
    root,
    input,
    get,
    set,
    setError(message) {
      error.textContent = message ?? '';
      if (message) {
        input.setAttribute('aria-invalid', 'true');
        input.setAttribute('aria-describedby', error.id);
      } else input.removeAttribute('aria-invalid');
    },
    setVisible(visible) {
      root.hidden = !visible;
    },
    onChange(listener) {
      input.addEventListener('input', listener);
      input.addEventListener('change', listener);
    },
  };
}

export function textInput(options: { id: string; label: string; placeholder?: string; width?: string; type?: string }): Control<string> {
  const input = el('input', { id: options.id });
  input.type = options.type ?? 'text';
  input.setAttribute('aria-label', options.label);
  input.spellcheck = false;
  // Placeholders describe the kind of input, never a value that looks already typed.
  if (options.placeholder) input.placeholder = options.placeholder;
  if (options.width) input.style.width = options.width;
  return withError(input, () => input.value, (v) => (input.value = v));
}

export function select<T extends string>(options: { id: string; label: string; choices: { value: T; label: string }[]; width?: string }): Control<T> & { setChoices(choices: { value: T; label: string }[]): void } {
  const input = el('select', { id: options.id });
  input.setAttribute('aria-label', options.label);
  if (options.width) input.style.width = options.width;
  const setChoices = (choices: { value: T; label: string }[]) => {
    const current = input.value;
    input.replaceChildren(...choices.map((c) => Object.assign(el('option', { text: c.label }), { value: c.value })));
    if (choices.some((c) => c.value === current)) input.value = current;
  };
  setChoices(options.choices);
  const control = withError<T>(input, () => input.value as T, (v) => (input.value = v));
  return { ...control, setChoices };
}

export function checkbox(options: { id: string; label: string }): Control<boolean> {
  const input = el('input', { id: options.id });
  input.type = 'checkbox';
  const control = withError(input, () => input.checked, (v) => (input.checked = v));
  // The label wraps the box (a bigger click target); it takes the box's place before the error line.
  const label = el('label', { className: 'check' });
  control.root.insertBefore(label, input);
  label.append(input, options.label);
  return control;
}

/** A button as VS Code draws them: primary (Send), or an icon-only / text toolbar action. */
export function button(options: { id: string; label: string; icon?: string; kind?: 'primary' | 'secondary' | 'icon' | 'link'; title?: string; onClick: () => void }): HTMLButtonElement {
  const b = el('button', { id: options.id, className: `btn btn-${options.kind ?? 'secondary'}`, title: options.title ?? options.label });
  b.type = 'button';
  if (options.icon) b.append(codicon(options.icon));
  if (options.kind === 'icon') b.setAttribute('aria-label', options.label);
  else b.append(el('span', { text: options.label }));
  b.addEventListener('click', () => {
    if (!b.disabled) options.onClick();
  });
  return b;
}

/** A line of status text; always plain text. */
export function statusText(id: string): { root: HTMLElement; show(text: string, kind?: 'info' | 'ok' | 'error' | 'busy'): void } {
  const root = el('span', { id, className: 'status' });
  root.setAttribute('role', 'status');
  return {
    root,
    show(text, kind = 'info') {
      root.textContent = text;
      root.dataset.kind = kind;
      root.title = text;
    },
  };
}

/**
 * One text box that is also the list of the cluster's topics (ARIA combobox with a listbox popup):
 * type to filter, arrows and Enter to pick, Escape to close.
 */
export function combobox(options: { id: string; label: string; placeholder?: string }): Control<string> & { setItems(items: { value: string; detail: string }[]): void } {
  const control = textInput({ id: options.id, label: options.label, placeholder: options.placeholder });
  const input = control.input as HTMLInputElement;
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-expanded', 'false');
  input.autocomplete = 'off';
  const list = el('ul', { id: `${options.id}-list`, className: 'combo-list' });
  list.setAttribute('role', 'listbox');
  list.hidden = true;
  input.setAttribute('aria-controls', list.id);
  const toggle = button({ id: `${options.id}-toggle`, label: `Show ${options.label.toLowerCase()} list`, icon: 'chevron-down', kind: 'icon', onClick: () => (list.hidden ? open(true) : close()) });
  toggle.tabIndex = -1;
  control.root.classList.add('combo');
  control.root.insertBefore(toggle, input.nextSibling);
  control.root.append(list);
  let items: { value: string; detail: string }[] = [];
  let active = -1;
  const shown = () => Array.from(list.children) as HTMLElement[];
  const render = (all: boolean) => {
    const q = input.value.trim().toLowerCase();
    const matches = items.filter((i) => all || !q || i.value.toLowerCase().includes(q)).slice(0, 200);
    list.replaceChildren(
      ...matches.map((m, n) => {
        const li = el('li', { id: `${options.id}-opt-${n}` }, el('span', { text: m.value }), el('span', { className: 'detail', text: m.detail }));
        li.setAttribute('role', 'option');
        li.dataset.value = m.value;
        li.addEventListener('mousedown', (e) => {
          e.preventDefault();
          pick(m.value);
        });
        return li;
      }),
    );
    active = -1;
    return matches.length;
  };
  const open = (all = false) => {
    if (render(all) === 0) return close();
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    if (all) input.focus();
  };
  function close(): void {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  }
  const highlight = (n: number) => {
    const opts = shown();
    if (opts.length === 0) return;
    active = (n + opts.length) % opts.length;
    opts.forEach((o, i) => o.setAttribute('aria-selected', String(i === active)));
    input.setAttribute('aria-activedescendant', opts[active].id);
    opts[active].scrollIntoView({ block: 'nearest' });
  };
  const pick = (value: string) => {
    input.value = value;
    close();
    input.dispatchEvent(new Event('change'));
  };
  input.addEventListener('input', () => open());
  input.addEventListener('blur', () => close());
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') {
      if (list.hidden) open(true);
      highlight(active + 1);
      e.preventDefault();
    } else if (e.key === 'ArrowUp' && !list.hidden) {
      highlight(active - 1);
      e.preventDefault();
    } else if (e.key === 'Enter' && !list.hidden && active >= 0 && !e.ctrlKey && !e.metaKey) {
      pick(shown()[active].dataset.value ?? '');
      e.preventDefault();
    } else if (e.key === 'Escape' && !list.hidden) {
      close();
      e.stopPropagation();
    }
  });
  return {
    ...control,
    setItems(next) {
      items = next;
      // The list may arrive while the user is already typing: show it then.
      if (!list.hidden || (input.ownerDocument.activeElement === input && input.value)) open();
    },
  };
}
