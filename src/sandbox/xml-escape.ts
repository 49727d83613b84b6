/** Escapes text for element content and double-quoted attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;',
  );
}

/** `<name>text</name>`, or `<name/>` when the text is empty. */
export function leaf(name: string, text: string | number | undefined): string {
  const value = text === undefined ? '' : String(text);
  return value === '' ? `<${name}/>` : `<${name}>${escapeXml(value)}</${name}>`;
}
