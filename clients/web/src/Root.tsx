import { App } from './App';
import { clerkAuth } from './clerkAuth';
import { devAuth } from './devAuth';

export function Root() {
  const { Gate, UserMenu } = import.meta.env.VITE_CLERK_PUBLISHABLE_KEY ? clerkAuth : devAuth;
  return (
    <Gate>
      <App userMenu={<UserMenu />} />
    </Gate>
  );
}
