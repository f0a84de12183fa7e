import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
import { ValidateIf } from 'class-validator';
import type { FieldError } from '@linli/shared';
import { AppError } from './app-error.js';
import { bodyProblems } from './body-guard.js';

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own: FieldError[] = e.constraints ? [{ field, problems: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * Bodies first meet the shape rules of body-guard.ts (depth, hostile keys, control characters,
 * blank text). A body too deep or with a hostile key never reaches class-transformer; blank or
 * control-character text is reported together with the DTO's own problems, one answer listing
 * every field.
 */
class GuardedValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const guard = metadata.type === 'body' ? bodyProblems(value) : [];
    if (guard.some((p) => p.problems.some((m) => m.startsWith('property ')))) {
      throw new AppError('VALIDATION_FAILED', 'request is invalid', guard);
    }
    if (!guard.length) return super.transform(value, metadata);
    let own: FieldError[] = [];
    try {
      await super.transform(value, metadata);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      own = (err.details as FieldError[] | undefined) ?? [];
    }
    const fields = new Set(guard.map((p) => p.field));
    throw new AppError('VALIDATION_FAILED', 'request is invalid', [
      ...guard,
      ...own.filter((p) => !fields.has(p.field)),
    ]);
  }
}

/** Whitelisting, strict validation; failures become VALIDATION_FAILED with the fields listed. */
export function createValidationPipe(): ValidationPipe {
  return new GuardedValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new AppError('VALIDATION_FAILED', 'request is invalid', flatten(errors)),
  });
}

/**
 * An optional field: absent is fine, but `null` is validated like any other value (and refused by
 * the field's type rule). class-validator's own IsOptional lets null through to the services,
 * which answered 500 for `houseId: null` and 409 for `version: null`.
 */
export const Optional = (): PropertyDecorator => ValidateIf((_o, value) => value !== undefined);

/** A field where `null` means something (clear it, "any"): absent and null both skip validation. */
export const Nullable = (): PropertyDecorator => ValidateIf((_o, value) => value !== undefined && value !== null);
