/**
 * What the checks as you type make of a key or value with `{{…}}` templates in it: record 0's text
 * to check, and the typed text with its placeholders masked, to put squiggles where the user sees them.
 */
import { compileTemplate, TemplateError } from '../../core/produce/template';

/**
 * Placeholders replaced by text of the same length that is valid wherever a placeholder may stand
 * (a number followed by spaces: `{{i}}` → `1    `), so every position in the text stays where the
 * user sees it. Multi-line placeholders do not exist.
 */
export function maskTemplates(text: string): string {
  return text.replace(/\{\{[^{}\n]*\}\}/g, (m) => `1${' '.repeat(m.length - 1)}`);
}

/** Record 0 of a typed key or value, and how the check's message names it. */
export interface RecordZero {
  /** The text with its templates rendered for record 0 (the typed text when it has none). */
  rendered: string;
  templated: boolean;
  /** "The value", or "Record 0 (templates rendered)" when templates were rendered. */
  of: string;
}

/** Renders record 0 of `typed`; a template that does not compile gives its message instead. */
export function renderRecordZero(typed: string, role: 'key' | 'value'): RecordZero | { error: string } {
  try {
    const template = compileTemplate(typed);
    const templated = !template.constant;
    const of = templated ? (role === 'key' ? "Record 0's key (templates rendered)" : 'Record 0 (templates rendered)') : `The ${role}`;
    return { rendered: template.render(0), templated, of };
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    return { error: e.message };
  }
}
