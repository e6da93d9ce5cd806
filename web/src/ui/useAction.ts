import { useState } from 'react';

/**
 * A form's submit as an action: `busy` while it runs (for the button's loader), and what it threw kept as `error`
 * for <ErrorText>, cleared when it runs again.
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const act = async (work: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, act };
}
