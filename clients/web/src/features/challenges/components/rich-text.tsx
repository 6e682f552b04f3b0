import { Fragment } from 'react';
import type { Language } from '@challenger/sdk';
import { highlight, LANGUAGE_LABELS } from '@/lib/highlight';

/** Text with Markdown `backtick` spans shown as <code>. */
export function InlineCode({ text }: { text: string }) {
  // Splitting on a capturing group puts the matched `spans` at the odd indexes.
  return text
    .split(/(`[^`\n]+`)/)
    .map((part, i) => (i % 2 === 1 ? <code key={i}>{part.slice(1, -1)}</code> : <Fragment key={i}>{part}</Fragment>));
}

/** Prose paragraphs (split on blank lines), each with inline code. */
export function Paragraphs({ text }: { text: string }) {
  return text.split(/\n\s*\n/).map((paragraph, i) => (
    <p key={i}>
      <InlineCode text={paragraph} />
    </p>
  ));
}

/** A listing, highlighted in the language the challenge names (plain when it names none). */
export function CodeBlock({ code, language }: { code: string; language: Language | null }) {
  const html = highlight(code, language);
  return (
    <figure className="code-block">
      {language && <figcaption>{LANGUAGE_LABELS[language]}</figcaption>}
      {/* Focusable so keyboard users can scroll a long line sideways. */}
      <pre tabIndex={0} role="region" aria-label={language ? `${LANGUAGE_LABELS[language]} code` : 'Code'}>
        {/* highlight.js escapes the code; its output is only <span class="hljs-…"> markup. */}
        <code className="hljs" dangerouslySetInnerHTML={{ __html: html }} />
      </pre>
    </figure>
  );
}
