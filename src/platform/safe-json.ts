/** JSON parsing for untrusted bodies: size, depth and reserved keys are checked before any rule sees them. */
import { ProblemError } from './problem.js';

export const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
export const MAX_DEPTH = 32;

export function parseUntrustedJson(text: string, requirement: string, maxDepth = MAX_DEPTH): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ProblemError('ICS_ERR_HTTP_MALFORMED_JSON', {
      detail: `Body is not valid JSON: ${(err as Error).message}`,
      errors: [{ path: '', rule: 'json', requirement, message: (err as Error).message }],
    });
  }
  // Nearly every body is fine: a walk that builds no paths says so; only a failure pays for the path.
  if (!shapeOk(value, maxDepth)) checkShape(value, requirement, maxDepth);
  return value;
}

/** Iterative walk (no recursion, so hostile nesting cannot blow the stack). */
function shapeOk(root: unknown, maxDepth: number): boolean {
  const nodes: unknown[] = [root];
  const depths: number[] = [0];
  while (nodes.length > 0) {
    const node = nodes.pop();
    const depth = depths.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= maxDepth) return false;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        nodes.push(node[i]);
        depths.push(depth + 1);
      }
    } else {
      for (const key in node) {
        if (FORBIDDEN_KEYS.has(key)) return false;
        nodes.push((node as Record<string, unknown>)[key]);
        depths.push(depth + 1);
      }
    }
  }
  return true;
}

/** The same walk, naming the JSON path of the first violation. */
function checkShape(root: unknown, requirement: string, maxDepth: number): void {
  const stack: Array<[unknown, string, number]> = [[root, '', 0]];
  while (stack.length > 0) {
    const [node, path, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= maxDepth) {
      throw new ProblemError('ICS_ERR_HTTP_TOO_DEEP', {
        detail: `Nesting deeper than ${maxDepth} levels at ${path || '/'}`,
        errors: [{ path, rule: 'max-depth', requirement, message: `nesting deeper than ${maxDepth}` }],
      });
    }
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) stack.push([node[i], `${path}/${i}`, depth + 1]);
    } else {
      for (const key of Object.keys(node)) {
        const p = `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        if (FORBIDDEN_KEYS.has(key)) {
          throw new ProblemError('ICS_ERR_HTTP_FORBIDDEN_KEY', {
            detail: `Reserved key "${key}" at ${p}`,
            errors: [{ path: p, rule: 'forbidden-key', requirement, message: `reserved key "${key}"` }],
          });
        }
        stack.push([(node as Record<string, unknown>)[key], p, depth + 1]);
      }
    }
  }
}
