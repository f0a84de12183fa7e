import { isPlainName, PLAIN_NAME_PROBLEM } from '@linli/shared';
import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * A name shown on screens, charts and exports: plain text, no `<`, `>` or control characters
 * (`shared/src/names.ts`). Other types are left to the field's type rule. Refused as
 * VALIDATION_FAILED with the field, like any other rule.
 */
export const PlainName = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'plainName',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || isPlainName(value),
        defaultMessage: (args) => `${args?.property ?? 'name'} ${PLAIN_NAME_PROBLEM}`,
      },
    },
    options,
  );
