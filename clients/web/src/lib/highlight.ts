// Syntax highlighting with highlight.js core and a grammar for each language the API names
// (the SDK's `Language`): a challenge says what its code is written in, nothing is guessed.
import { Language } from '@challenger/sdk';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import php from 'highlight.js/lib/languages/php';
import python from 'highlight.js/lib/languages/python';
import ruby from 'highlight.js/lib/languages/ruby';
import rust from 'highlight.js/lib/languages/rust';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import type { LanguageFn } from 'highlight.js';

/** A grammar per language: a language added to the API fails the type check until it has one. */
const GRAMMARS: Record<Language, LanguageFn> = {
  python,
  javascript,
  typescript,
  rust,
  go,
  java,
  c,
  cpp,
  ruby,
  php,
  sql,
  bash,
};

for (const [name, grammar] of Object.entries(GRAMMARS)) hljs.registerLanguage(name, grammar);

export const LANGUAGES: readonly Language[] = Object.values(Language);

export const LANGUAGE_LABELS: Record<Language, string> = {
  python: 'Python',
  javascript: 'JavaScript',
  typescript: 'TypeScript',
  rust: 'Rust',
  go: 'Go',
  java: 'Java',
  c: 'C',
  cpp: 'C++',
  ruby: 'Ruby',
  php: 'PHP',
  sql: 'SQL',
  bash: 'Bash',
};

/** Highlighted HTML (escaped by highlight.js); code in no named language is only escaped. */
export function highlight(code: string, language: Language | null): string {
  return language ? hljs.highlight(code, { language }).value : escapeHtml(code);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
