/**
 * Record text made safe to look at: Unicode bidirectional controls (U+202A–U+202E, U+2066–U+2069,
 * U+200E/U+200F, U+061C) reorder what is displayed, so "abc\u202Efdp.exe" reads as "abcexe.pdf".
 * The viewer shows them as visible marks (⟨U+202E⟩) and warns, rather than letting them act.
 */
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

export interface VisibleText {
  text: string;
  /** How many bidi controls were made visible (0: the text is unchanged). */
  bidiControls: number;
}

/** Replaces each bidi control with ⟨U+XXXX⟩ and counts them. */
export function visibleText(text: string): VisibleText {
  let bidiControls = 0;
  const out = text.replace(BIDI, (c) => {
    bidiControls++;
    return `⟨U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}⟩`;
  });
  return { text: out, bidiControls };
}

/** True when the text holds a bidi control (cheap check before {@link visibleText}). */
export function hasBidiControls(text: string): boolean {
  BIDI.lastIndex = 0;
  const found = BIDI.test(text);
  BIDI.lastIndex = 0;
  return found;
}
