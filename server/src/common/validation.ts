import { ValidationPipe, type ValidationError } from '@nestjs/common';
import type { FieldError } from '@linli/shared';
import { AppError } from './app-error.js';

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own: FieldError[] = e.constraints ? [{ field, problems: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** Whitelisting, strict validation; failures become VALIDATION_FAILED with the fields listed. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new AppError('VALIDATION_FAILED', 'request is invalid', flatten(errors)),
  });
}
