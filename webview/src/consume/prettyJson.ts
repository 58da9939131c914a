// No DOM and no Node: used by the viewer's details pane and by the host's "Open in editor".

/**
 * Re-indents JSON text without parsing its values, so numbers stay exactly as written (JSON.parse
 * would round integers beyond 2^53). The text must already be valid JSON.
 */
export function prettyJson(text: string, indent = '  '): string {
  let out = '';
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    if (c === ' ' || c === '\n' || c === '\r' || c === '\t') continue;
    if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '{' || c === '[') {
      // An empty object or array stays on one line.
      let j = i + 1;
      while (j < text.length && /\s/.test(text[j])) j++;
      if (text[j] === (c === '{' ? '}' : ']')) {
        out += c + text[j];
        i = j;
      } else out += `${c}\n${indent.repeat(++depth)}`;
    } else if (c === '}' || c === ']') out += `\n${indent.repeat(--depth)}${c}`;
    else if (c === ',') out += `,\n${indent.repeat(depth)}`;
    else if (c === ':') out += ': ';
    else out += c;
  }
  return out;
}

