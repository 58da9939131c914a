// The toolbar's overflow, as VS Code's toolbars do it: when the editor is too narrow for every
// button, the trailing ones move into a "More Actions…" menu at the end of the line.
import { el, iconButton } from './dom';

export class ToolbarOverflow {
  readonly button: HTMLButtonElement;
  readonly menu = el('div', { id: 'toolbar-more-menu', className: 'menu', role: 'menu', label: 'More actions' });

  /** `candidates`: the buttons that may move into the menu, the first listed moving first. */
  constructor(
    private readonly toolbar: HTMLElement,
    private readonly candidates: HTMLButtonElement[],
  ) {
    this.button = iconButton('toolbar-more', 'ellipsis', 'More Actions…', () => (this.menu.hidden ? this.open() : this.close(true)));
    this.button.setAttribute('aria-haspopup', 'menu');
    this.button.setAttribute('aria-expanded', 'false');
    this.button.hidden = true;
    this.menu.hidden = true;
    this.menu.addEventListener('keydown', (e) => this.onKey(e));
    document.addEventListener('pointerdown', (e) => {
      if (!this.menu.hidden && !this.menu.contains(e.target as Node) && e.target !== this.button && !this.button.contains(e.target as Node)) this.close(false);
    });
    window.addEventListener('blur', () => this.close(false));
    new ResizeObserver(() => this.fit()).observe(toolbar);
  }

  /** Hides trailing buttons until the line fits, and shows the menu button when any is hidden. */
  fit(): void {
    this.close(false);
    for (const b of this.candidates) b.classList.remove('overflowed');
    this.button.hidden = true;
    if (this.toolbar.scrollWidth <= this.toolbar.clientWidth) return;
    this.button.hidden = false;
    for (const b of this.candidates) {
      if (this.toolbar.scrollWidth <= this.toolbar.clientWidth) break;
      b.classList.add('overflowed');
    }
  }

  private open(): void {
    const items = this.candidates.filter((b) => b.classList.contains('overflowed')).reverse();
    this.menu.replaceChildren(
      ...items.map((b) => {
        const pressed = b.getAttribute('aria-pressed');
        const item = el('button', { className: 'menu-item', role: pressed === null ? 'menuitem' : 'menuitemcheckbox', label: b.title });
        item.append(el('span', { className: 'menu-label', text: b.title }));
        item.type = 'button';
        item.tabIndex = -1;
        if (pressed !== null) item.setAttribute('aria-checked', pressed);
        item.disabled = b.disabled;
        const icon = el('span', { className: `codicon ${b.querySelector('.codicon')?.className.replace('codicon ', '') ?? ''}` });
        icon.setAttribute('aria-hidden', 'true');
        item.prepend(icon);
        if (pressed === 'true') {
          const check = el('span', { className: 'codicon codicon-check menu-check' });
          check.setAttribute('aria-hidden', 'true');
          item.append(check);
        }
        item.addEventListener('click', () => {
          this.close(false);
          b.click();
        });
        return item;
      }),
    );
    const box = this.button.getBoundingClientRect();
    this.menu.style.top = `${Math.round(box.bottom + 2)}px`;
    this.menu.style.right = `${Math.max(0, Math.round(window.innerWidth - box.right))}px`;
    this.menu.hidden = false;
    this.button.setAttribute('aria-expanded', 'true');
    (this.menu.querySelector('.menu-item:not(:disabled)') as HTMLElement | null)?.focus();
  }

  private close(refocus: boolean): void {
    if (this.menu.hidden) return;
    this.menu.hidden = true;
    this.button.setAttribute('aria-expanded', 'false');
    if (refocus) this.button.focus();
  }

  private onKey(e: KeyboardEvent): void {
    const items = [...this.menu.querySelectorAll<HTMLButtonElement>('.menu-item:not(:disabled)')];
    const at = items.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = (at + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
      items[next]?.focus();
    } else if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      items[e.key === 'Home' ? 0 : items.length - 1]?.focus();
    } else if (e.key === 'Escape' || e.key === 'Tab') {
      e.preventDefault();
      this.close(true);
    }
  }
}
