/**
 * Building blocks of the contract's areas. Like the contract, free of Node and DOM APIs.
 */
import { z } from 'zod';

export const Id = z.string().min(1).max(64);
export const Empty = z.object({}).strict();

/** One call: its request and response schemas. */
export function call<Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res) {
  return { request, response };
}
