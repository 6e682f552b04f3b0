/** The app's mark and name (the same mark as the favicon). */
export function Logo({ as: Tag = 'p' }: { as?: 'p' | 'span' }) {
  return (
    <Tag className="logo">
      <svg viewBox="0 0 32 32" width="28" height="28" aria-hidden="true" focusable="false">
        <rect width="32" height="32" rx="8" fill="#4338ca" />
        <path
          d="M12.5 10.5 7 16l5.5 5.5M19.5 10.5 25 16l-5.5 5.5"
          fill="none"
          stroke="#fff"
          strokeWidth="2.6"
          strokeLinecap="round"
          strokeLinejoin="round"
        />
      </svg>
      <span>Challenger</span>
    </Tag>
  );
}
