/**
 * The browser's reference of one payment attempt (`clientReference`): the server takes a payment once per reference,
 * so a double click, an Enter pressed twice or a resend after a lost answer is one payment with one receipt.
 *
 * One reference per form content: the same subscriber, amount, method and items keep the reference until the server
 * has answered with a payment; changing any of them is another payment and gets a new one. Kept in a ref, not in
 * React state, so two submits in the same tick (before a re-render disables the button) share it.
 *
 * crypto.getRandomValues, not randomUUID: the console may be served over plain http inside a utility's network,
 * where randomUUID (secure contexts only) is missing.
 */
import { useRef } from 'react';

export function newClientReference(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `desk-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export function useClientReference() {
  const held = useRef<{ content: string; reference: string } | null>(null);
  return {
    /** The reference for this content: the held one if the content is the same, else a new one. */
    for(content: string): string {
      if (held.current?.content !== content) held.current = { content, reference: newClientReference() };
      return held.current.reference;
    },
    /** The server took the payment: the next submission, even with the same content, is a new payment. */
    done(reference: string): void {
      if (held.current?.reference === reference) held.current = null;
    },
  };
}
