import { Type } from './schema.js';

/** RFC 9457 problem details as this project fills them in. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'A link to the docs for this problem code.' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    code: Type.String({ description: 'ICS_ERR_* code (docs/errors.md).' }),
    requirement: Type.Optional(Type.String({ description: 'The requirement the refusal enforces.' })),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          path: Type.String({ description: 'JSON pointer (or header:/query:/path: prefix).' }),
          rule: Type.String(),
          requirement: Type.String(),
          message: Type.String(),
        }),
      ),
    ),
    errorsOmitted: Type.Optional(Type.Integer({ minimum: 1, description: 'Errors past the first 100, counted but not listed.' })),
  },
  { title: 'Problem' },
);
