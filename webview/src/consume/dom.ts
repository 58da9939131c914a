// Small DOM helpers for the viewer. Text is always set with textContent: records are untrusted.

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { id?: string; className?: string; text?: string; title?: string; role?: string; label?: string } = {},
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (props.id) e.id = props.id;
  if (props.className) e.className = props.className;
  if (props.text !== undefined) e.textContent = props.text;
  if (props.title) e.title = props.title;
  if (props.role) e.setAttribute('role', props.role);
  if (props.label) e.setAttribute('aria-label', props.label);
  return e;
}

/** A codicon button as VS Code draws them in toolbars: an icon, a tooltip, an accessible name. */
export function iconButton(id: string, icon: string, label: string, onClick: () => void): HTMLButtonElement {
  const b = el('button', { id, className: 'icon-button', title: label, label });
  b.type = 'button';
  const i = el('span', { className: `codicon codicon-${icon}` });
  i.setAttribute('aria-hidden', 'true');
  b.append(i);
  b.addEventListener('click', onClick);
  return b;
}

export function setIcon(button: HTMLElement, icon: string, label: string): void {
  button.querySelector('.codicon')!.className = `codicon codicon-${icon}`;
  button.title = label;
  button.setAttribute('aria-label', label);
}

/** A toggle button (aria-pressed) for the bars that fold away. */
export function toggleButton(id: string, icon: string, label: string, onToggle: (on: boolean) => void): HTMLButtonElement & { set(on: boolean): void } {
  const b = iconButton(id, icon, label, () => {
    const on = b.getAttribute('aria-pressed') !== 'true';
    b.set(on);
    onToggle(on);
  }) as HTMLButtonElement & { set(on: boolean): void };
  b.set = (on) => {
    b.setAttribute('aria-pressed', String(on));
    b.classList.toggle('on', on);
  };
  b.set(false);
  return b;
}

export function select(id: string, label: string, options: { value: string; label: string }[]): HTMLSelectElement {
  const s = el('select', { id, label, title: label });
  for (const o of options) {
    const opt = el('option', { text: o.label });
    opt.value = o.value;
    s.append(opt);
  }
  return s;
}

export function input(id: string, label: string, placeholder = ''): HTMLInputElement {
  const i = el('input', { id, label, title: label });
  i.type = 'text';
  i.placeholder = placeholder;
  i.spellcheck = false;
  return i;
}

/** A labelled control for the folding bars: "Label [control]". */
export function labelled(text: string, control: HTMLElement): HTMLElement {
  const l = el('label', { className: 'inline-field' });
  l.append(el('span', { text }), control);
  return l;
}
