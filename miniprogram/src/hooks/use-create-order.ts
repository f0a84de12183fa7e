import { useRef, useState } from 'react';
import type { CreatedWorkOrderView, CreateOrderInput } from '@linli/shared';
import { api, ApiError } from '../services/api';
import { textOf } from '../services/errors';
import { newIdempotencyKey } from '../services/format';

/**
 * Filing an order from a form: one Idempotency-Key per form, so double taps and retries after a
 * lost answer file one order. `busy()` lets the form ignore taps while a submit is in flight.
 */
export function useCreateOrder(reusedText: string) {
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const keyRef = useRef(newIdempotencyKey());
  const busyRef = useRef(false);

  /** The created order, or null with `error` set. */
  const create = async (input: CreateOrderInput): Promise<CreatedWorkOrderView | null> => {
    busyRef.current = true;
    setSubmitting(true);
    setError(null);
    try {
      return await api.createOrder(input, keyRef.current);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'IDEMPOTENCY_KEY_REUSED') {
        setError(reusedText);
      } else {
        setError(textOf(err));
        // The server answered and created nothing: an edited form may go with a new key.
        // When no answer came (network, 5xx), keep the key so a retry cannot file twice.
        if (err instanceof ApiError && !err.outcomeUnknown) keyRef.current = newIdempotencyKey();
      }
      return null;
    } finally {
      busyRef.current = false;
      setSubmitting(false);
    }
  };

  return { create, submitting, error, setError, busy: () => busyRef.current };
}
