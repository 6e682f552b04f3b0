/**
 * Renders challenge text: `backtick` spans become <code>, and a paragraph of several lines is a
 * code listing (how generated titles embed code), shown as <pre>. Line breaks are kept.
 */
export function RichText({ text }: { text: string }) {
  return text.split(/\n{2,}/).map((paragraph, i) =>
    paragraph.includes('\n') ? (
      <pre key={i}>
        <code>{paragraph}</code>
      </pre>
    ) : (
      <p key={i}>
        <InlineCode text={paragraph} />
      </p>
    ),
  );
}

export function InlineCode({ text }: { text: string }) {
  // Splitting on a capturing group puts the matched `spans` at the odd indexes.
  return text.split(/(`[^`\n]+`)/).map((part, i) => (i % 2 === 1 ? <code key={i}>{part.slice(1, -1)}</code> : part));
}
