/**
 * The key/value text editor: CodeMirror 6 in the webview rather than a VS Code document beside the
 * form, because the value must stay next to the key, headers and Send (one screen, one Ctrl+Enter),
 * and a second editor tab would split the form in two. Highlighting, bracket matching and folding
 * come from CodeMirror; the checks (JSON syntax, Avro against the schema) stay in the host, which
 * sends line/column marks shown here as lint squiggles, and Avro field names for completion.
 *
 * CSP: CodeMirror adds its styles as constructed stylesheets (adoptedStyleSheets) in Chromium, and
 * as a <style> element elsewhere; the page's style-src already allows that ('unsafe-inline' for the
 * toolkit's styles). Scripts stay nonce-only: styles cannot run code, and record text is only ever
 * editor content, never markup.
 */
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { json } from '@codemirror/lang-json';
import { bracketMatching, foldGutter, foldKeymap, HighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { Compartment, EditorState, type Extension } from '@codemirror/state';
import { drawSelection, EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers, placeholder } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import type { TextMark } from './protocol';

const theme = EditorView.theme({
  '&': {
    color: 'var(--vscode-editor-foreground)',
    backgroundColor: 'var(--vscode-editor-background)',
    border: '1px solid var(--vscode-input-border, var(--vscode-panel-border))',
    fontSize: 'var(--vscode-editor-font-size)',
  },
  '&.cm-focused': { outline: '1px solid var(--vscode-focusBorder)', outlineOffset: '-1px' },
  '.cm-content': { fontFamily: 'var(--vscode-editor-font-family)', caretColor: 'var(--vscode-editorCursor-foreground)' },
  '.cm-scroller': { fontFamily: 'var(--vscode-editor-font-family)', lineHeight: '1.45' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--vscode-editorCursor-foreground)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': { backgroundColor: 'var(--vscode-editor-selectionBackground) !important' },
  '.cm-activeLine': { backgroundColor: 'var(--vscode-editor-lineHighlightBackground, transparent)' },
  '.cm-gutters': { backgroundColor: 'var(--vscode-editorGutter-background, var(--vscode-editor-background))', color: 'var(--vscode-editorLineNumber-foreground)', border: 'none' },
  '.cm-activeLineGutter': { backgroundColor: 'transparent', color: 'var(--vscode-editorLineNumber-activeForeground)' },
  '.cm-matchingBracket, &.cm-focused .cm-matchingBracket': { backgroundColor: 'var(--vscode-editorBracketMatch-background)', outline: '1px solid var(--vscode-editorBracketMatch-border)' },
  '.cm-foldPlaceholder': { backgroundColor: 'var(--vscode-editor-foldBackground, transparent)', border: 'none', color: 'var(--vscode-editorCodeLens-foreground)' },
  '.cm-placeholder': { color: 'var(--vscode-input-placeholderForeground)' },
  '.cm-lintRange-error': {
    backgroundImage: 'none',
    textDecoration: 'underline wavy var(--vscode-editorError-foreground)',
    textDecorationSkipInk: 'none',
    textUnderlineOffset: '3px',
  },
  '.cm-tooltip': { backgroundColor: 'var(--vscode-editorHoverWidget-background)', color: 'var(--vscode-editorHoverWidget-foreground)', border: '1px solid var(--vscode-editorHoverWidget-border)' },
  '.cm-tooltip-autocomplete > ul > li[aria-selected]': { backgroundColor: 'var(--vscode-list-activeSelectionBackground)', color: 'var(--vscode-list-activeSelectionForeground)' },
  '.cm-diagnostic-error': { borderLeftColor: 'var(--vscode-editorError-foreground)' },
});

// Webviews get no token colours; the debug console's value colours are the closest theme set.
const highlight = HighlightStyle.define([
  { tag: tags.propertyName, color: 'var(--vscode-debugTokenExpression-name)' },
  { tag: tags.string, color: 'var(--vscode-debugTokenExpression-string)' },
  { tag: tags.number, color: 'var(--vscode-debugTokenExpression-number)' },
  { tag: [tags.bool, tags.null], color: 'var(--vscode-debugTokenExpression-boolean)' },
  { tag: tags.invalid, color: 'var(--vscode-debugTokenExpression-error)' },
]);

export interface ValueEditor {
  readonly root: HTMLElement;
  readonly view: EditorView;
  get(): string;
  set(text: string): void;
  /** JSON highlighting and folding for JSON-typed formats; plain text otherwise. */
  setJson(on: boolean): void;
  /** The host's findings as squiggles (1-based line/column, as the checks compute them). */
  setMarks(marks: TextMark[]): void;
  /** Field names offered inside a JSON object (from the Avro schema). */
  setCompletions(names: string[]): void;
  onChange(listener: () => void): void;
  setVisible(visible: boolean): void;
}

export function valueEditor(options: { id: string; label: string; placeholder: string; onSubmit: () => void; singleLine?: boolean }): ValueEditor {
  const language = new Compartment();
  let jsonOn = false;
  const listeners: (() => void)[] = [];
  let names: string[] = [];
  const complete = (context: CompletionContext): CompletionResult | null => {
    // A property name: just after `{`, `,` or inside an opened quote at a key position.
    const word = context.matchBefore(/"?[\w$.-]*/);
    if (!word || names.length === 0) return null;
    const before = context.state.sliceDoc(Math.max(0, word.from - 200), word.from);
    if (!/[{,]\s*$/.test(before) && !context.explicit) return null;
    const quoted = word.text.startsWith('"');
    return {
      from: word.from,
      options: names.map((n) => ({ label: quoted ? `"${n}"` : n, apply: `"${n}": `, type: 'property', detail: 'field' })),
      validFor: /^"?[\w$.-]*$/,
    };
  };
  const extensions: Extension[] = [
    lineNumbers(),
    foldGutter({ markerDOM: (open) => Object.assign(document.createElement('i'), { className: `codicon codicon-chevron-${open ? 'down' : 'right'}` }) }),
    lintGutter(),
    highlightActiveLineGutter(),
    history(),
    drawSelection(),
    indentOnInput(),
    closeBrackets(),
    highlightActiveLine(),
    autocompletion({ override: [complete], icons: false }),
    syntaxHighlighting(highlight),
    language.of([]),
    placeholder(options.placeholder),
    theme,
    EditorView.lineWrapping,
    EditorView.contentAttributes.of({ 'aria-label': options.label, id: `${options.id}-content` }),
    // A one-line text key stays one line: Enter does nothing there (JSON keys may span lines).
    keymap.of([{ key: 'Mod-Enter', run: () => (options.onSubmit(), true) }, { key: 'Enter', run: () => Boolean(options.singleLine) && !jsonOn }, ...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...foldKeymap, ...completionKeymap, indentWithTab]),
    EditorView.updateListener.of((u) => {
      if (u.docChanged) for (const l of listeners) l();
    }),
  ];
  const root = document.createElement('div');
  root.id = options.id;
  root.className = 'value-editor';
  const view = new EditorView({ parent: root, state: EditorState.create({ doc: '', extensions }) });
  return {
    root,
    view,
    get: () => view.state.doc.toString(),
    set(text) {
      if (text !== view.state.doc.toString()) view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    setJson(on) {
      jsonOn = on;
      root.classList.toggle('single', Boolean(options.singleLine) && !on);
      // Bracket matching only where brackets mean structure (a text key's {{i}} is not JSON).
      view.dispatch({ effects: language.reconfigure(on ? [json(), bracketMatching()] : []) });
    },
    setMarks(marks) {
      const doc = view.state.doc;
      const diagnostics: Diagnostic[] = [];
      for (const m of marks) {
        if (doc.length === 0) continue;
        const line = doc.line(Math.min(Math.max(1, m.line), doc.lines));
        let from = Math.min(line.from + Math.max(0, m.column - 1), line.to);
        // The end of the text (an unclosed object) has no character to underline: take the last one.
        if (from >= doc.length) from = doc.length - 1;
        const rest = doc.sliceString(from, line.to);
        const token = /^("(?:[^"\\]|\\.)*"?|[\w.+-]+|.)/.exec(rest)?.[0] ?? ' ';
        diagnostics.push({ from, to: Math.min(doc.length, from + Math.max(1, token.length)), severity: 'error', message: m.message });
      }
      view.dispatch(setDiagnostics(view.state, diagnostics));
    },
    setCompletions(next) {
      names = next;
    },
    onChange(listener) {
      listeners.push(listener);
    },
    setVisible(visible) {
      root.hidden = !visible;
    },
  };
}
