import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsObject, Max, Min, ValidateBy, type ValidationOptions } from 'class-validator';
import { SUBSCRIBE_RESULTS, type SubscribeResult } from '@linli/shared';
import { Optional } from '../../common/validation.js';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class ListNotificationsQuery {
  @ApiPropertyOptional({ default: 1 }) @Optional() @Transform(toInt) @IsInt() @Min(1) @Max(100000) page?: number;
  @ApiPropertyOptional({ default: 20 }) @Optional() @Transform(toInt) @IsInt() @Min(1) @Max(100) pageSize?: number;
  @ApiPropertyOptional({ description: 'true: only unread ones' })
  @Optional()
  @Transform(toBool)
  @IsBoolean()
  unread?: boolean;
}

const TEMPLATE_ID = /^[\w-]{1,64}$/;
/** wx.requestSubscribeMessage takes at most 3 templates; leave some room, refuse junk. */
const MAX_TEMPLATES = 10;

function isSubscribeResults(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  return (
    entries.length >= 1 &&
    entries.length <= MAX_TEMPLATES &&
    entries.every(([id, r]) => TEMPLATE_ID.test(id) && (SUBSCRIBE_RESULTS as readonly unknown[]).includes(r))
  );
}

function IsSubscribeResults(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isSubscribeResults',
      validator: {
        validate: isSubscribeResults,
        defaultMessage: () =>
          `results must map 1-${MAX_TEMPLATES} template ids to one of ${SUBSCRIBE_RESULTS.join(', ')}`,
      },
    },
    options,
  );
}

/** What wx.requestSubscribeMessage answered, as the mini-program reports it. */
export class ReportSubscriptionsDto {
  @ApiProperty({ example: { 'linli-order-status': 'accept' } })
  @IsObject()
  @IsSubscribeResults()
  results: Record<string, SubscribeResult>;
}
