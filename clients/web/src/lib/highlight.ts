// Syntax highlighting with highlight.js core and only the languages the challenges use.
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';

const LANGUAGES = { bash, c, go, java, javascript, python, rust, sql, typescript };

export type Language = keyof typeof LANGUAGES;

for (const [name, definition] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, definition);

export const LANGUAGE_LABELS: Record<Language, string> = {
  bash: 'Bash',
  c: 'C',
  go: 'Go',
  java: 'Java',
  javascript: 'JavaScript',
  python: 'Python',
  rust: 'Rust',
  sql: 'SQL',
  typescript: 'TypeScript',
};

// Checked in order: "TypeScript" before "JavaScript" (a TS question may mention both), and
// the short names with their capital letter only ("Go", "C"), so "go" and "c" in prose don't count.
const HINTS: [RegExp, Language][] = [
  [/\bTypeScript\b/, 'typescript'],
  [/\bJavaScript\b/, 'javascript'],
  [/\bPython\b/, 'python'],
  [/\bRust\b/, 'rust'],
  [/\bJava\b/, 'java'],
  [/\bGo\b/, 'go'],
  [/\bC\b/, 'c'],
  [/\b(bash|shell)\b/i, 'bash'],
  [/\b(SQL|query|table)\b/i, 'sql'],
];

/** The language a question names ("What does this Python code print?"), if any. */
export function languageFromText(text: string): Language | null {
  for (const [pattern, language] of HINTS) if (pattern.test(text)) return language;
  return null;
}

/** Highlighted HTML (escaped by highlight.js) and the language used, named or detected. */
export function highlight(code: string, hint: Language | null): { html: string; language: Language | null } {
  if (hint) return { html: hljs.highlight(code, { language: hint }).value, language: hint };
  const auto = hljs.highlightAuto(code, Object.keys(LANGUAGES));
  return { html: auto.value, language: (auto.language as Language | undefined) ?? null };
}
