import { useEffect, useRef } from 'react';
import { useLocation } from 'wouter';

/** A new screen starts at its top, and keyboard focus moves to it (not on the first load). */
export function ScrollToTop() {
  const [location] = useLocation();
  const shown = useRef(location);
  useEffect(() => {
    if (shown.current === location) return;
    shown.current = location;
    window.scrollTo(0, 0);
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [location]);
  return null;
}
