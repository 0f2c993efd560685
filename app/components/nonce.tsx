import { createContext, useContext } from "react";

/**
 * The CSP nonce of the current server render (entry.server.tsx provides it). In the browser it is
 * "" — browsers hide nonces from the DOM, and scripts added after hydration are not inline.
 */
export const NonceContext = createContext("");

export function useNonce(): string {
  return useContext(NonceContext);
}
